/**
 * A compute worker in Node: a WAMP client that offers this machine's cores as `kiln.anneal`
 * (the ComputeCallee over a pool of worker threads), reconnecting with backoff when the router
 * goes away. Used by `kiln worker`, by `kiln serve` and `kiln solve` for local compute, and by the app.
 */
import { cpus, hostname } from 'node:os';
import { ComputeCallee } from '../../shared/compute/callee.ts';
import { SlicePool } from '../../shared/compute/pool.ts';
import { REALM } from '../../shared/protocol/uris.ts';
import { makeWampError, openWampClient, type Credentials, type WampClient } from '../wamp/client.ts';
import { spawnNodeThread } from './node-threads.ts';
import { VERSION } from '../version.ts';

export interface WorkerOptions {
  url: string;
  realm?: string;
  credentials: Credentials;
  /** With a wss:// url: the pinned SHA-256 fingerprint of the router's certificate (see openWampClient). */
  tlsFingerprint?: string;
  /**
   * Rejoin when the router shuts down, as after a lost connection (a worker pointed at a router);
   * otherwise a shutdown ends the worker (a LAN offer then offers the machine again).
   */
  rejoinAfterShutdown?: boolean;
  /** Compute threads and so the registration's concurrency; default: every core. */
  threads?: number;
  workerId?: string;
  /** Called with a line for each connection event; never with secrets. */
  log?: (message: string) => void;
  /**
   * Called when the connection ends for good (refused, killed, closed by the router without retry,
   * a certificate not the pinned one), with the message and the close reason's URI.
   */
  onEnded?: (message: string, reason: string) => void;
}

export interface RunningWorker {
  readonly workerId: string;
  readonly threads: number;
  close(): Promise<void>;
}

export function startWorker(options: WorkerOptions): RunningWorker {
  const threads = options.threads ?? cpus().length;
  const workerId = options.workerId ?? `${hostname()}-${process.pid}`;
  const pool = new SlicePool(threads, spawnNodeThread);
  const sampleCpuPercent = cpuSampler();
  let callee: ComputeCallee | null = null;

  const client: WampClient = openWampClient({
    url: options.url,
    realm: options.realm ?? REALM,
    credentials: options.credentials,
    tlsFingerprint: options.tlsFingerprint,
    reconnect: true,
    reconnectAfterShutdown: options.rejoinAfterShutdown,
    onOpen: async (session) => {
      callee = new ComputeCallee(session, pool, makeWampError, {
        workerId,
        host: hostname(),
        kind: 'node',
        cores: cpus().length,
        version: VERSION,
        sampleCpuPercent,
        memoryMB: () => Math.round(process.memoryUsage().rss / 2 ** 20),
      });
      await callee.start();
      options.log?.(`worker ${workerId}: joined ${options.url} with ${threads} threads`);
    },
    onClose: (reason, message, willRetry) => {
      callee?.stop().catch(() => undefined);
      callee = null;
      // The router has cancelled this session's invocations and the orchestrator dispatches them again:
      // free the threads for the next session instead of finishing work nobody will receive.
      pool.stopAll();
      options.log?.(`worker ${workerId}: connection closed (${reason}${message ? `: ${message}` : ''})${willRetry ? ', reconnecting' : ''}`);
      if (!willRetry) options.onEnded?.(message ?? reason, reason);
    },
  });

  return {
    workerId,
    threads,
    close: async () => {
      await callee?.stop();
      await client.close();
      await pool.close();
    },
  };
}

/** CPU use of this process since the previous sample, in % of all cores. */
function cpuSampler(): () => number {
  let last = process.cpuUsage();
  let lastAt = process.hrtime.bigint();
  return () => {
    const usage = process.cpuUsage(last);
    const now = process.hrtime.bigint();
    const elapsedUs = Number(now - lastAt) / 1000;
    last = process.cpuUsage();
    lastAt = now;
    return Math.min(100, Math.round((100 * (usage.user + usage.system)) / Math.max(1, elapsedUs * cpus().length)));
  };
}
