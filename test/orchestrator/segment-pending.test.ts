/**
 * A stretch spliced into the best tour changes it in place: where a stopped first descent of that tour had got to
 * (its pending cities) no longer holds, since cities it had searched have new neighbours. A whole-tour slice dealt
 * from it afterwards (the run's share fell below the two slots a segment round needs) descends it afresh. Real Kiln,
 * a real ComputeCallee whose two threads the test scripts, stretches optimised by a real SliceRunner.
 */
import { describe, expect, it } from 'vitest';
import { SliceRunner } from '../../shared/compute/slice-runner.ts';
import type { SliceJob } from '../../shared/compute/thread-messages.ts';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { constructTour } from '../../shared/tsp/construct.ts';
import { createInstance } from '../../shared/tsp/instance.ts';
import { annealSlice } from '../../shared/tsp/kernel.ts';
import { buildNeighbourLists } from '../../shared/tsp/neighbours.ts';
import { ScriptedThread, threadCallee, type SliceScript } from '../helpers/thread-callee.ts';
import { guardedKilnPerTest, randomProblem, until } from '../security/fixture.ts';

const startKiln = guardedKilnPerTest();

describe('a tour a stretch was spliced into', () => {
  it('is dealt to a whole-tour slice without the pending cities of its stopped descent', async () => {
    // Candidate lists that never come: a pending list holds only for the lists it was made with.
    const guarded = await startKiln({ threads: 0, computeCandidates: () => new Promise(() => undefined) });
    const { kiln } = guarded;
    const problem = randomProblem(4000, 5);
    // A 2-opt/Or-opt local optimum: shorter than the run's quick first tour, and its stretches have shorter LK orders.
    const instance = createInstance(problem);
    const nearest = buildNeighbourLists(instance, 8);
    const start = { tour: constructTour(instance, nearest), temperature: { start: 0, end: 0 }, budget: { moves: 0 }, seed: 1 };
    const first = annealSlice(instance, nearest, { ...start, method: 'lsmc' });
    const runner = new SliceRunner();
    const jobs: SliceJob[] = [];
    // The first wave answers that tour as a descent stopped with cities 1..10 left; stretches are optimised for real.
    const script: SliceScript = (job, data) => {
      if (job.tour === null) return { tour: Int32Array.from(first.tour), length: first.length, pending: Int32Array.from({ length: 10 }, (_, i) => i + 1) };
      if (!job.segment) return {};
      runner.addProblem(job.problemHash, data);
      // Said not descended, so the spliced tour is not marked a local optimum (which would skip a whole descent anyway).
      const { id: _id, ...outcome } = runner.run(job, () => false);
      return { ...outcome, stats: { ...outcome.stats, descended: false } };
    };
    await threadCallee(guarded, 'scripted', 2, () => new ScriptedThread(jobs, script));
    const run = kiln.orchestrator.startRun({
      problem: problemToWire(problem),
      budgetMs: 120_000,
      params: { sliceMs: 40, seed: 1, scheme: 'segments', method: 'lk' },
    });
    const problemHash = await until(() => jobs.length > 0, 'the first wave').then(() => jobs[0].problemHash);
    await until(() => run.state().bestLength! < first.length, 'a stretch spliced in');
    // A second run takes half the callee's two slots: the first deals whole-tour slices from its spliced best.
    const from = jobs.length;
    const other = kiln.orchestrator.startRun({ problem: problemToWire(randomProblem(200, 6)), budgetMs: 120_000, params: { sliceMs: 40, seed: 1 } });
    const whole = () => jobs.slice(from).find((job) => job.problemHash === problemHash && job.tour !== null && !job.segment);
    await until(() => whole() !== undefined, 'a whole-tour slice from the spliced tour');
    await Promise.all([run.stop(), other.stop()]);
    expect(whole()!.pending).toBeUndefined();
  });
});
