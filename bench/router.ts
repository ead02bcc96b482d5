/**
 * Router benchmark (`npm run bench:router`): RPC calls/s with p50/p99 latency, and PubSub fan-out,
 * through Kiln's router and, for comparison, through a plain `ws` relay (bench/router-relay.ts), the
 * floor any WebSocket router pays. Caller and callee (publisher and subscribers) are separate processes
 * (bench/router-peer.ts); the router or relay runs in this one.
 *
 *   --duration MS   measured time per cell (default 3000; a 500 ms warm-up comes on top)
 *   --only kiln|floor   run one side only (for profiling with --cpu-prof)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { createRouter } from '../electron/router/router.ts';
import { startRouterServer } from '../electron/router/server.ts';
import type { Limits, RealmConfig } from '../electron/router/types.ts';
import type { CallerReport, PeerCommand } from './router-peer.ts';
import { startRelay } from './router-relay.ts';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '3000' }, only: { type: 'string' } } });
const durationMs = Number(values.duration);
const warmupMs = 500;

/** A forked peer process answering one IPC command at a time. */
class PeerProcess {
  private readonly child: ChildProcess;
  constructor() {
    // --cpu-prof on this process should profile the router, not the peers.
    const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--cpu-prof'));
    this.child = fork(new URL('./router-peer.ts', import.meta.url), [], { execArgv });
  }
  run<T>(command: PeerCommand): Promise<T> {
    return new Promise((resolve, reject) => {
      this.child.once('message', (reply: { ok: boolean; result?: T; error?: string }) =>
        reply.ok ? resolve(reply.result as T) : reject(new Error(reply.error)),
      );
      this.child.send(command);
    });
  }
  kill(): void {
    this.child.kill();
  }
}

const realm: RealmConfig = {
  name: 'bench',
  auth: [
    {
      name: 'anonymous',
      hello: () => ({ kind: 'welcome', identity: { authid: 'bench', authrole: 'bench', authmethod: 'anonymous', authprovider: 'static' } }),
    },
  ],
  roles: [{ name: 'bench', permissions: [{ uri: '', match: 'prefix', allow: { call: true, register: true, publish: true, subscribe: true } }] }],
};
const limits: Limits = {
  maxMessageSize: 16 * 1024 * 1024,
  maxHelloSize: 64 * 1024,
  maxSessions: 10_000,
  maxOutgoingBuffer: 64 * 1024 * 1024,
  maxCallQueue: 0,
  pingIntervalMs: 0,
  pingTimeoutMs: 0,
  helloTimeoutMs: 10_000,
  uriCheck: 'strict',
  emulate: 'kiln',
};

const router = createRouter({ realms: [realm], limits });
const kiln = await startRouterServer({ router, host: '127.0.0.1', port: 0, limits });
const relay = await startRelay();
const callerProcess = new PeerProcess();
const calleeProcess = new PeerProcess();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function rpcCell(floor: boolean, subprotocol: string, payloadBytes: number, inflight: number): Promise<CallerReport> {
  const url = floor ? relay.url : kiln.url;
  await calleeProcess.run({ role: 'callee', url, subprotocol, floor });
  const report = await callerProcess.run<CallerReport>({ role: 'caller', url, subprotocol, floor, inflight, payloadBytes, warmupMs, durationMs });
  await calleeProcess.run({ role: 'reset' });
  // Let the router see the callee's session go before the next one registers the same procedure.
  await sleep(100);
  return report;
}

async function fanoutCell(subprotocol: string, count: number): Promise<number> {
  await calleeProcess.run({ role: 'subscribers', url: kiln.url, subprotocol, count });
  await callerProcess.run({ role: 'publisher', url: kiln.url, subprotocol, window: 100, payloadBytes: 0, durationMs: warmupMs });
  await calleeProcess.run<number>({ role: 'count' });
  const { seconds } = await callerProcess.run<{ seconds: number }>({ role: 'publisher', url: kiln.url, subprotocol, window: 100, payloadBytes: 0, durationMs });
  const delivered = await calleeProcess.run<number>({ role: 'count' });
  await calleeProcess.run({ role: 'reset' });
  await sleep(100);
  return delivered / seconds;
}

const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const rate = (r: CallerReport | undefined): number => (r === undefined ? NaN : r.calls / r.seconds);
const pad = (cells: string[]): string => cells.map((c, i) => (i < 3 ? c.padEnd(8) : c.padStart(9))).join(' ');

console.log(`router benchmark: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}, ${durationMs} ms per cell`);
console.log('\nRPC: calls/s and latency (ms), Kiln vs plain ws relay (floor)');
console.log(pad(['serial', 'args', 'inflight', 'kiln/s', 'p50', 'p99', 'floor/s', 'p50', 'p99', 'ratio']));
for (const subprotocol of ['wamp.2.json', 'wamp.2.msgpack']) {
  for (const payloadBytes of [0, 1024]) {
    for (const inflight of [1, 100]) {
      const k = values.only === 'floor' ? undefined : await rpcCell(false, subprotocol, payloadBytes, inflight);
      const f = values.only === 'kiln' ? undefined : await rpcCell(true, subprotocol, payloadBytes, inflight);
      console.log(
        pad([
          subprotocol.slice(7),
          payloadBytes === 0 ? '0 B' : '1 KB',
          String(inflight),
          fmt(rate(k)),
          fmt(k?.p50 ?? NaN, 3),
          fmt(k?.p99 ?? NaN, 3),
          fmt(rate(f)),
          fmt(f?.p50 ?? NaN, 3),
          fmt(f?.p99 ?? NaN, 3),
          fmt(rate(k) / rate(f), 2),
        ]),
      );
    }
  }
}

if (values.only !== 'floor') {
  console.log('\nPubSub fan-out: events/s delivered (acknowledged publishes, window 100, no payload)');
  console.log(pad(['serial', 'subs', '', 'events/s', 'pubs/s']));
  for (const subprotocol of ['wamp.2.json', 'wamp.2.msgpack']) {
    for (const count of [1, 10, 100]) {
      const delivered = await fanoutCell(subprotocol, count);
      console.log(pad([subprotocol.slice(7), String(count), '', fmt(delivered), fmt(delivered / count)]));
    }
  }
}

callerProcess.kill();
calleeProcess.kill();
await kiln.close();
await relay.close();
