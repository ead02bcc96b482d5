/**
 * The two-level doubly-linked list against the array: the same reversals give the same succ, pred, between and
 * sequence; 2-opt moves give the same cycle; the journal undoes and replays exactly; segments stay balanced; and
 * the descents run on it as on the array.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArrayTour } from '../../shared/tsp/arraytour.ts';
import { createInstance, randomUniformProblem, tourLength } from '../../shared/tsp/instance.ts';
import { LinKernighan } from '../../shared/tsp/lk.ts';
import { LocalSearch } from '../../shared/tsp/localsearch.ts';
import { buildNeighbourLists } from '../../shared/tsp/neighbours.ts';
import { Rng } from '../../shared/tsp/random.ts';
import type { TourStructure } from '../../shared/tsp/tour-structure.ts';
import type { Descent } from '../../shared/tsp/chain.ts';
import type { Instance, NeighbourLists } from '../../shared/tsp/types.ts';
import { TwoLevelTour } from '../../shared/tsp/twolevel.ts';
import { tourStructureFor, TWO_LEVEL_FROM } from '../../shared/tsp/kernel.ts';
import { shuffled } from '../helpers/random-tour.ts';

/** The tour read with succ from city 0. */
function sequence(t: TourStructure): number[] {
  const out = [0];
  for (let c = t.succ(0); c !== 0 && out.length <= t.n; c = t.succ(c)) out.push(c);
  return out;
}

/** Everything a search can observe of a tour, so two structures holding the same tour compare equal. */
function expectSameTour(list: TwoLevelTour, array: ArrayTour, rng: Rng): void {
  const n = array.n;
  expect(sequence(list)).toEqual(sequence(array));
  for (let c = 0; c < n; c++) {
    expect(list.succ(c)).toBe(array.succ(c));
    expect(list.pred(c)).toBe(array.pred(c));
  }
  for (let i = 0; i < 3 * n; i++) {
    const [a, x, b] = [rng.nextInt(n), rng.nextInt(n), rng.nextInt(n)];
    expect(list.between(a, x, b)).toBe(array.between(a, x, b));
  }
  // copyTo starts wherever the structure does, but reads the same cycle in the same direction.
  const copied = list.toTour();
  const at = copied.indexOf(0);
  expect([...copied.subarray(at), ...copied.subarray(0, at)]).toEqual(sequence(array));
}

/** Undirected edges, sorted: the cycle whatever its orientation. */
function edges(t: TourStructure): string[] {
  const out: string[] = [];
  for (let c = 0; c < t.n; c++) {
    const d = t.succ(c);
    out.push(c < d ? `${c}-${d}` : `${d}-${c}`);
  }
  return out.sort();
}

const sizes = fc.integer({ min: 1, max: 70 });
const groupSizes = fc.integer({ min: 1, max: 9 });

