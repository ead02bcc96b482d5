/**
 * Lin-Kernighan: move type 3's reconnections change the length by their delta and keep a permutation; for every
 * move type (the k of its sequential basic step) and edge-weight type, the descent tracks
 * its length exactly, keeps a permutation, and ends where no candidate step of up to k edges that the gain
 * criterion allows gives a shorter tour; rolled-back steps leave no trace in the tour's journal.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArrayTour } from '../../shared/tsp/arraytour.ts';
import { createInstance, tourLength } from '../../shared/tsp/instance.ts';
import { SliceRunner } from '../../shared/compute/slice-runner.ts';
import { annealSlice, METHODS } from '../../shared/tsp/kernel.ts';
import { kOptDelta } from '../../shared/tsp/kopt.ts';
import { LinKernighan, MOVE_TYPES, type MoveType } from '../../shared/tsp/lk.ts';
import { applyThreeOpt, threeOptDelta, twoOptDelta, type ThreeOptKind } from '../../shared/tsp/moves.ts';
import { buildNeighbourLists } from '../../shared/tsp/neighbours.ts';
import { Rng } from '../../shared/tsp/random.ts';
import { shuffled } from '../helpers/random-tour.ts';
import { consistent, EDGE_WEIGHT_TYPES, edgeKey, edgesAfter, instanceOf, isOneCycle, tourEdges } from '../helpers/tsp-instances.ts';
import type { Instance, NeighbourLists } from '../../shared/tsp/types.ts';

/** A sequential 3-opt step of move type 3, which lk.ts evaluates case by case and applies by moves.ts. */
interface Step {
  kind: ThreeOptKind;
  t: [number, number, number, number, number, number];
}

/**
 * Every sequential 3-opt step from t1 in direction `forward`, derived from the definitions in moves.ts on the
 * tour written out from t1 (seq[0] = t1, seq[1] = t2), independently of lk.ts. Degenerate steps (an added edge
 * already in the tour, a removed edge twice) are left out.
 */
function threeOptSteps(order: Int32Array, t1: number, forward: boolean): Step[] {
  const n = order.length;
  const at = order.indexOf(t1);
  const seq = Array.from({ length: n }, (_, i) => order[(at + (forward ? i : n - i) + n) % n]);
  const steps: Step[] = [];
  for (let j = 2; j < n; j++) {
    // 'two-2opt': t4 = seq[j - 1] before t3 = seq[j]; then the same on seq with 1..j-1 reversed, from t1 to t4.
    const turned = [seq[0], ...seq.slice(1, j).reverse(), ...seq.slice(j)];
    for (let i = 2; i < n; i++) steps.push({ kind: 'two-2opt', t: [seq[0], seq[1], seq[j], seq[j - 1], turned[i], turned[i - 1]] });
  }
  for (let j = 1; j < n - 1; j++) {
    // t3 = seq[j], t4 = seq[j + 1] after it; t5 = seq[i] inside t2..t3.
    for (let i = 1; i < j; i++) steps.push({ kind: 'exchange', t: [seq[0], seq[1], seq[j], seq[j + 1], seq[i], seq[i + 1]] });
    for (let i = 2; i <= j; i++) steps.push({ kind: 'both-reversed', t: [seq[0], seq[1], seq[j], seq[j + 1], seq[i], seq[i - 1]] });
  }
  const inTour = new Set(tourEdges(order));
  return steps.filter(({ t }) => {
    const removed = [edgeKey(t[0], t[1]), edgeKey(t[2], t[3]), edgeKey(t[4], t[5])];
    const added = [edgeKey(t[1], t[2]), edgeKey(t[3], t[4]), edgeKey(t[5], t[0])];
    return new Set(removed).size === 3 && removed.every((e) => inTour.has(e)) && added.every((e) => !inTour.has(e)) && new Set(added).size === 3;
  });
}

/**
 * A sequential step of 2 to maxK removed edges, independently of lk.ts and kopt.ts, that the descent's rules
 * allow and that closes to a shorter tour (checked by building the new edge set): t1 any city, t2 either tour
 * neighbour; each t[2i+1] a candidate of t[2i] with running gain still positive, neither t1 nor a tour neighbour of
 * t[2i], no added edge twice; each t[2i+2] a tour neighbour of t[2i+1] other than t1, no removed edge twice.
 */
