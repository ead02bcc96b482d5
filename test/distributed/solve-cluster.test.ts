/**
 * Solving over real `kiln worker` processes. Under load anything may be slow, so the tests wait for
 * events (progress, load, router meta events) and assert what holds however slow: who did work, that
 * every slice is accounted for, and what the router saw; never wall-clock times or speed ratios.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Procedures, Topics, annealProcedure } from '../../shared/protocol/uris.ts';
import type { RunProgress, RunResult, RunState, WorkerLoad } from '../../shared/protocol/wire.ts';
import { decodeInt32s, toBytes } from '../../shared/protocol/codecs.ts';
import { quickTour } from '../../shared/tsp/construct.ts';
import { createInstance, tourLength } from '../../shared/tsp/instance.ts';
import { callErrorOf, type WampSession } from '../../shared/wamp.ts';
import { KilnTopic } from '../../electron/router/meta-events.ts';
import { Cluster, solveRequest } from '../helpers/cluster.ts';
import { loadTsplib } from '../helpers/tsplib-fixtures.ts';
import { join, until } from '../helpers/kiln-process.ts';
import { ROUTER_PROFILES } from '../helpers/router-profiles.ts';

let cluster: Cluster | null = null;
afterEach(async () => {
  await cluster?.stop();
  cluster = null;
});

/** Every slice dispatched is done, failed, discarded or still in flight. */
function expectAccounted(result: RunResult): void {
  expect(result.slicesDispatched).toBe(result.slicesDone + result.slicesFailed + result.slicesDiscarded + result.slicesInFlight);
}

/** Records the progress events of every run and the load events of every worker, from now on. */
async function watch(session: WampSession): Promise<{ progress: RunProgress[]; loads: WorkerLoad[] }> {
  const progress: RunProgress[] = [];
  const loads: WorkerLoad[] = [];
  await session.subscribe(Topics.anyRunProgress, (args) => progress.push(args?.[0] as RunProgress), { match: 'wildcard' });
  await session.subscribe(Topics.workerLoad, (args) => loads.push(args?.[0] as WorkerLoad));
  return { progress, loads };
}

/** Resolves once `runId` has published progress: it has a tour. */
function firstProgress(watched: { progress: RunProgress[] }, runId: string): Promise<RunProgress> {
  return until(() => watched.progress.find((event) => event.runId === runId), `progress of run ${runId}`);
}

/** Resolves once worker `id` reports a slice done. */
function workerDidASlice(watched: { loads: WorkerLoad[] }, id: string): Promise<WorkerLoad> {
  return until(() => watched.loads.find((load) => load.workerId === id && load.slicesDone > 0), `worker ${id} to finish a slice`);
}

