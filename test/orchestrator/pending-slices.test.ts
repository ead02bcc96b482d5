/**
 * Slices that resume a stopped first descent (AnnealRequest.pending) from the same tour at the same time start
 * from different cities of it: the same list in the same order would have them search the same cities and answer
 * the same tour, of which one is kept. When several find nothing shorter, the cities left are those none of them
 * searched; when one ran its descent to the end, the tour is a local optimum. Real Kiln, a real ComputeCallee whose
 * two threads the test scripts.
 */
import { describe, expect, it } from 'vitest';
import type { SliceJob } from '../../shared/compute/thread-messages.ts';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { createInstance } from '../../shared/tsp/instance.ts';
import { annealSlice } from '../../shared/tsp/kernel.ts';
import { buildNeighbourLists } from '../../shared/tsp/neighbours.ts';
import type { ProblemData } from '../../shared/tsp/types.ts';
import { ScriptedThread, threadCallee, type SliceAnswer, type SliceScript } from '../helpers/thread-callee.ts';
import { guardedKilnPerTest, randomProblem, until } from '../security/fixture.ts';

const startKiln = guardedKilnPerTest();

/** A tour of `problem` shorter than the run's own quick one, so that an answer with it becomes the best. */
function shortTour(problem: ProblemData): { tour: Int32Array; length: number } {
  const instance = createInstance(problem);
  const identity = Int32Array.from({ length: problem.n }, (_, i) => i);
  return annealSlice(instance, buildNeighbourLists(instance, 8), {
    tour: identity,
    temperature: { start: 0, end: 0 },
    budget: { moves: 0 },
    seed: 1,
    method: 'lk',
  });
}

const cities = (from: number, to: number, except: number[] = []) =>
  Int32Array.from({ length: to - from + 1 }, (_, i) => from + i).filter((city) => !except.includes(city));
const sorted = (list: Int32Array | undefined) => [...(list ?? [])].sort((a, b) => a - b);

describe('slices resuming one stopped descent', () => {
  it('from the same tour at the same time get its pending cities from different starts, each all of them', async () => {
    const guarded = await startKiln({ threads: 0 });
    const { kiln } = guarded;
    const problem = randomProblem(200, 5);
    const { tour, length } = shortTour(problem);
    const pending = Int32Array.from({ length: 40 }, (_, i) => (i * 7) % problem.n);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const jobs: SliceJob[] = [];
    // The first wave (no tour) answers a stopped descent with cities left; the slices from its tour are held, so both are out at once.
    const script = (job: SliceJob) => (job.tour === null ? { tour: Int32Array.from(tour), length, pending } : held.then(() => ({})));
    await threadCallee(guarded, 'scripted', 2, () => new ScriptedThread(jobs, script));
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

  /**
   * The first wave answers a tour whose descent stopped with cities 1..10 left; the two slices then out from it each
   * answer nothing shorter, as `first` and `second` say (a list left, or a descent run to the end). Returns the slice
   * dealt from the tour after both.
   */
  async function afterTwoAnswers(first: SliceAnswer, second: SliceAnswer): Promise<SliceJob> {
    const guarded = await startKiln({ threads: 0 });
    const { kiln } = guarded;
    const problem = randomProblem(200, 5);
    const { tour, length } = shortTour(problem);
    const answers: ((answer: SliceAnswer) => void)[] = [];
    let done = false;
    const jobs: SliceJob[] = [];
    // Slices from the answered tour wait for the test's word; with no tour given, the callee answers nothing shorter.
    const script: SliceScript = (job) => {
      if (job.tour === null) return { tour: Int32Array.from(tour), length, pending: cities(1, 10) };
      return done ? {} : new Promise((resolve) => answers.push(resolve));
    };
    await threadCallee(guarded, 'scripted', 2, () => new ScriptedThread(jobs, script));
    // Long slices: the held ones are never overdue, so never dealt again.
    const run = kiln.orchestrator.startRun({
      problem: problemToWire(problem),
      budgetMs: 120_000,
      params: { sliceMs: 30_000, seed: 1, scheme: 'whole', method: 'lk' },
    });
    const resumed = () => jobs.filter((job) => job.tour !== null);
    await until(() => answers.length === 2, 'two slices from the answered tour');
    answers[0](first);
    await until(() => answers.length === 3, 'the slice dealt after the first answer');
    answers[1](second);
    await until(() => answers.length === 4, 'the slice dealt after the second answer');
    const next = resumed()[3];
    done = true;
    for (const answer of answers.slice(2)) answer({});
    await run.stop();
    return next;
  }

  it('answered from one tour with nothing shorter, leave the cities that neither searched', async () => {
    const next = await afterTwoAnswers({ pending: cities(1, 10, [1, 2]) }, { pending: cities(1, 10, [3, 4]) });
    expect(next.descended).toBeUndefined();
    expect(sorted(next.pending)).toEqual([5, 6, 7, 8, 9, 10]);
  });

  it('answered from one tour with nothing shorter and no city left between them, leave it descended', async () => {
    const next = await afterTwoAnswers({ pending: cities(1, 5) }, { pending: cities(6, 10) });
    expect(next.pending).toBeUndefined();
    expect(next.descended).toBe(true);
  });

  it('answered from one tour with nothing shorter after a descent that ran to the end, leave it descended', async () => {
    const next = await afterTwoAnswers({ pending: cities(1, 10, [1, 2]) }, { stats: { descended: true } });
    expect(next.pending).toBeUndefined();
    expect(next.descended).toBe(true);
  });
});