function improvingCandidateStep(inst: Instance, nb: NeighbourLists, tour: ArrayTour, maxK: number): number[] | undefined {
  const { k, neighbours } = nb;
  const dist = inst.dist;
  const n = inst.n;
  const t: number[] = [0];
  const search = (i: number, g: number): boolean => {
    const from = t[2 * i];
    for (let r = 0; r < k; r++) {
      const t3 = neighbours[from * k + r];
      const g1 = g - dist(from, t3);
      if (g1 <= 0 || t3 === t[1] || t3 === tour.succ(from) || t3 === tour.pred(from)) continue;
      if (Array.from({ length: i - 1 }, (_, j) => edgeKey(t[2 * j + 2], t[2 * j + 3])).includes(edgeKey(from, t3))) continue;
      for (const t4 of [tour.succ(t3), tour.pred(t3)]) {
        if (t4 === t[1] || Array.from({ length: i }, (_, j) => edgeKey(t[2 * j + 1], t[2 * j + 2])).includes(edgeKey(t3, t4))) continue;
        t[2 * i + 1] = t3;
        t[2 * i + 2] = t4;
        const level = i + 1;
        if (kOptDelta(dist, Int32Array.from(t), level) < 0 && isOneCycle(n, edgesAfter(tour.toTour(), t, level))) return true;
        if (level < maxK && search(level, g1 + dist(t3, t4))) return true;
      }
    }
    return false;
  };
  for (let t1 = 0; t1 < n; t1++) {
    for (const t2 of [tour.succ(t1), tour.pred(t1)]) {
      t.length = 3;
      t[1] = t1;
      t[2] = t2;
      if (search(1, dist(t1, t2))) return t.slice(1);
    }
  }
  return undefined;
}

/** Descends until a whole pass over every city finds nothing (don't-look bits are approximate). */
function descendFully(search: LinKernighan): number {
  let total = 0;
  for (let delta = -1; delta < 0;) {
    search.pushAll();
    delta = search.run(null);
    total += delta;
  }
  return total;
}

describe('sequential 3-opt moves', () => {
  it('every reconnection of every kind changes the length by its delta, yields the specified edges, and undoes from the journal', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EDGE_WEIGHT_TYPES), fc.integer({ min: 6, max: 20 }), fc.integer(), (type, n, seed) => {
        const inst = instanceOf(type, n, seed);
        const rng = new Rng(seed);
        const start = shuffled(n, rng);
        const t1 = start[rng.nextInt(n)];
        const forward = rng.nextInt(2) === 0;
        const steps = threeOptSteps(start, t1, forward);
        const kinds = new Set(steps.map((s) => s.kind));
        if (n >= 7) expect(kinds.size).toBe(3);
        for (const { kind, t } of steps) {
          const tour = new ArrayTour(start);
          tour.startJournal();
          const before = tourLength(inst, tour.order);
          applyThreeOpt(tour, kind, ...t);
          expect(consistent(tour)).toBe(true);
          expect(tourLength(inst, tour.order) - before).toBe(threeOptDelta(inst.dist, ...t));
          const removed = [edgeKey(t[0], t[1]), edgeKey(t[2], t[3]), edgeKey(t[4], t[5])];
          const expected = tourEdges(start).filter((e) => !removed.includes(e));
          expected.push(edgeKey(t[1], t[2]), edgeKey(t[3], t[4]), edgeKey(t[5], t[0]));
          expect(tourEdges(tour.order)).toEqual(expected.sort());
          tour.undoJournal();
          expect(Array.from(tour.order)).toEqual(Array.from(start));
        }
      }),
      { numRuns: 80 },
    );
  });

  it('a pure exchange keeps both segments in their direction; both-reversed turns both', () => {
    const start = Int32Array.from({ length: 10 }, (_, i) => i);
    // t1 = 0, t2..t5 = 1..3, t6..t3 = 4..6, t4 = 7.
    const exchanged = new ArrayTour(start);
    applyThreeOpt(exchanged, 'exchange', 0, 1, 6, 7, 3, 4);
    const walk = (t: ArrayTour): number[] => {
      const out = [0];
      for (let c = t.succ(0); c !== 0; c = t.succ(c)) out.push(c);
      return out[1] === 9 ? [0, ...out.slice(1).reverse()] : out;
    };
    expect(walk(exchanged)).toEqual([0, 4, 5, 6, 1, 2, 3, 7, 8, 9]);
    const reversed = new ArrayTour(start);
    applyThreeOpt(reversed, 'both-reversed', 0, 1, 6, 7, 4, 3);
    expect(walk(reversed)).toEqual([0, 3, 2, 1, 6, 5, 4, 7, 8, 9]);
  });
});