describe('TwoLevelTour', () => {
  it('random sequences of reversals give the same succ, pred, between and sequence as the array', () => {
    fc.assert(
      fc.property(sizes, groupSizes, fc.integer(), (n, g, seed) => {
        const rng = new Rng(seed);
        const start = shuffled(n, rng);
        const list = new TwoLevelTour(start, g);
        const array = new ArrayTour(start);
        for (let i = 0; i < 60; i++) {
          const from = rng.nextInt(n);
          const to = rng.nextInt(n);
          list.reverse(from, to);
          array.reverse(from, to);
          expect([list.lastFrom, list.lastTo]).toEqual([from, to]);
        }
        expectSameTour(list, array, rng);
      }),
      { numRuns: 300 },
    );
  });

  it('every single reversal of a small tour, with segments of 1 to 4 cities, matches the array', () => {
    for (const n of [2, 3, 5, 8, 13]) {
      for (let g = 1; g <= 4; g++) {
        const start = shuffled(n, new Rng(n * 10 + g));
        for (let from = 0; from < n; from++) {
          for (let to = 0; to < n; to++) {
            // A reversal after a few others, so that segments are reversed and unbalanced when it comes.
            const list = new TwoLevelTour(start, g);
            const array = new ArrayTour(start);
            for (const t of [list, array]) {
              t.reverse(start[0], start[Math.floor(n / 2)]);
              t.reverse(start[n - 1], start[1 % n]);
              t.reverse(from, to);
            }
            expect(sequence(list)).toEqual(sequence(array));
            for (let c = 0; c < n; c++) expect(list.pred(c)).toBe(array.pred(c));
          }
        }
      }
    }
  });

  it('2-opt moves give the same cycle as on the array, and between agrees with its own succ walk', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 80 }), groupSizes, fc.integer(), (n, g, seed) => {
        const rng = new Rng(seed);
        const start = shuffled(n, rng);
        const list = new TwoLevelTour(start, g);
        const array = new ArrayTour(start);
        for (let i = 0; i < 80; i++) {
          const a = rng.nextInt(n);
          const c = rng.nextInt(n);
          const forward = rng.nextInt(2) === 0;
          // The same edges on both (the array's orientation may be the list's reversed: move2opt takes either).
          const b = forward ? array.succ(a) : array.pred(a);
          const d = forward ? array.succ(c) : array.pred(c);
          if (c === a || c === b || d === a) continue;
          array.move2opt(a, b, c, d);
          list.move2opt(a, b, c, d);
        }
        expect(edges(list)).toEqual(edges(array));
        const walk = sequence(list);
        const at = new Int32Array(n);
        walk.forEach((c, p) => (at[c] = p));
        for (let i = 0; i < 2 * n; i++) {
          const [a, x, b] = [rng.nextInt(n), rng.nextInt(n), rng.nextInt(n)];
          const span = (u: number, v: number): number => (at[v] - at[u] + n) % n;
          expect(list.between(a, x, b)).toBe(span(a, x) <= span(a, b));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('journal: undo restores exactly (retracted steps included), redo replays exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 70 }), groupSizes, fc.integer(), (n, g, seed) => {
        const rng = new Rng(seed);
        const list = new TwoLevelTour(shuffled(n, rng), g);
        for (let i = 0; i < 10; i++) list.reverse(rng.nextInt(n), rng.nextInt(n)); // not journaled
        const before = sequence(list);
        const predBefore = Array.from({ length: n }, (_, c) => list.pred(c));
        list.startJournal();
        for (let i = 0; i < 50; i++) {
          list.reverse(rng.nextInt(n), rng.nextInt(n));
          if (rng.nextInt(3) === 0) {
            // A tentative step taken back: no trace in the journal.
            const state = sequence(list);
            list.reverse(rng.nextInt(n), rng.nextInt(n));
            list.retract(list.lastFrom, list.lastTo);
            expect(sequence(list)).toEqual(state);
          }
        }
        const after = sequence(list);
        list.undoJournal();
        expect(sequence(list)).toEqual(before);
        expect(Array.from({ length: n }, (_, c) => list.pred(c))).toEqual(predBefore);
        list.redoJournal();
        expect(sequence(list)).toEqual(after);
        list.stopJournal();
      }),
      { numRuns: 300 },
    );
  });

  it('keeps its segments between half and twice the group size over many long and short reversals', () => {
    const n = 5000;
    const g = 70;
    const rng = new Rng(3);
    const list = new TwoLevelTour(shuffled(n, rng), g);
    for (let i = 0; i < 20_000; i++) {
      const from = rng.nextInt(n);
      list.reverse(from, i % 2 === 0 ? rng.nextInt(n) : walk(list, from, rng.nextInt(3 * g)));
      expect(list.segmentCount).toBeLessThanOrEqual(Math.ceil((2 * n) / g));
    }
    for (const size of list.segmentSizes()) {
      expect(size).toBeGreaterThanOrEqual(g / 2);
      expect(size).toBeLessThanOrEqual(2 * g);
    }
    expect(list.segmentCount).toBeGreaterThanOrEqual(Math.floor(n / (2 * g)));
    expect(sequence(list).length).toBe(n);
  });

  it('load replaces the tour; copyTo lists every city once', () => {
    const rng = new Rng(9);
    const list = new TwoLevelTour(shuffled(40, rng), 3);
    for (let i = 0; i < 30; i++) list.reverse(rng.nextInt(40), rng.nextInt(40));
    const other = shuffled(40, rng);
    list.load(other);
    expectSameTour(list, new ArrayTour(other), rng);
    expect(() => list.load(other.subarray(1))).toThrow(RangeError);
    expect(() => new TwoLevelTour(other, 0)).toThrow(/groupSize/);
  });
});

describe('the descents on the two-level list', () => {
  const descents: [string, (inst: Instance, nb: NeighbourLists, t: TourStructure) => Descent][] = [
    ['Lin-Kernighan', (inst, nb, t) => new LinKernighan(inst, nb, t)],
    ['2-opt + Or-opt', (inst, nb, t) => new LocalSearch(inst, nb, t)],
  ];
  for (const [name, make] of descents) {
    it(`${name}: tracks the length exactly, keeps a permutation, and journals only its kept moves`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 8, max: 300 }), fc.integer({ min: 2, max: 12 }), fc.integer(), (n, g, seed) => {
          const inst = createInstance(randomUniformProblem(n, seed, 1000));
          const start = shuffled(n, new Rng(seed));
          const tour = new TwoLevelTour(start, g);
          const search = make(inst, buildNeighbourLists(inst, 6), tour);
          tour.startJournal();
          search.pushAll();
          const total = search.run(null);
          const optimum = tour.toTour();
          expect(new Set(optimum).size).toBe(n);
          expect(tourLength(inst, optimum)).toBe(tourLength(inst, start) + total);
          const optimumSequence = sequence(tour);
          tour.undoJournal();
          expect(sequence(tour)).toEqual(sequence(new ArrayTour(start)));
          tour.redoJournal();
          expect(sequence(tour)).toEqual(optimumSequence);
        }),
        { numRuns: 40 },
      );
    });
  }
});

function walk(t: TourStructure, c: number, steps: number): number {
  for (let i = 0; i < steps; i++) c = t.succ(c);
  return c;
}

describe('tourStructureFor', () => {
  it('puts a 3-opt descent from 40,000 cities on the two-level list, everything else in the array', () => {
    const big = Int32Array.from({ length: TWO_LEVEL_FROM }, (_, i) => i);
    expect(tourStructureFor(big, true)).toBeInstanceOf(TwoLevelTour);
    expect(tourStructureFor(big, false)).toBeInstanceOf(ArrayTour);
    expect(tourStructureFor(big.subarray(1), true)).toBeInstanceOf(ArrayTour);
  });
});
