/** Partition crossover (shared/tsp/gpx.ts): a valid child never longer than the better parent, on every edge-weight type. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { partitionCrossover, tourDistance } from '../../shared/tsp/gpx.ts';
import { createInstance, randomUniformProblem, tourLength } from '../../shared/tsp/instance.ts';
import { annealSlice } from '../../shared/tsp/kernel.ts';
import { buildNeighbourLists } from '../../shared/tsp/neighbours.ts';
import { Rng } from '../../shared/tsp/random.ts';
import { parseTour } from '../../shared/tsp/tour.ts';
import type { Instance, ProblemData } from '../../shared/tsp/types.ts';
import { loadTsplib, readText } from '../helpers/tsplib-fixtures.ts';

/** One fixture per edge-weight type (CEIL_2D has none among the fixtures: a generated one). */
const problems: Record<string, ProblemData> = {
  EUC_2D: loadTsplib('kroA100'),
  ATT: loadTsplib('att48'),
  GEO: loadTsplib('ulysses22'),
  EXPLICIT: loadTsplib('gr17'),
  EXPLICIT_FULL: loadTsplib('bayg29'),
  CEIL_2D: { ...randomUniformProblem(150, 7, 5000), edgeWeightType: 'CEIL_2D' },
};
const instances = Object.fromEntries(Object.entries(problems).map(([type, data]) => [type, createInstance(data)]));

function shuffled(n: number, rng: Rng): Int32Array {
  const tour = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [tour[i], tour[j]] = [tour[j], tour[i]];
  }
  return tour;
}

/** Reverses `count` random stretches: a tour that shares most edges with the original. */
function perturbed(tour: Int32Array, count: number, rng: Rng): Int32Array {
  const out = Int32Array.from(tour);
  for (let k = 0; k < count; k++) {
    const i = rng.nextInt(out.length);
    const j = Math.min(out.length, i + 2 + rng.nextInt(8));
    out.subarray(i, j).reverse();
  }
  return out;
}

/** Two local optima from one start with different kicks: parents as the orchestrator's lineages make them. */
function lineages(instance: Instance, seed: number): [Int32Array, Int32Array] {
  const neighbours = buildNeighbourLists(instance, 8);
  const start = annealSlice(instance, neighbours, {
    tour: shuffled(instance.n, new Rng(seed)),
    temperature: { start: 0, end: 0 },
    budget: { moves: 0 },
    seed,
    method: 'lsmc',
  }).tour;
  // 2-opt + Or-opt optima (pinned: not whatever the default method is), 30 kicks apart, differ in several places.
  const kicked = (s: number) =>
    annealSlice(instance, neighbours, { tour: start, temperature: { start: 0, end: 0 }, budget: { moves: 30 }, seed: s, method: 'lsmc' }).tour;
  return [kicked(seed + 1), kicked(seed + 2)];
}

function isPermutation(tour: Int32Array, n: number): boolean {
  return tour.length === n && new Set(tour).size === n && tour.every((c) => c >= 0 && c < n);
}

const parentKinds = ['random', 'perturbed', 'lineages'] as const;

function parents(kind: (typeof parentKinds)[number], instance: Instance, seed: number): [Int32Array, Int32Array] {
  const rng = new Rng(seed);
  if (kind === 'random') return [shuffled(instance.n, rng), shuffled(instance.n, rng)];
  if (kind === 'perturbed') {
    const base = shuffled(instance.n, rng);
    return [perturbed(base, 1 + rng.nextInt(6), rng), perturbed(base, 1 + rng.nextInt(6), rng)];
  }
  return lineages(instance, seed);
}

