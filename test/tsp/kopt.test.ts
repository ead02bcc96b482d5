/**
 * Sequential k-opt moves (kopt.ts): the feasibility test agrees with building the reconnection and counting its
 * cycles; a feasible move, executed as reversals, gives exactly the specified edges, changes the length by its
 * delta for every edge-weight type, uses at most k reversals, and undoes from the tour's journal.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArrayTour } from '../../shared/tsp/arraytour.ts';
import { tourLength } from '../../shared/tsp/instance.ts';
import { KOptMove, kOptDelta, MAX_K } from '../../shared/tsp/kopt.ts';
import { Rng } from '../../shared/tsp/random.ts';
import type { TourStructure } from '../../shared/tsp/tour-structure.ts';
import { TwoLevelTour } from '../../shared/tsp/twolevel.ts';
import { shuffled } from '../helpers/random-tour.ts';
import { EDGE_WEIGHT_TYPES, edgesAfter, instanceOf, isOneCycle, tourEdges } from '../helpers/tsp-instances.ts';

/** Both tour structures; the two-level list with groups of 3 cities, so that moves cross and split its segments. */
const STRUCTURES = ['array', 'two-level'] as const;

function tourOf(structure: (typeof STRUCTURES)[number], order: Int32Array): TourStructure {
  return structure === 'array' ? new ArrayTour(order) : new TwoLevelTour(order, 3);
}

/** The tour is a permutation of 0..n-1. */
function isPermutation(order: Int32Array): boolean {
  return new Set(order).size === order.length && order.every((c) => c >= 0 && c < order.length);
}

/** Each city's successor, to compare tours exactly (same cycle, same direction) whatever their start. */
function successors(tour: TourStructure): number[] {
  return Array.from({ length: tour.n }, (_, c) => tour.succ(c));
}

/** A move t[1..2k] removing k distinct random tour edges, each in a random direction, in a random order. */
function randomMove(order: Int32Array, k: number, rng: Rng): Int32Array {
  const n = order.length;
  const picked = new Set<number>();
  while (picked.size < k) picked.add(rng.nextInt(n));
  const positions = [...picked];
  for (let i = positions.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [positions[i], positions[j]] = [positions[j], positions[i]];
  }
  const t = new Int32Array(2 * MAX_K + 1);
  positions.forEach((p, e) => {
    const a = order[p];
    const b = order[(p + 1) % n];
    const flip = rng.nextInt(2) === 1;
    t[2 * e + 1] = flip ? b : a;
    t[2 * e + 2] = flip ? a : b;
  });
  return t;
}

function edgeKey(a: number, b: number): string {
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}

