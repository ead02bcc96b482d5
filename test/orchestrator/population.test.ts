/**
 * The 'population' scheme (electron/orchestrator/population.ts) in a real Kiln: router, orchestrator and
 * local compute threads as `kiln serve` runs them, donors over real WebSockets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import type { RunResult } from '../../shared/protocol/wire.ts';
import { createInstance, tourLength } from '../../shared/tsp/instance.ts';
import type { Invocation } from '../security/hostile-donor.ts';
import { expectValidFinishedRun, randomProblem, startGuardedKiln, until, type GuardedKiln } from '../security/fixture.ts';

let guarded: GuardedKiln | null = null;
afterEach(async () => {
  await guarded?.close();
  guarded = null;
});

describe("the 'population' scheme", () => {
  it('ends at its deadline with a valid tour, from lineages that differ and crossovers between them', async () => {
    guarded = await startGuardedKiln({ threads: 2 });
    const { kiln } = guarded;
    await until(() => kiln.orchestrator.workers.list().length === 1, 'the local worker');
    const problem = randomProblem(300);
    const run = kiln.orchestrator.startRun({ problem: problemToWire(problem), budgetMs: 3000, params: { sliceMs: 100, seed: 1, scheme: 'population' } });
    const result: RunResult = await run.finished();

    expectValidFinishedRun(result, problem);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(3000);
    const summary = run.populationSummary();
    const diagnostics = JSON.stringify({ summary, slices: result.slicesDone });
    // Two slots, so two lineages at least; each slice continued its own lineage, so they held different tours.
    expect(summary!.lineages, diagnostics).toBeGreaterThanOrEqual(2);
    expect(summary!.distinctTours, diagnostics).toBeGreaterThanOrEqual(2);
    expect(summary!.crossovers, diagnostics).toBeGreaterThan(0);
  });

  it('keeps a donor that answers one tour to every slice, and one that dies mid-run, from steering or stopping it', async () => {
    guarded = await startGuardedKiln({ threads: 1 });
    const { kiln } = guarded;
    const problem = randomProblem(300, 11);
    const instance = createInstance(problem);
    // The liar answers every slice with the first tour it was sent, claiming it is very short.
    const liar = await guarded.donor();
    let lie: Uint8Array | null = null;
    let lies = 0;
    liar.onInvocation = (invocation: Invocation) => {
      lie ??= (invocation.kwargs.tour as Uint8Array | undefined) ?? new Uint8Array(Int32Array.from({ length: problem.n }, (_, i) => i).buffer);
      lies++;
      liar.yield(invocation.request, {
        runId: invocation.kwargs.runId,
        tour: lie,
        length: 1,
        stats: { movesTried: 1000, movesAccepted: 1000, improvements: 1000, elapsedMs: 1, startLength: 1_000_000 },
        workerId: 'liar',
        stopped: false,
      });
    };
    await liar.registerAnneal(4);
    // The dier takes its second slice and leaves without answering.
    const dier = await guarded.donor();
    let dealtToDier = 0;
    dier.onInvocation = () => {
      if (++dealtToDier === 2) dier.close();
    };
    await dier.registerAnneal(2);
    await until(() => kiln.orchestrator.workers.size === 3, 'both donors and the local worker');

    const run = kiln.orchestrator.startRun({ problem: problemToWire(problem), budgetMs: 3000, params: { sliceMs: 100, seed: 2, scheme: 'population' } });
    const result: RunResult = await run.finished();

    expectValidFinishedRun(result, problem);
    const summary = run.populationSummary();
    const diagnostics = JSON.stringify({ summary, lies, dealtToDier, byWorker: result.slicesByWorker });
    expect(lies, diagnostics).toBeGreaterThan(0);
    expect(dealtToDier, diagnostics).toBeGreaterThanOrEqual(2);
    // The honest thread's work made the answer, shorter than anything the liar sent.
    expect(result.slicesByWorker.local, diagnostics).toBeGreaterThan(0);
    const lieLength = tourLength(instance, new Int32Array(lie!.slice().buffer));
    expect(result.bestLength!, diagnostics).toBeLessThan(lieLength);
    expect(summary!.distinctTours, diagnostics).toBeGreaterThanOrEqual(2);
  });
});