describe('partitionCrossover', () => {
  it('makes a valid tour never longer than the better parent, with its true length, on every edge-weight type', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(instances)), fc.constantFrom(...parentKinds), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (type, kind, seed) => {
        const instance = instances[type];
        const [a, b] = parents(kind, instance, seed);
        const lengthA = tourLength(instance, a);
        const lengthB = tourLength(instance, b);
        const child = partitionCrossover(instance, a, b, lengthA, lengthB);
        expect(isPermutation(child.tour, instance.n)).toBe(true);
        expect(child.length).toBe(tourLength(instance, child.tour));
        expect(child.length).toBeLessThanOrEqual(Math.min(lengthA, lengthB));
        expect(child.feasible).toBeLessThanOrEqual(child.components);
      }),
      { numRuns: 150 },
    );
  });

  it('answers a copy of the parent for identical parents, and for the same tour rotated or reversed', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(instances)), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (type, seed) => {
        const instance = instances[type];
        const rng = new Rng(seed);
        const tour = shuffled(instance.n, rng);
        const same = partitionCrossover(instance, tour, Int32Array.from(tour));
        expect(Array.from(same.tour)).toEqual(Array.from(tour));
        expect(same.tour).not.toBe(tour);
        expect(same.components).toBe(0);
        const shift = rng.nextInt(instance.n);
        const rotatedReversed = Int32Array.from({ length: instance.n }, (_, i) => tour[(shift + instance.n - i) % instance.n]);
        const child = partitionCrossover(instance, tour, rotatedReversed);
        expect(tourDistance(child.tour, tour)).toBe(0);
        expect(child.length).toBe(tourLength(instance, tour));
      }),
      { numRuns: 60 },
    );
  });

  it('takes each parent where it is better: two parents each spoilt in a different place give back the optimum', () => {
    const problem = loadTsplib('kroA100');
    const instance = createInstance(problem);
    const optimal = parseTour(readText('kroA100.opt.tour'), problem.n).tour;
    // An or-opt spoil: the city at position `at` moves three places on; both parents enter and leave
    // the changed stretch at the same cities, the case partition crossover exchanges.
    const spoilt = (at: number): Int32Array => {
      const tour = Array.from(optimal);
      const [city] = tour.splice(at, 1);
      tour.splice(at + 3, 0, city);
      return Int32Array.from(tour);
    };
    const a = spoilt(10);
    const b = spoilt(60);
    const lengthA = tourLength(instance, a);
    const lengthB = tourLength(instance, b);
    expect(Math.min(lengthA, lengthB)).toBeGreaterThan(problem.optimum!);
    const child = partitionCrossover(instance, a, b, lengthA, lengthB);
    expect(child.length).toBe(problem.optimum);
    expect(child.feasible).toBeGreaterThanOrEqual(2);
  });

  it('repairs two 2-opt reversals, one in each parent: two infeasible components, each taken alone from the other parent', () => {
    const instance = createInstance(randomUniformProblem(200, 11));
    // A 2-opt + Or-opt local optimum: any 2-opt reversal of it is longer.
    const [optimum] = lineages(instance, 11);
    const reversed = (from: number, to: number): Int32Array => {
      const tour = Int32Array.from(optimum);
      tour.subarray(from, to + 1).reverse();
      return tour;
    };
    const a = reversed(120, 150);
    const b = reversed(20, 40);
    const child = partitionCrossover(instance, a, b);
    expect(Math.min(tourLength(instance, a), tourLength(instance, b))).toBeGreaterThan(tourLength(instance, optimum));
    expect(child.length).toBeCloseTo(tourLength(instance, optimum), 6);
    expect(tourDistance(child.tour, optimum)).toBe(0);
  });

  it('improves on both of two local optima of a larger instance, in one pass', () => {
    const instance = createInstance(randomUniformProblem(2000, 3));
    const [a, b] = lineages(instance, 11);
    const child = partitionCrossover(instance, a, b);
    expect(child.length).toBeLessThan(Math.min(tourLength(instance, a), tourLength(instance, b)));
  });

  it('refuses tours of the wrong size with a clear error', () => {
    const instance = instances.EUC_2D;
    expect(() => partitionCrossover(instance, new Int32Array(5), new Int32Array(5))).toThrow(/5 and 5 cities for an instance of 100/);
  });
});

describe('tourDistance', () => {
  it('counts the edges of one tour the other lacks: 0 for the same tour in any rotation or direction, symmetric', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 80 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (n, seed) => {
        const rng = new Rng(seed);
        const a = shuffled(n, rng);
        const b = shuffled(n, rng);
        expect(tourDistance(a, Int32Array.from(a).reverse())).toBe(0);
        expect(tourDistance(a, b)).toBe(tourDistance(b, a));
        expect(tourDistance(a, b)).toBeGreaterThanOrEqual(0);
        expect(tourDistance(a, b)).toBeLessThanOrEqual(n);
        if (n > 4) expect(tourDistance(a, perturbed(a, 1, rng))).toBeLessThanOrEqual(2);
      }),
    );
  });
});