describe('sequential k-opt moves', () => {
  it('the feasibility test agrees with applying the reconnection and counting cycles, for k = 2..5 and both tour structures', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(
        fc.constantFrom(...STRUCTURES),
        fc.integer({ min: 2, max: MAX_K }),
        fc.integer({ min: 5, max: 16 }),
        fc.integer(),
        (structure, k, n, seed) => {
          const rng = new Rng(seed);
          const order = shuffled(n, rng);
          const tour = tourOf(structure, order);
          const move = new KOptMove();
          for (let trial = 0; trial < 20; trial++) {
            move.t.set(randomMove(order, Math.min(k, n), rng));
            const expected = isOneCycle(n, edgesAfter(order, move.t, Math.min(k, n)));
            expect(move.feasible(tour, Math.min(k, n))).toBe(expected);
            const key = `${k} ${expected}`;
            seen.set(key, (seen.get(key) ?? 0) + 1);
          }
        },
      ),
      { numRuns: 300 },
    );
    // Both verdicts came up for every k, so the agreement is not one-sided.
    for (let k = 2; k <= MAX_K; k++) {
      expect(seen.get(`${k} true`)).toBeGreaterThan(0);
      expect(seen.get(`${k} false`)).toBeGreaterThan(0);
    }
  });

  it('tests that share their first edges (the kept order of those edges) agree with counting cycles, at any level after any other, and after the tour changes (apply, undoJournal, an outside 2-opt move with reset())', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STRUCTURES), fc.integer({ min: 8, max: 20 }), fc.integer(), (structure, n, seed) => {
        const rng = new Rng(seed);
        const tour = tourOf(structure, shuffled(n, rng));
        const move = new KOptMove();
        let order = tour.toTour();
        let k = 2 + rng.nextInt(MAX_K - 1);
        move.t.set(randomMove(order, k, rng));
        tour.startJournal();
        for (let trial = 0; trial < 30; trial++) {
          // As Lin-Kernighan's search does: keep edges 1..keep, choose the others again, at a level above or below the last.
          const previousK = k;
          k = 2 + rng.nextInt(MAX_K - 1);
          const keep = rng.nextInt(Math.min(k - 1, previousK) + 1);
          const fresh = randomMove(order, k, rng);
          const kept = new Set<string>();
          for (let e = 1; e <= keep; e++) kept.add(edgeKey(move.t[2 * e - 1], move.t[2 * e]));
          // fresh has k distinct edges and at most `keep` of them are kept ones: k - keep are left, enough.
          let e = keep + 1;
          for (let f = 1; f <= k && e <= k; f++) {
            if (kept.has(edgeKey(fresh[2 * f - 1], fresh[2 * f]))) continue;
            move.t[2 * e - 1] = fresh[2 * f - 1];
            move.t[2 * e] = fresh[2 * f];
            e++;
          }
          const expected = isOneCycle(n, edgesAfter(order, move.t, k));
          expect(move.feasible(tour, k)).toBe(expected);
          const change = rng.nextInt(8);
          if (expected && change === 0) {
            tour.startJournal();
            move.apply(tour, k, () => {});
          } else if (change === 1) {
            // Back to the state before the last applied move: a change apply() does not see, so reset().
            tour.undoJournal();
            tour.startJournal();
            move.reset();
          } else if (change === 2) {
            // A 2-opt move made by someone else on the same tour object, then reset().
            const [a, c] = [order[rng.nextInt(n)], order[rng.nextInt(n)]];
            if (a !== c && tour.succ(a) !== c && tour.succ(c) !== a) tour.move2opt(a, tour.succ(a), c, tour.succ(c));
            move.reset();
          } else continue;
          order = tour.toTour();
          move.t.set(randomMove(order, k, rng));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a feasible move gives exactly its edges and a valid tour, changes the length by its delta, in at most k reversals, and undoes from the journal, on both tour structures', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...STRUCTURES),
        fc.constantFrom(...EDGE_WEIGHT_TYPES),
        fc.integer({ min: 2, max: MAX_K }),
        fc.integer({ min: 5, max: 24 }),
        fc.integer(),
        (structure, type, k, n, seed) => {
          const inst = instanceOf(type, n, seed);
          const rng = new Rng(seed);
          const order = shuffled(n, rng);
          const start = successors(tourOf(structure, order));
          const move = new KOptMove();
          let applied = 0;
          for (let trial = 0; trial < 40; trial++) {
            const tour = tourOf(structure, order);
            move.t.set(randomMove(order, k, rng));
            if (!move.feasible(tour, k)) {
              expect(() => move.apply(tour, k, () => {})).toThrow(RangeError);
              expect(successors(tour)).toEqual(start);
              continue;
            }
            tour.startJournal();
            let reversals = 0;
            move.apply(tour, k, () => reversals++);
            const after = tour.toTour();
            expect(isPermutation(after)).toBe(true);
            expect(tourEdges(after)).toEqual(edgesAfter(order, move.t, k));
            expect(tourLength(inst, after) - tourLength(inst, order)).toBe(kOptDelta(inst.dist, move.t, k));
            expect(reversals).toBeLessThanOrEqual(k);
            tour.undoJournal();
            expect(successors(tour)).toEqual(start);
            applied++;
          }
          expect(applied).toBeGreaterThan(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the segment exchange t1 [t2..t5 t6..t3] t4 -> t1 [t6..t3 t2..t5] t4 keeps both segments unreversed', () => {
    const tour = new ArrayTour(Int32Array.from({ length: 10 }, (_, i) => i));
    const move = new KOptMove();
    // Remove (0,1), (6,7), (3,4); add (1,6), (7,3), close (4,0): 0 4 5 6 1 2 3 7 8 9.
    move.t.set([0, 0, 1, 6, 7, 3, 4]);
    expect(move.feasible(tour, 3)).toBe(true);
    move.apply(tour, 3, () => {});
    const walk = [0];
    for (let c = tour.succ(0); c !== 0; c = tour.succ(c)) walk.push(c);
    expect(walk[1] === 9 ? [0, ...walk.slice(1).reverse()] : walk).toEqual([0, 4, 5, 6, 1, 2, 3, 7, 8, 9]);
  });
});