describe.each(ROUTER_PROFILES)('distributed solving over real worker processes on $name', ({ emulate }) => {
  it('spreads slices over the workers, never beyond their concurrency, every slice accounted for', async () => {
    cluster = await Cluster.start(emulate);
    await cluster.addWorker('w1');
    await cluster.addWorker('w2');
    const session = await cluster.controller();
    // More in flight than the callees' concurrency would queue in the router: it would say so.
    const queued: number[] = [];
    await session.subscribe(KilnTopic.QUEUE_DEPTH, (args) => queued.push(args?.[1] as number));
    const budgetMs = 2000;
    const askedAt = Date.now();
    const { result } = await cluster.solve(session, solveRequest(loadTsplib('kroA100'), budgetMs, 100));

    expect(result.phase).toBe('finished');
    // elapsedMs is the run's real time: it ran to its deadline, and within the caller's wait.
    expect(result.elapsedMs).toBeGreaterThanOrEqual(budgetMs);
    expect(result.elapsedMs).toBeLessThanOrEqual(Date.now() - askedAt);
    // Two callees of concurrency 1, two slices in flight: each holds one slice at a time, so both work
    // (exact alternation is the dealer's own test; how much each does depends on how loaded it is).
    expect(result.slicesByWorker.w1).toBeGreaterThan(0);
    expect(result.slicesByWorker.w2).toBeGreaterThan(0);
    expect(result.slicesByWorker.w1 + result.slicesByWorker.w2).toBe(result.slicesDone);
    expect(result.slicesFailed).toBe(0);
    expectAccounted(result);
    expect(queued.filter((depth) => depth > 0)).toEqual([]);
    // How close 2 s get depends on how loaded the machine is: only that the answer is a real tour here.
    expect(result.gapPercent).toBeGreaterThanOrEqual(0);
  });

  it('survives a worker killed with SIGKILL mid-run: its call is answered and dispatched again, every slice accounted for', async () => {
    cluster = await Cluster.start(emulate);
    const victim = await cluster.addWorker('victim');
    await cluster.addWorker('survivor');
    const session = await cluster.controller();
    const watched = await watch(session);
    const started = await session.call<RunState>(Procedures.solveStart, [], solveRequest(loadTsplib('ch150'), 60_000, 200) as never);
    await workerDidASlice(watched, 'victim');
    const survivorDone = () => Math.max(0, ...watched.loads.filter((load) => load.workerId === 'survivor').map((load) => load.slicesDone));
    const beforeKill = survivorDone();
    victim.child.kill('SIGKILL');
    await victim.exited;
    // The run goes on with the survivor alone.
    await until(() => (survivorDone() > beforeKill ? true : undefined), 'the survivor to go on');
    const result = await session.call<RunResult>(Procedures.solveStop, [started.runId]);

    expect(result.phase).toBe('stopped');
    expect(result.slicesByWorker.victim).toBeGreaterThan(0);
    expect(result.slicesByWorker.survivor).toBeGreaterThan(0);
    // The call the victim held was answered (wamp.error.canceled) and dispatched again: nothing hangs or vanishes.
    expect(result.slicesFailed).toBeGreaterThanOrEqual(1);
    expectAccounted(result);
    // Whatever was still in flight at the stop comes back (used, or discarded if later than the collect).
    const settled = await until(async () => {
      const state = await session.call<RunResult>(Procedures.solveResult, [result.runId]);
      return state.slicesInFlight === 0 ? state : undefined;
    }, 'the last slices to come back');
    expectAccounted(settled);
    expect(settled.bestLength).toBe(result.bestLength);
  });

  it('gives work to a worker that joins mid-run', async () => {
    cluster = await Cluster.start(emulate);
    await cluster.addWorker('early');
    const session = await cluster.controller();
    const watched = await watch(session);
    const started = await session.call<RunState>(Procedures.solveStart, [], solveRequest(loadTsplib('kroA100'), 60_000, 100) as never);
    await firstProgress(watched, started.runId);
    await cluster.addWorker('late');
    await workerDidASlice(watched, 'late');
    const result = await session.call<RunResult>(Procedures.solveStop, [started.runId]);
    expect(result.slicesByWorker.early).toBeGreaterThan(0);
    expect(result.slicesByWorker.late).toBeGreaterThan(0);
  });

  it('shares the callees between overlapping runs: never more in flight than their concurrency, and both progress', async () => {
    cluster = await Cluster.start(emulate);
    await cluster.addWorker('shared', 2);
    const session = await cluster.controller();
    // The router says when every callee is busy (both slots used) and when calls would have to queue (more).
    const saturated: number[] = [];
    const queued: number[] = [];
    await session.subscribe(KilnTopic.SATURATED, (args) => saturated.push(args?.[0] as number));
    await session.subscribe(KilnTopic.QUEUE_DEPTH, (args) => queued.push(args?.[1] as number));
    const { orchestrator } = cluster.kiln;
    const runs = [orchestrator.startRun(solveRequest(loadTsplib('kroA100'), 2000, 100)), orchestrator.startRun(solveRequest(loadTsplib('ch150'), 2000, 100))];
    // The orchestrator's own cap, which is all there is on Nexus (it ignores concurrency, so its router never saturates).
    let mostInFlight = 0;
    const sampler = setInterval(() => (mostInFlight = Math.max(mostInFlight, runs[0].slicesInFlight + runs[1].slicesInFlight)), 5);
    const results = await Promise.all(runs.map((run) => run.finished()));
    clearInterval(sampler);
    expect(mostInFlight).toBeLessThanOrEqual(2);
    if (emulate !== 'nexus') expect(saturated.length).toBeGreaterThan(0);
    expect(queued.filter((depth) => depth > 0)).toEqual([]);
    for (const result of results) {
      expect(result.phase).toBe('finished');
      expect(result.slicesByWorker.shared).toBeGreaterThan(0);
      expectAccounted(result);
    }
  });

  it('believes only the tour a callee returns, never its claimed length, and keeps an odd worker id as a plain key', async () => {
    cluster = await Cluster.start(emulate);
    const { kiln } = cluster;
    const { client, session: liar } = await join(kiln.routerUrl, { method: 'ticket', ...kiln.credentials.compute });
    const problem = loadTsplib('berlin52');
    const identity = Int32Array.from({ length: problem.n }, (_, i) => i);
    // Its slices count under the worker id its load binds to its session (sent before it registers, so before any slice).
    liar.publish(Topics.workerLoad, [{ workerId: '__proto__', concurrency: 1 }], {}, { disclose_me: true });
    await liar.register(
      annealProcedure(liar.id),
      (_args, kwargs) => ({ runId: kwargs!.runId, tour: toBytes(identity), length: 1, stats: { movesTried: 3 }, workerId: '__proto__', stopped: false }),
      { concurrency: 1 },
    );
    const result = await kiln.orchestrator.startRun({ ...solveRequest(problem, 500, 100), params: { sliceMs: 100, seed: 1 } }).finished();
    await client.close();
    // Lengths are measured: the best is the shorter of the liar's tour and the run's own first tour, never the claimed 1.
    const instance = createInstance(problem);
    expect(result.slicesDone).toBeGreaterThan(0);
    expect(result.bestLength).toBe(Math.min(tourLength(instance, identity), tourLength(instance, quickTour(instance))));
    expect(result.movesTried).toBe(3 * result.slicesDone);
    expect(Object.getOwnPropertyNames(result.slicesByWorker)).toEqual(['__proto__']);
    expect(result.slicesByWorker.__proto__).toBe(result.slicesDone);
  });

  it('counts a slice answered without a tour (nothing shorter found) as done, and keeps the best it has', async () => {
    cluster = await Cluster.start(emulate);
    const { kiln } = cluster;
    const { client, session: callee } = await join(kiln.routerUrl, { method: 'ticket', ...kiln.credentials.compute });
    const seen: boolean[] = [];
    const problem = loadTsplib('berlin52');
    const identity = Int32Array.from({ length: problem.n }, (_, i) => i);
    await callee.register(
      annealProcedure(callee.id),
      (_args, kwargs) => {
        seen.push(kwargs!.tour !== undefined);
        // Given no tour, a callee builds one and must send it (as callee.ts does); given one, it may send none.
        const built = kwargs!.tour === undefined ? { tour: toBytes(identity) } : {};
        return { runId: kwargs!.runId, ...built, length: 0, stats: { movesTried: 10 }, workerId: 'quiet', stopped: false };
      },
      { concurrency: 1 },
    );
    const sessionId = callee.id;
    const result = await kiln.orchestrator.startRun({ ...solveRequest(problem, 500, 100), params: { sliceMs: 100, seed: 1 } }).finished();
    await client.close();
    expect(result.phase).toBe('finished');
    // It published no load, so holds no worker id: its slices count under its session, not the id its results claim.
    expect(result.slicesByWorker).toEqual({ [`session-${sessionId}`]: result.slicesDone });
    expect(result.slicesDone).toBeGreaterThan(0);
    expect(result.slicesFailed).toBe(0);
    // The run's own first tour stands: slices started from it and none came back shorter.
    expect(seen.some(Boolean)).toBe(true);
    expect(result.bestLength).toBe(tourLength(createInstance(problem), quickTour(createInstance(problem))));
  });

  it('answers concurrent stops of one run with the same collected result', async () => {
    cluster = await Cluster.start(emulate);
    await cluster.addWorker('w1');
    const session = await cluster.controller();
    const watched = await watch(session);
    const run = cluster.kiln.orchestrator.startRun(solveRequest(loadTsplib('a280'), 60_000, 200));
    await firstProgress(watched, run.id);
    const [first, second] = await Promise.all([run.stop(), run.stop()]);
    expect(second).toEqual(first);
    expect(first.phase).toBe('stopped');
    expect(first.bestLength).toBeGreaterThan(0);
    expectAccounted(first);
    // A stop answers after at most the collect window: on a loaded machine a slice may still be out then.
    // It comes back (or is canceled) later, discarded: the run's best stays the one the stops answered.
    const settled = await until(() => (run.result().slicesInFlight === 0 ? run.result() : undefined), 'the last slices to come back');
    expectAccounted(settled);
    expect(settled.bestLength).toBe(first.bestLength);
  });

  it('stops on request and answers with the best tour so far', async () => {
    cluster = await Cluster.start(emulate);
    await cluster.addWorker('w1');
    const session = await cluster.controller();
    const watched = await watch(session);
    // A 60 s budget: the answer within the test's timeout is the stop's.
    const started = await session.call<RunState>(Procedures.solveStart, [], solveRequest(loadTsplib('a280'), 60_000, 200) as never);
    const progress = await firstProgress(watched, started.runId);
    // A window opening now asks for the best so far: no later than the event, with its tour.
    const latest = await session.call<RunProgress>(Procedures.solveProgress, [started.runId]);
    expect(latest.runId).toBe(started.runId);
    expect(latest.bestLength).toBeLessThanOrEqual(progress.bestLength);
    expect(latest.elapsedMs).toBeGreaterThanOrEqual(progress.elapsedMs);
    const a280 = createInstance(loadTsplib('a280'));
    expect(tourLength(a280, decodeInt32s(latest.tour, 'tour'))).toBe(latest.bestLength);
    const result = await session.call<RunResult>(Procedures.solveStop, [started.runId]);
    expect(result.phase).toBe('stopped');
    expect(result.bestLength).toBeLessThanOrEqual(latest.bestLength);
    expectAccounted(result);
    expect(result.tour).not.toBeNull();
    expect(result.bestLength).toBeGreaterThan(0);
    const status = await session.call<RunState>(Procedures.solveStatus, [started.runId]);
    expect(status.phase).toBe('stopped');
    // After the end, the best is the result's.
    expect((await session.call<RunProgress>(Procedures.solveProgress, [started.runId])).bestLength).toBe(result.bestLength);
    const unknown = await session.call(Procedures.solveProgress, ['nosuchrun']).then(() => null, callErrorOf);
    expect(unknown?.uri).toBe('kiln.error.no_such_run');
  });

  it('refuses bad problem input with a clear error', async () => {
    cluster = await Cluster.start(emulate);
    const session = await cluster.controller();
    const attempts: Array<[unknown, RegExp]> = [
      [{ problem: { name: 'x', n: 2, edgeWeightType: 'EUC_2D' }, budgetMs: 1000 }, /problem\.n/],
      [{ problem: { name: 'x', n: 3, edgeWeightType: 'MAN_2D', xs: [0, 1, 2], ys: [0, 1, 2] }, budgetMs: 1000 }, /edgeWeightType/],
      [{ problem: { name: 'x', n: 3, edgeWeightType: 'EUC_2D', xs: [0, 1], ys: [0, 1, 2] }, budgetMs: 1000 }, /3 coordinates/],
      [{ problem: { name: 'x', n: 3, edgeWeightType: 'EUC_2D', xs: [0, 1, 2], ys: [0, 1, 2] }, budgetMs: -5 }, /budgetMs/],
    ];
    for (const [kwargs, message] of attempts) {
      const error = await session.call(Procedures.solveStart, [], kwargs as Record<string, unknown>).then(
        () => null,
        (e: unknown) => callErrorOf(e),
      );
      expect(error?.uri).toBe('kiln.error.invalid_argument');
      expect(error?.message).toMatch(message);
    }
    const unknownRun = await session.call(Procedures.solveResult, ['nosuchrun']).then(
      () => null,
      (e: unknown) => callErrorOf(e),
    );
    expect(unknownRun?.uri).toBe('kiln.error.no_such_run');
  });
});
