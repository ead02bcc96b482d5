/**
 * The 'population' scheme (electron/orchestrator/population.ts) in a real Kiln: router, orchestrator and
 * local compute threads as `kiln serve` runs them, donors over real WebSockets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import type { RunResult } from '../../shared/protocol/wire.ts';
import { parseSolveRequest } from '../../shared/protocol/validate.ts';
import { Population, type Elite, type PopulationOptions } from '../../electron/orchestrator/population.ts';
import { partitionCrossover } from '../../shared/tsp/gpx.ts';
import { createInstance, randomUniformProblem, tourLength } from '../../shared/tsp/instance.ts';
import type { Invocation } from '../security/hostile-donor.ts';
import { expectValidFinishedRun, randomProblem, startGuardedKiln, until, type GuardedKiln } from '../security/fixture.ts';

let guarded: GuardedKiln | null = null;
afterEach(async () => {
  await guarded?.close();
  guarded = null;
});

describe("the 'population' scheme", () => {
  it('is a run parameter like the other schemes, and an unknown one is refused naming those there are', () => {
    const request = { problem: problemToWire(randomProblem(10)), budgetMs: 1000 };
    expect(parseSolveRequest({ ...request, params: { scheme: 'population' } }).params.scheme).toBe('population');
    expect(() => parseSolveRequest({ ...request, params: { scheme: 'swarm' } })).toThrow(/scheme: expected one of auto, whole, segments, population/);
  });

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
    // Nothing the liar sent became the answer. (Whether the honest thread's slices count depends on the
    // machine: a slow one loses its straggling slices to the liar's instant answers.)
    const lieLength = tourLength(instance, new Int32Array(lie!.slice().buffer));
    expect(result.bestLength!, diagnostics).toBeLessThan(lieLength);
    expect(summary!.distinctTours, diagnostics).toBeGreaterThanOrEqual(2);
  });
});

describe('Population', () => {
  const instance = createInstance(randomUniformProblem(40, 3));
  const identity = Int32Array.from({ length: 40 }, (_, i) => i);
  /** The identity tour with stretch [i, j) reversed: a different tour (for 0 < i, j - i >= 2). */
  const reversed = (i: number, j: number): Int32Array => {
    const tour = Int32Array.from(identity);
    tour.subarray(i, j).reverse();
    return tour;
  };
  function population(options: PopulationOptions = {}): { population: Population; best: () => Elite | null } {
    let best: Elite | null = null;
    const p = new Population(
      (a, la, b, lb) => partitionCrossover(instance, a, b, la, lb),
      {
        get: () => best,
        offer: (tour, length) => {
          if (!best || length < best.length) best = { tour, length };
        },
      },
      options,
    );
    return { population: p, best: () => best };
  }

  it('gives each slot a lineage of its own up to the cap, then shares the least busy ones', () => {
    const { population: p } = population();
    const capped = new Population(
      () => {
        throw new Error('no crossover expected');
      },
      { get: () => null, offer: () => undefined },
      { maxLineages: 2 },
    );
    const [a, b] = [p.next(), p.next()];
    expect(a).not.toBe(b);
    p.lost(a);
    expect(p.next()).toBe(a); // idle again: reused, no third lineage
    expect(p.size).toBe(2);
    const [c, d, e] = [capped.next(), capped.next(), capped.next()];
    expect(capped.size).toBe(2);
    expect(e === c || e === d).toBe(true);
    expect(e.out).toBe(2);
  });

  it('keeps a tour out of a second lineage, in any rotation or direction, so one callee cannot fill the population', () => {
    const { population: p } = population();
    const [a, b] = [p.next(), p.next()];
    const tour = reversed(5, 20);
    p.returned(a, tour, tourLength(instance, tour));
    const sameEdges = Int32Array.from(tour).reverse();
    p.returned(b, sameEdges, tourLength(instance, sameEdges));
    expect(a.tour).toBe(tour);
    expect(b.tour).toBeNull();
    expect(b.stale).toBe(1);
  });

  it('takes only shorter tours into a lineage, offers them to the best, and restarts a stale lineage from the best', () => {
    const { population: p, best } = population({ staleRestart: 3 });
    const a = p.next();
    const b = p.next();
    const [long, short] = [reversed(3, 30), identity].sort((x, y) => tourLength(instance, y) - tourLength(instance, x));
    p.returned(a, long, tourLength(instance, long));
    p.returned(b, short, tourLength(instance, short));
    expect(best()!.length).toBe(Math.min(tourLength(instance, long), tourLength(instance, short)));
    const kept = a.tour;
    for (let i = 0; i < 3; i++) {
      p.next();
      p.returned(a, null, Infinity);
    }
    expect(kept).not.toBe(best()!.tour);
    expect(a.tour).toBe(best()!.tour);
    expect(a.stale).toBe(0);
  });

  it('takes a crossover answered later (on a thread) into the best when it comes, and shrugs off one that fails', async () => {
    let best: Elite | null = null;
    const answers: Array<() => void> = [];
    const later = new Population(
      (a, la, b, lb) =>
        new Promise((resolve) => {
          answers.push(() => resolve(partitionCrossover(circle, a, b, la, lb)));
        }),
      {
        get: () => best,
        offer: (tour, length) => {
          if (!best || length < best.length) best = { tour, length };
        },
      },
    );
    // Cities on a circle, so the identity tour is the optimum, and two parents each spoilt in a different
    // place by an or-opt move: their child is the unspoilt tour.
    const circle = createInstance({
      name: 'circle40',
      n: 40,
      edgeWeightType: 'EUC_2D',
      xs: Float64Array.from({ length: 40 }, (_, i) => Math.round(100_000 * Math.cos((2 * Math.PI * i) / 40))),
      ys: Float64Array.from({ length: 40 }, (_, i) => Math.round(100_000 * Math.sin((2 * Math.PI * i) / 40))),
    });
    const spoilt = (at: number): Int32Array => {
      const tour = Array.from(identity);
      const [city] = tour.splice(at, 1);
      tour.splice(at + 3, 0, city);
      return Int32Array.from(tour);
    };
    const [a, b] = [later.next(), later.next()];
    const [first, second] = [spoilt(5), spoilt(25)];
    later.returned(a, first, tourLength(circle, first));
    later.returned(b, second, tourLength(circle, second));
    const before = best!.length;
    answers[0]();
    await new Promise((resolve) => setImmediate(resolve));
    expect(best!.length).toBeLessThan(before);
    expect(best!.length).toBe(tourLength(circle, identity));
    expect(later.crossovers).toBe(1);
    // A crossover that fails (its thread ended with the run) changes nothing and throws nowhere.
    const failing = new Population(() => Promise.reject(new Error('the run has ended')), { get: () => best, offer: () => expect.fail('nothing to offer') });
    const c = failing.next();
    failing.returned(c, second, tourLength(circle, second));
    await new Promise((resolve) => setImmediate(resolve));
    expect(failing.crossovers).toBe(0);
  });
});
