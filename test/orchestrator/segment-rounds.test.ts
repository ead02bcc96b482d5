/**
 * Segment rounds in a real Kiln (electron/orchestrator/run.ts, segments.ts): stretches of a tour that callees
 * answered as a local optimum skip their first descent, as whole-tour slices do, until a stretch that was not one
 * is spliced in; and segment slices name the problem's candidate lists, which their callees restrict to the stretch.
 */
import { describe, it } from 'vitest';
import { SliceRunner } from '../../shared/compute/slice-runner.ts';
import type { ThreadRequest } from '../../shared/compute/thread-messages.ts';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { buildNeighbourLists } from '../../shared/tsp/neighbours.ts';
import { createInstance } from '../../shared/tsp/instance.ts';
import type { NeighbourLists, ProblemData } from '../../shared/tsp/types.ts';
import { TestThread, threadCallee } from '../helpers/thread-callee.ts';
import { expectValidFinishedRun, guardedKilnPerTest, randomProblem, until } from '../security/fixture.ts';

const startKiln = guardedKilnPerTest();

interface SeenSlice {
  segment: boolean;
  descended: boolean;
}

/** A compute thread that runs slices on a real SliceRunner, records them, and answers `descended` as the test says. */
class ScriptedThread extends TestThread {
  private readonly runner = new SliceRunner();

  constructor(
    private readonly seen: SeenSlice[],
    private readonly revisions: number[],
    private readonly answerDescended: () => boolean,
  ) {
    super();
  }

  post(message: ThreadRequest): void {
    if (message.type === 'problem') {
      this.revisions.push(message.data.candidatesRevision ?? 0);
      this.runner.addProblem(message.hash, message.data);
      return;
    }
    const { job } = message;
    this.seen.push({ segment: job.segment !== undefined, descended: job.descended === true });
    const outcome = this.runner.run(job, () => false);
    const stats = { ...outcome.stats, descended: this.answerDescended() };
    setImmediate(() => this.reply({ type: 'done', ...outcome, stats }));
  }
}

describe('segment rounds', () => {
  it('skip the first descent of stretches of a descended tour, stop when an undescended stretch is spliced, and use the shipped lists', async () => {
    let release: (lists: NeighbourLists) => void = () => undefined;
    const guarded = await startKiln({
      threads: 0,
      computeCandidates: () => new Promise<NeighbourLists>((resolve) => (release = resolve)),
    });
    const { kiln } = guarded;
    const seen: SeenSlice[] = [];
    const revisions: number[] = [];
    let descended = true;
    await threadCallee(guarded, 'scripted', 2, () => new ScriptedThread(seen, revisions, () => descended));

    const problem: ProblemData = randomProblem(4000, 5);
    const run = kiln.orchestrator.startRun({ problem: problemToWire(problem), budgetMs: 120_000, params: { sliceMs: 40, seed: 1, scheme: 'segments' } });
    // The first (whole-tour) answers said descended: stretches of that tour skip their first descent.
    await until(() => seen.some((slice) => slice.segment && slice.descended), 'a stretch dealt with the hint');

    // Stretches answered as not descended and spliced in (the kicks still shorten them): later rounds descend again.
    descended = false;
    let from = seen.length;
    await until(() => seen.slice(from).some((slice) => slice.segment && !slice.descended), 'a stretch dealt without the hint');
    // A round that comes back all descended gives the hint back.
    descended = true;
    from = seen.length;
    await until(() => seen.slice(from).some((slice) => slice.segment && slice.descended), 'a stretch dealt with the hint again');

    // Segment runs get the problem's alpha lists too (their callees restrict them to each stretch).
    release(buildNeighbourLists(createInstance(problem), 6));
    await until(() => revisions.includes(1), 'the lists on the compute threads');
    const withLists = seen.length;
    await until(() => seen.slice(withLists).filter((slice) => slice.segment).length >= 4, 'segment rounds with the lists');
    expectValidFinishedRun({ ...(await run.stop()), phase: 'finished' }, problem);
  });
});
