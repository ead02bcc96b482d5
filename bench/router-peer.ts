/**
 * One benchmark peer process (forked by bench/router.ts): a deliberately minimal WAMP client over `ws`,
 * using Kiln's serializers. autobahn-js is not used: its per-message promise and object churn would
 * dominate the figures and hide the router. The same process also plays the floor's caller and echo,
 * sending the same messages through the plain relay so that both sides do the same serialization work.
 *
 * Commands arrive over IPC; each answers with one message when done.
 */
import WebSocket, { type RawData } from 'ws';
import { serializerForSubprotocol } from '../electron/router/serializers/index.ts';
import type { Serializer, WampMessage } from '../electron/router/types.ts';

export type PeerCommand =
  | { role: 'callee'; url: string; subprotocol: string; floor: boolean }
  | { role: 'caller'; url: string; subprotocol: string; floor: boolean; inflight: number; payloadBytes: number; warmupMs: number; durationMs: number }
  | { role: 'subscribers'; url: string; subprotocol: string; count: number }
  | { role: 'count' }
  | { role: 'publisher'; url: string; subprotocol: string; window: number; payloadBytes: number; durationMs: number }
  | { role: 'reset' };

export interface CallerReport {
  calls: number;
  seconds: number;
  p50: number;
  p99: number;
}

const REALM = 'bench';
const PROCEDURE = 'bench.echo';
const TOPIC = 'bench.topic';
const ROLES = { roles: { caller: {}, callee: {}, publisher: {}, subscriber: {} } };

/** A WAMP session (or, for the floor, a bare connection) with a single message callback. */
class Peer {
  private readonly ws: WebSocket;
  private readonly serializer: Serializer;
  onMessage: (message: WampMessage) => void = () => {};
  /** JSON frames are text even when the serializer hands out bytes. */
  private readonly sendOptions: { binary: boolean };

  constructor(url: string, subprotocol: string) {
    this.serializer = serializerForSubprotocol(subprotocol) as Serializer;
    this.sendOptions = { binary: this.serializer.binary };
    this.ws = new WebSocket(url, [subprotocol], { perMessageDeflate: false });
    this.ws.on('message', (data: RawData, isBinary) =>
      this.onMessage(this.serializer.decode(isBinary ? (data as Buffer) : (data as Buffer).toString()) as WampMessage),
    );
  }

  /** Opens the connection and, unless for the floor, joins the realm. */
  async open(floor: boolean): Promise<void> {
    await new Promise((resolve, reject) => {
      this.ws.once('open', resolve);
      this.ws.once('error', reject);
    });
    if (!floor) await this.request([1, REALM, ROLES], 2);
  }

  send(message: WampMessage): void {
    this.ws.send(this.serializer.encode(message), this.sendOptions);
  }

  /** Sends one message and waits for the answer of the given type (setup only, not the measured path). */
  request(message: WampMessage, answer: number): Promise<WampMessage> {
    return new Promise((resolve, reject) => {
      this.onMessage = (reply) => (reply[0] === answer ? resolve(reply) : reject(new Error(`unexpected ${JSON.stringify(reply)}`)));
      this.send(message);
    });
  }

  /** The raw socket, for subscribers that count frames without decoding them. */
  get socket(): WebSocket {
    return this.ws;
  }

  close(): void {
    this.ws.terminate();
  }
}

const peers: Peer[] = [];
let eventsReceived = 0;

function payload(bytes: number): unknown[] | undefined {
  return bytes === 0 ? undefined : ['x'.repeat(bytes)];
}

async function callee(command: Extract<PeerCommand, { role: 'callee' }>): Promise<void> {
  const peer = new Peer(command.floor ? `${command.url}/echo` : command.url, command.subprotocol);
  peers.push(peer);
  await peer.open(command.floor);
  if (command.floor) {
    // The echo answers the caller's CALL-shaped message with a YIELD-shaped one, as a callee would.
    peer.onMessage = (m) => peer.send(m.length > 4 ? [70, m[1], {}, m[4]] : [70, m[1], {}]);
  } else {
    await peer.request([64, 1, {}, PROCEDURE], 65);
    peer.onMessage = (m) => {
      if (m[0] === 68) peer.send(m.length > 4 ? [70, m[1], {}, m[4]] : [70, m[1], {}]);
    };
  }
}