describe('LinKernighan', () => {
  it('descends with each move type k, tracking the length exactly, to a tour with no improving candidate 2-opt step nor step of up to k edges, for every edge-weight type', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MOVE_TYPES),
        fc.constantFrom(...EDGE_WEIGHT_TYPES),
        fc.integer({ min: 5, max: 24 }),
        fc.integer(),
        fc.integer({ min: 2, max: 6 }),
        (moveType, type, n, seed, k) => {
          const inst = instanceOf(type, n, seed);
          const nb = buildNeighbourLists(inst, k);
          const start = shuffled(n, new Rng(seed));
          const tour = new ArrayTour(start);
          const search = new LinKernighan(inst, nb, tour, { moveType });
          const total = descendFully(search);
          expect(consistent(tour)).toBe(true);
          expect(tourLength(inst, tour.order)).toBe(tourLength(inst, start) + total);
          const dist = inst.dist;
          for (let a = 0; a < n; a++) {
            for (let r = 0; r < nb.k; r++) {
              const c = nb.neighbours[a * nb.k + r];
              for (const forward of [true, false]) {
                const b = forward ? tour.succ(a) : tour.pred(a);
                const d = forward ? tour.succ(c) : tour.pred(c);
                if (c === b || d === a || dist(a, c) >= dist(a, b)) continue;
                expect(twoOptDelta(dist, a, b, c, d)).toBeGreaterThanOrEqual(0);
              }
            }
          }
          expect(improvingCandidateStep(inst, nb, tour, moveType)).toBeUndefined();
        },
      ),
      { numRuns: 120 },
    );
  });

  it('refuses a move type outside 2..5, in the descent and in a slice of any method', () => {
    const inst = instanceOf('EUC_2D', 8, 1);
    const identity = Int32Array.from({ length: 8 }, (_, i) => i);
    const nb = buildNeighbourLists(inst, 4);
    for (const moveType of [1, 6, 3.5, NaN, '5']) {
      expect(() => new LinKernighan(inst, nb, new ArrayTour(identity), { moveType: moveType as MoveType })).toThrow(/unknown move type/);
      for (const method of METHODS) {
        const input = { tour: identity, temperature: { start: 0, end: 0 }, budget: { moves: 1 }, seed: 1, method, moveType: moveType as MoveType };
        expect(() => annealSlice(inst, nb, input)).toThrow(/unknown move type .*: expected 2, 3, 4, 5/);
      }
    }
  });

  it("the compute thread's SliceRunner hands the job's move type to the kernel", () => {
    const runner = new SliceRunner();
    runner.addProblem('abcdef12', instanceOf('EUC_2D', 30, 4).data);
    const job = { id: 1, problemHash: 'abcdef12', tour: null, temperature: { start: 0, end: 0 }, budget: { moves: 2 }, seed: 1, method: 'lk' as const };
    expect(runner.run({ ...job, moveType: 4 }, () => false).tour.length).toBe(30);
    // The wire refuses this one first; here it shows the field reaches annealSlice's own check.
    expect(() => runner.run({ ...job, moveType: 7 as MoveType }, () => false)).toThrow(/unknown move type 7/);
  });

  it('runs a slice with each move type to a valid tour whose length it reports exactly', () => {
    const inst = instanceOf('EUC_2D', 60, 7);
    const nb = buildNeighbourLists(inst, 5);
    const start = shuffled(60, new Rng(7));
    for (const moveType of MOVE_TYPES) {
      const out = annealSlice(inst, nb, { tour: start, temperature: { start: 0, end: 0 }, budget: { moves: 20 }, seed: 3, method: 'lk', moveType });
      expect(new Set(out.tour).size).toBe(60);
      expect(out.length).toBe(tourLength(inst, out.tour));
      expect(out.length).toBeLessThan(tourLength(inst, start));
    }
  });

  it('puts a displaced run of cities on a line back in place (the optimum, 140)', () => {
    // Cities 5 and 6 (x = 20, 30) visited after 4 (x = 60): the exchange of 2..4 and 5..6 repairs it unreversed.
    const xs = Float64Array.of(0, 10, 40, 50, 60, 20, 30, 70);
    const inst = createInstance({ name: 'line', n: 8, edgeWeightType: 'EUC_2D', xs, ys: new Float64Array(8) });
    const tour = new ArrayTour(Int32Array.from({ length: 8 }, (_, i) => i));
    const search = new LinKernighan(inst, buildNeighbourLists(inst, 4), tour);
    const before = tourLength(inst, tour.order);
    const total = descendFully(search);
    expect(before + total).toBe(140);
    expect(tourLength(inst, tour.order)).toBe(140);
  });

  it('leaves only its kept moves in the journal: undo returns to the start, redo to the local optimum', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MOVE_TYPES), fc.integer({ min: 8, max: 200 }), fc.integer(), (moveType, n, seed) => {
        const inst = instanceOf('EUC_2D', n, seed);
        const start = shuffled(n, new Rng(seed));
        const tour = new ArrayTour(start);
        const search = new LinKernighan(inst, buildNeighbourLists(inst, 6), tour, { moveType });
        tour.startJournal();
        search.pushAll();
        search.run(null);
        const optimum = tour.toTour();
        tour.undoJournal();
        expect(Array.from(tour.order)).toEqual(Array.from(start));
        tour.redoJournal();
        expect(Array.from(tour.order)).toEqual(Array.from(optimum));
      }),
      { numRuns: 60 },
    );
  });
});
