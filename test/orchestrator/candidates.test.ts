/**
 * Candidate lists computed once per problem by the orchestrator (electron/orchestrator/candidates.ts) in a real
 * Kiln: the run's clock runs while they are computed, no slice is dealt before they are there, and callees fetch
 * them with the problem.
 */
import { describe, expect, it } from 'vitest';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { Procedures } from '../../shared/protocol/uris.ts';
import { problemFromWire } from '../../shared/protocol/validate.ts';
import { buildAlphaNeighbourLists } from '../../shared/tsp/alpha.ts';
import { createInstance } from '../../shared/tsp/instance.ts';
import type { NeighbourLists } from '../../shared/tsp/types.ts';
import { expectValidFinishedRun, guardedKilnPerTest, randomProblem, until } from '../security/fixture.ts';

const startKiln = guardedKilnPerTest();

describe('candidate lists computed once per problem', () => {
  it('are computed on a thread and served with kiln.problem.get, equal to alpha-nearness computed here', async () => {
    const { kiln, controller } = await startKiln({ threads: 1 });
    const problem = randomProblem(1200, 3);
    // Budget for a busy machine: the thread loads TypeScript through tsx before it computes.
    const run = kiln.orchestrator.startRun({ problem: problemToWire(problem), budgetMs: 8000, params: { sliceMs: 200, seed: 1 } });
    const result = await run.finished();
    expectValidFinishedRun(result, problem);
    expect(result.slicesDone).toBeGreaterThan(0);
    const served = problemFromWire(await controller.call(Procedures.problemGet, [run.problemHash]));
    expect(served.candidates).toEqual(buildAlphaNeighbourLists(createInstance(problem)));
    // Below ALPHA_MIN_CITIES, and for segment slices, none: callees build their nearest lists.
    const small = randomProblem(100, 4);
    const smallRun = kiln.orchestrator.startRun({ problem: problemToWire(small), budgetMs: 1000, params: { sliceMs: 100, seed: 1 } });
    expectValidFinishedRun(await smallRun.finished(), small);
    expect(problemFromWire(await controller.call(Procedures.problemGet, [smallRun.problemHash])).candidates).toBeUndefined();
  });

  it('hold back every slice until they are there, on the run clock, and a failure leaves callees their nearest lists', async () => {
    let release: (lists: NeighbourLists) => void = () => undefined;
    let fail: (error: Error) => void = () => undefined;
    const asked: string[] = [];
    const { kiln, log } = await startKiln({
      threads: 1,
      computeCandidates: (data) => {
        asked.push(data.name);
        return new Promise((resolve, reject) => {
          release = resolve;
          fail = reject;
        });
      },
    });
    const problem = randomProblem(1000, 4);
    const lists = buildAlphaNeighbourLists(createInstance(problem));
    const run = kiln.orchestrator.startRun({ problem: problemToWire(problem), budgetMs: 3000, params: { sliceMs: 100, seed: 1 } });
    await until(() => asked.length === 1, 'the lists to be asked for');
    // The worker has free slots and the run is running, yet nothing is dealt while the lists are computed.
    run.fill();
    expect(run.slicesInFlight).toBe(0);
    expect(run.isRunning).toBe(true);
    release(lists);
    await until(() => run.firstSliceAt !== null, 'a slice once the lists are there');
    const result = await run.finished();
    expectValidFinishedRun(result, problem);
    expect(result.elapsedMs).toBeLessThan(3000 + 2000);

    // A second problem whose lists fail: the run still deals its slices (callees build nearest lists).
    const other = randomProblem(1100, 5);
    const second = kiln.orchestrator.startRun({ problem: problemToWire(other), budgetMs: 2000, params: { sliceMs: 100, seed: 1 } });
    await until(() => asked.length === 2, 'the second lists to be asked for');
    fail(new Error('out of memory'));
    const secondResult = await second.finished();
    expectValidFinishedRun(secondResult, other);
    expect(secondResult.slicesDone).toBeGreaterThan(0);
    expect(log.some((line) => line.includes('no candidate lists (callees build nearest ones)') && line.includes('out of memory'))).toBe(true);
  });
});
