/**
 * An autobahn transport to a router in the same process: messages pass as arrays, with no
 * serialization and no socket, in both directions. The control center's orchestrator uses it, so the
 * slices of a crowd are not encoded, framed and decoded a second time on a loopback WebSocket hop
 * (docs/benchmarks.md, "A crowd of donors"). Everything else about the session is the same WAMP: HELLO,
 * ticket authentication, roles and permissions.
 *
 * Messages are delivered on a microtask, never inside the sender's call, so neither side is re-entered
 * while it is handling a message; order is kept. Neither side changes a message after sending it (the
 * router's Transport contract), so sharing them is safe.
 */
import autobahn from 'autobahn';
import type { Router } from '../router/router.ts';
import type { Connection, Transport, WampMessage } from '../router/types.ts';

/** The transport type name to use in autobahn's `transports` option, with `router` beside it. */
export const LOCAL_TRANSPORT = 'kiln-local';

interface AutobahnTransport {
  protocol: string;
  serializer: unknown;
  info: { type: string; url: null; protocol: string };
  onmessage: (message: unknown[]) => void;
  onopen: () => void;
  onclose: (details: { code: number; reason: string; wasClean: boolean }) => void;
  send: (message: unknown[]) => void;
  close: (code?: number, reason?: string) => void;
}

class LocalTransportFactory {
  readonly type = LOCAL_TRANSPORT;
  private readonly router: Router;

  constructor(options: { router?: Router }) {
    if (!options.router) throw new Error(`the ${LOCAL_TRANSPORT} transport needs a router`);
    this.router = options.router;
  }

  create(): AutobahnTransport {
    let ended = false;
    let connection: Connection | null = null;
    const end = (code: number, reason: string): void => {
      if (ended) return;
      ended = true;
      queueMicrotask(() => {
        connection?.closed();
        client.onclose({ code, reason, wasClean: true });
      });
    };
    const client: AutobahnTransport = {
      protocol: 'wamp.2.local',
      serializer: null,
      info: { type: LOCAL_TRANSPORT, url: null, protocol: 'wamp.2.local' },
      onmessage: () => {},
      onopen: () => {},
      onclose: () => {},
      send: (message) => {
        if (!ended) queueMicrotask(() => !ended && connection?.receive(message));
      },
      close: (code = 1000, reason = '') => end(code, reason),
    };
    const routerSide: Transport = {
      // Nothing is serialized; reported as what Kiln's components otherwise speak.
      info: { kind: 'local', peerAddress: '127.0.0.1', peerPort: 0, loopback: true, serializer: 'msgpack', headers: {} },
      send: (message: WampMessage) => {
        if (!ended) queueMicrotask(() => !ended && client.onmessage(message as unknown[]));
      },
      close: (code = 1000, reason = '') => end(code, reason),
    };
    // autobahn sets its handlers after create() returns: open on the next tick.
    setImmediate(() => {
      if (ended) return;
      connection = this.router.accept(routerSide);
      client.onopen();
    });
    return client;
  }
}

(autobahn as unknown as { transports: { register(name: string, factory: unknown): void } }).transports.register(LOCAL_TRANSPORT, LocalTransportFactory);