async function caller(command: Extract<PeerCommand, { role: 'caller' }>): Promise<CallerReport> {
  const peer = new Peer(command.floor ? `${command.url}/caller` : command.url, command.subprotocol);
  await peer.open(command.floor);
  const args = payload(command.payloadBytes);
  const started = new Map<number, number>();
  const latencies: number[] = [];
  let nextId = 1;
  let measuring = false;
  let stopping = false;
  let outstanding = 0;
  const call = (): void => {
    const id = nextId++;
    started.set(id, performance.now());
    outstanding++;
    peer.send(args === undefined ? [48, id, {}, PROCEDURE] : [48, id, {}, PROCEDURE, args]);
  };
  const done = new Promise<void>((resolve) => {
    peer.onMessage = (m) => {
      const id = m[1] as number;
      const t0 = started.get(id);
      started.delete(id);
      outstanding--;
      if (measuring && t0 !== undefined) latencies.push(performance.now() - t0);
      if (!stopping) call();
      else if (outstanding === 0) resolve();
    };
  });
  for (let i = 0; i < command.inflight; i++) call();
  await sleep(command.warmupMs);
  measuring = true;
  const t0 = performance.now();
  await sleep(command.durationMs);
  measuring = false;
  const seconds = (performance.now() - t0) / 1000;
  stopping = true;
  await done;
  peer.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { calls: latencies.length, seconds, p50: at(0.5), p99: at(0.99) };
}

async function subscribers(command: Extract<PeerCommand, { role: 'subscribers' }>): Promise<void> {
  for (let i = 0; i < command.count; i++) {
    const peer = new Peer(command.url, command.subprotocol);
    peers.push(peer);
    await peer.open(false);
    await peer.request([32, 1, {}, TOPIC], 33);
    // Count frames without decoding: the figure is the router's delivery rate, not this process's parsing.
    peer.socket.removeAllListeners('message');
    peer.socket.on('message', () => eventsReceived++);
  }
}

async function publisher(command: Extract<PeerCommand, { role: 'publisher' }>): Promise<{ published: number; seconds: number }> {
  const peer = new Peer(command.url, command.subprotocol);
  await peer.open(false);
  const args = payload(command.payloadBytes);
  let nextId = 1;
  let published = 0;
  let stopping = false;
  let outstanding = 0;
  // Acknowledged publishes with a bounded window: flow control, so the router is measured, not its queue.
  const publish = (): void => {
    outstanding++;
    peer.send(args === undefined ? [16, nextId++, { acknowledge: true }, TOPIC] : [16, nextId++, { acknowledge: true }, TOPIC, args]);
  };
  const done = new Promise<void>((resolve) => {
    peer.onMessage = () => {
      outstanding--;
      published++;
      if (!stopping) publish();
      else if (outstanding === 0) resolve();
    };
  });
  for (let i = 0; i < command.window; i++) publish();
  const t0 = performance.now();
  await sleep(command.durationMs);
  stopping = true;
  await done;
  peer.close();
  return { published, seconds: (performance.now() - t0) / 1000 };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function handle(command: PeerCommand): Promise<unknown> {
  switch (command.role) {
    case 'callee':
      return callee(command);
    case 'caller':
      return caller(command);
    case 'subscribers':
      return subscribers(command);
    case 'publisher':
      return publisher(command);
    case 'count': {
      const count = eventsReceived;
      eventsReceived = 0;
      return count;
    }
    case 'reset':
      for (const peer of peers.splice(0)) peer.close();
      eventsReceived = 0;
      return null;
  }
}

process.on('message', (command: PeerCommand) => {
  handle(command).then(
    (result) => process.send?.({ ok: true, result }),
    (error: Error) => process.send?.({ ok: false, error: error.message }),
  );
});
