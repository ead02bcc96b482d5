/**
 * Slices that resume a stopped first descent (AnnealRequest.pending) from the same tour at the same time start
 * from different cities of it: the same list in the same order would have them search the same cities and answer
 * the same tour, of which one is kept. Real Kiln, a real ComputeCallee whose two threads the test scripts.
 */
import { describe, expect, it } from 'vitest';
import type { SliceJob } from '../../shared/compute/thread-messages.ts';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { createInstance } from '../../shared/tsp/instance.ts';
import { annealSlice } from '../../shared/tsp/kernel.ts';
import { buildNeighbourLists } from '../../shared/tsp/neighbours.ts';
import { ScriptedThread, threadCallee } from '../helpers/thread-callee.ts';
import { guardedKilnPerTest, randomProblem, until } from '../security/fixture.ts';

const startKiln = guardedKilnPerTest();

describe('slices resuming one stopped descent', () => {
  it('from the same tour at the same time get its pending cities from different starts, each all of them', async () => {
    const guarded = await startKiln({ threads: 0 });
    const { kiln } = guarded;
    const problem = randomProblem(200, 5);
    const instance = createInstance(problem);
    const identity = Int32Array.from({ length: problem.n }, (_, i) => i);
    // A tour shorter than the run's own quick one, so that it becomes the best.
    const { tour, length } = annealSlice(instance, buildNeighbourLists(instance, 8), {
      tour: identity,
      temperature: { start: 0, end: 0 },
      budget: { moves: 0 },
      seed: 1,
      method: 'lk',
    });
    const pending = Int32Array.from({ length: 40 }, (_, i) => (i * 7) % problem.n);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const jobs: SliceJob[] = [];
    // The first wave (no tour) answers a stopped descent with cities left; the slices from its tour are held, so both are out at once.
    const script = (job: SliceJob) => (job.tour === null ? { tour: Int32Array.from(tour), length, pending } : held.then(() => ({})));
    await threadCallee(guarded, 'scripted', 2, () => new ScriptedThread(jobs, script));
    await until(() => kiln.orchestrator.workers.totalConcurrency === 2, 'the scripted callee');
    const run = kiln.orchestrator.startRun({
      problem: problemToWire(problem),
      budgetMs: 60_000,
      params: { sliceMs: 50, seed: 1, scheme: 'whole', method: 'lk' },
    });
    await until(() => jobs.filter((job) => job.tour !== null).length === 2, 'two slices from the answered tour');
    const resumed = jobs.filter((job) => job.tour !== null).map((job) => Array.from(job.pending ?? []));
    release();
    await run.stop();
    expect(resumed[0]).not.toEqual(resumed[1]);
    for (const cities of resumed) expect([...cities].sort((a, b) => a - b)).toEqual([...pending].sort((a, b) => a - b));
  });
});
