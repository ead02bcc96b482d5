/**
 * A raw WAMP peer wired to the router in memory: messages pass as arrays (JSON-cloned, as a real
 * serializer would), so tests can send exactly the frames autobahn-js cannot (out-of-order messages,
 * a callee that announces call_canceling, malformed structures).
 */
import type { Router } from '../../../electron/router/router.ts';
import type { Connection, Dict, Transport, TransportInfo, WampMessage } from '../../../electron/router/types.ts';

export const ALL_ROLES: Dict = { caller: {}, callee: {}, publisher: {}, subscriber: {} };
/** A callee that understands INTERRUPT and progressive results, unlike autobahn-js. */
export const CANCELING_CALLEE_ROLES: Dict = {
  caller: {},
  callee: { features: { call_canceling: true, progressive_call_results: true } },
  publisher: {},
  subscriber: {},
};

export class MemoryPeer implements Transport {
  readonly info: TransportInfo = { kind: 'local', peerAddress: '127.0.0.1', peerPort: 0, loopback: true, serializer: 'json', headers: {} };
  readonly received: WampMessage[] = [];
  closed = false;
  sessionId = 0;
  private readonly connection: Connection;
  private read = 0;
  private waiters: Array<() => void> = [];

  constructor(router: Router) {
    this.connection = router.accept(this);
  }

  /** Opens a session: HELLO, then waits for WELCOME (throws on anything else). */
  static async join(router: Router, realm = 'realm1', details: Dict = { roles: ALL_ROLES }): Promise<MemoryPeer> {
    const peer = new MemoryPeer(router);
    peer.post([1, realm, details]);
    const welcome = await peer.next();
    if (welcome[0] !== 2) throw new Error(`expected WELCOME, got ${JSON.stringify(welcome)}`);
    peer.sessionId = welcome[1] as number;
    return peer;
  }

  send(message: WampMessage): void {
    if (this.closed) return;
    this.received.push(JSON.parse(JSON.stringify(message)) as WampMessage);
    this.wake();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.wake();
    // A real transport reports the close asynchronously, after the router asked for it.
    queueMicrotask(() => this.connection.closed());
  }

  /** Delivers a message from this peer to the router. */
  post(message: unknown): void {
    this.connection.receive(message);
  }

  /** The peer's side goes away without GOODBYE (a crash, a pulled cable). */
  drop(): void {
    this.closed = true;
    this.connection.closed();
  }

  /** The next message not yet read, waiting for it if need be. */
  async next(timeoutMs = 2000): Promise<WampMessage> {
    const deadline = Date.now() + timeoutMs;
    while (this.read >= this.received.length) {
      if (Date.now() > deadline) throw new Error(`no message within ${timeoutMs} ms (closed: ${this.closed})`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 20);
      });
    }
    return this.received[this.read++];
  }

  /** Messages received and not yet read, marking them read. */
  drain(): WampMessage[] {
    const unread = this.received.slice(this.read);
    this.read = this.received.length;
    return unread;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** Lets pending microtasks and I/O callbacks run. */
export const settle = (ms = 10): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
