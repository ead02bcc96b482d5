/**
 * A compute callee's load events around the end of a run: the Machines list must not show a
 * finished run's slices as still in flight until the next periodic load event, and the slices the
 * callee counts as done are those the run credits it with.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComputeCallee } from '../../shared/compute/callee.ts';
import { SlicePool } from '../../shared/compute/pool.ts';
import { Topics } from '../../shared/protocol/uris.ts';
import type { WorkerLoad } from '../../shared/protocol/wire.ts';
import { randomUniformProblem } from '../../shared/tsp/instance.ts';
import type { WampSession } from '../../shared/wamp.ts';
import { spawnNodeThread } from '../../electron/compute/node-threads.ts';
import { makeWampError, type WampClient } from '../../electron/wamp/client.ts';
import { Cluster, solveRequest } from '../helpers/cluster.ts';
import { join, until } from '../helpers/kiln-process.ts';

describe('ComputeCallee load events', () => {
  let cluster: Cluster;
  let computeClient: WampClient;
  let callee: ComputeCallee;
  const pool = new SlicePool(1, spawnNodeThread);

  beforeAll(async () => {
    // One slice straight on the pool first: the thread has started (its modules loaded) once it answers,
    // so the run below is timed by its budget, not by a cold thread.
    await pool.run(
      'warm-up',
      { problemHash: 'warm-up', temperature: { start: 0, end: 0 }, budget: { moves: 1 }, seed: 1, tour: null },
      randomUniformProblem(8, 1),
    );
    cluster = await Cluster.start();
    const { kiln } = cluster;
    let session: WampSession;
    ({ client: computeClient, session } = await join(kiln.routerUrl, { method: 'ticket', ...kiln.credentials.compute }));
    // A load interval far beyond the test: every event seen here is one the callee sent of its own accord.
    callee = new ComputeCallee(session, pool, makeWampError, {
      workerId: 'watched',
      host: 'test',
      kind: 'node',
      cores: 1,
      version: 'test',
      loadIntervalMs: 3_600_000,
    });
    await callee.start();
    await until(() => (kiln.orchestrator.workers.totalConcurrency === 1 ? true : undefined), 'the callee to be counted');
  });

  afterAll(async () => {
    await callee?.stop();
    await computeClient?.close();
    await pool.close();
    await cluster?.stop();
  });

  it('publishes its load, idle, as soon as a run has ended and its slices are back', async () => {
    const controller = await cluster.controller();
    const loads: WorkerLoad[] = [];
    await controller.subscribe(Topics.workerLoad, (args) => {
      const load = args?.[0] as WorkerLoad;
      if (load.workerId === 'watched') loads.push(load);
    });
    const { result } = await cluster.solve(controller, solveRequest(randomUniformProblem(200, 3), 1200, 200));
    expect(result.slicesByWorker.watched).toBeGreaterThan(0);
    // The run ended with a slice in flight or not: either way what it credits is what the callee did.
    expect(result.slicesDiscarded).toBe(0);
    const idle = await until(() => loads.find((load) => load.slicesDone > 0), 'a load event after the run');
    expect(idle.inFlight).toBe(0);
    expect(idle.slicesDone).toBe(result.slicesByWorker.watched);
  }, 30_000);
});
