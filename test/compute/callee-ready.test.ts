/**
 * Compute threads start warm or not at all: a pool is ready only when every thread has loaded, a
 * thread that cannot load is reported (not respawned forever), and a callee offers kiln.anneal only
 * once its pool is ready, so no slice is dealt to a thread that is still loading.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ComputeCallee } from '../../shared/compute/callee.ts';
import { SlicePool, type ComputeThread } from '../../shared/compute/pool.ts';
import type { ThreadReply } from '../../shared/compute/thread-messages.ts';
import { Procedures, annealProcedure } from '../../shared/protocol/uris.ts';
import { makeWampError } from '../../electron/wamp/client.ts';
import { Cluster } from '../helpers/cluster.ts';
import { join } from '../helpers/kiln-process.ts';

/** A compute thread whose start-up the test controls: it is ready, or fails, when told to. */
class ControlledThread implements ComputeThread {
  private replyTo: (reply: ThreadReply) => void = () => {};
  private failTo: (error: Error) => void = () => {};
  post(): void {}
  onReply(listener: (reply: ThreadReply) => void): void {
    this.replyTo = listener;
  }
  onFailure(listener: (error: Error) => void): void {
    this.failTo = listener;
  }
  setStop(): void {}
  async terminate(): Promise<void> {}
  loaded(): void {
    this.replyTo({ type: 'ready' });
  }
  crash(message: string): void {
    this.failTo(new Error(message));
  }
}

function controlledPool(size: number): { pool: SlicePool; threads: ControlledThread[] } {
  const threads: ControlledThread[] = [];
  const pool = new SlicePool(size, () => {
    const thread = new ControlledThread();
    threads.push(thread);
    return thread;
  });
  return { pool, threads };
}

/** Whether a promise has settled by the time the queued callbacks have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

let cluster: Cluster | null = null;
afterEach(async () => {
  await cluster?.stop();
  cluster = null;
});

describe('SlicePool start-up', () => {
  it('is ready only once every thread has loaded', async () => {
    const { pool, threads } = controlledPool(2);
    threads[0].loaded();
    expect(await settled(pool.ready())).toBe(false);
    threads[1].loaded();
    await expect(pool.ready()).resolves.toBeUndefined();
    await pool.close();
  });

  it('reports a thread that fails before it has loaded, with its reason, and does not respawn it', async () => {
    const { pool, threads } = controlledPool(2);
    threads[0].loaded();
    threads[1].crash('SyntaxError: Unexpected token');
    await expect(pool.ready()).rejects.toThrow('a compute thread failed to start: SyntaxError: Unexpected token');
    expect(threads).toHaveLength(2);
    await pool.close();
  });

  it('respawns a thread that crashes after it had loaded, so the pool keeps its size', async () => {
    const { pool, threads } = controlledPool(1);
    threads[0].loaded();
    await pool.ready();
    threads[0].crash('out of memory');
    expect(threads).toHaveLength(2);
    await pool.close();
  });
});

describe('ComputeCallee start-up', () => {
  it('registers its kiln.anneal.<session> only after every thread has loaded', async () => {
    cluster = await Cluster.start();
    const { kiln } = cluster;
    const controller = await cluster.controller();
    const { pool, threads } = controlledPool(2);
    const { session, client } = await join(kiln.routerUrl, { method: 'ticket', ...kiln.credentials.compute });
    const callee = new ComputeCallee(session, pool, makeWampError, { workerId: 'warming', host: 'test', kind: 'node', cores: 2, version: 'test' });
    const registered = () => controller.call<number | null>('wamp.registration.lookup', [annealProcedure(session.id)]);
    // A round trip on the callee's own connection: whatever it sent before has reached the router.
    const roundTrip = () => session.call(Procedures.problemGet, ['0'.repeat(64)]).catch(() => undefined);
    try {
      const starting = callee.start();
      threads[0].loaded();
      await roundTrip();
      expect(await registered()).toBeNull();
      expect(await settled(starting)).toBe(false);

      threads[1].loaded();
      await starting;
      expect(await registered()).toEqual(expect.any(Number));
    } finally {
      await callee.stop();
      await client.close();
      await pool.close();
    }
  });
});
