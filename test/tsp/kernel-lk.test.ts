/**
 * Lin-Kernighan: every sequential 3-opt reconnection changes the length by its delta and keeps a permutation,
 * for every edge-weight type; the descent tracks its length exactly and ends where no candidate 2-opt or 3-opt
 * step improves; rolled-back steps leave no trace in the tour's journal.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArrayTour } from '../../shared/tsp/arraytour.ts';
import { createInstance, tourLength } from '../../shared/tsp/instance.ts';
import { LinKernighan } from '../../shared/tsp/lk.ts';
import { applyThreeOpt, threeOptDelta, twoOptDelta, type ThreeOptKind } from '../../shared/tsp/moves.ts';
import { buildNeighbourLists } from '../../shared/tsp/neighbours.ts';
import { Rng } from '../../shared/tsp/random.ts';
import { shuffled } from '../helpers/random-tour.ts';
import type { EdgeWeightType, Instance, NeighbourLists, ProblemData } from '../../shared/tsp/types.ts';

const TYPES: EdgeWeightType[] = ['EUC_2D', 'CEIL_2D', 'ATT', 'GEO', 'EXPLICIT'];

/** n cities of a type: coordinates in 0..side (degrees for GEO), EXPLICIT as a Manhattan matrix of them. */
function instanceOf(type: EdgeWeightType, n: number, seed: number, side = 1000): Instance {
  const rng = new Rng(seed);
  const xs = Float64Array.from({ length: n }, () => rng.nextInt(side + 1) * (type === 'GEO' ? 80 / side : 1));
  const ys = Float64Array.from({ length: n }, () => rng.nextInt(side + 1) * (type === 'GEO' ? 170 / side : 1));
  const data: ProblemData = { name: 'p', n, edgeWeightType: type, xs, ys };
  if (type === 'EXPLICIT') {
    data.matrix = new Int32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) data.matrix[i * n + j] = Math.abs(xs[i] - xs[j]) + Math.abs(ys[i] - ys[j]);
  }
  return createInstance(data);
}

function key(a: number, b: number): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}

/** Undirected edges of a tour, sorted. */
function edges(order: ArrayLike<number>): string[] {
  const out: string[] = [];
  for (let p = 0; p < order.length; p++) out.push(key(order[p], order[(p + 1) % order.length]));
  return out.sort();
}

function consistent(t: ArrayTour): boolean {
  const seen = new Uint8Array(t.n);
  for (let p = 0; p < t.n; p++) {
    const c = t.order[p];
    if (seen[c] || t.pos[c] !== p) return false;
    seen[c] = 1;
  }
  return true;
}

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
  const tourEdges = new Set(edges(order));
  return steps.filter(({ t }) => {
    const removed = [key(t[0], t[1]), key(t[2], t[3]), key(t[4], t[5])];
    const added = [key(t[1], t[2]), key(t[3], t[4]), key(t[5], t[0])];
    return new Set(removed).size === 3 && removed.every((e) => tourEdges.has(e)) && added.every((e) => !tourEdges.has(e)) && new Set(added).size === 3;
  });
}

/** A sequential 3-opt step that LK's candidate rule (g1 > 0, g3 > 0 over the lists) allows and that shortens the tour. */
function improvingCandidateStep(inst: Instance, nb: NeighbourLists, order: Int32Array): Step | undefined {
  const { k, neighbours } = nb;
  const dist = inst.dist;
  const isCandidate = (a: number, b: number): boolean => neighbours.subarray(a * k, a * k + k).includes(b);
  for (const t1 of order) {
    for (const forward of [true, false]) {
      for (const step of threeOptSteps(order, t1, forward)) {
        const [a, b, c, d, e, f] = step.t;
        const g1 = dist(a, b) - dist(b, c);
        const g3 = g1 + dist(c, d) - dist(d, e);
        if (isCandidate(b, c) && g1 > 0 && isCandidate(d, e) && g3 > 0 && threeOptDelta(dist, a, b, c, d, e, f) < 0) return step;
      }
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
      fc.property(fc.constantFrom(...TYPES), fc.integer({ min: 6, max: 20 }), fc.integer(), (type, n, seed) => {
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
          const removed = [key(t[0], t[1]), key(t[2], t[3]), key(t[4], t[5])];
          const expected = edges(start).filter((e) => !removed.includes(e));
          expected.push(key(t[1], t[2]), key(t[3], t[4]), key(t[5], t[0]));
          expect(edges(tour.order)).toEqual(expected.sort());
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
  it('descends, tracking the length exactly, to a tour with no improving candidate 2-opt or sequential 3-opt step, for every edge-weight type', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TYPES), fc.integer({ min: 5, max: 30 }), fc.integer(), fc.integer({ min: 2, max: 8 }), (type, n, seed, k) => {
        const inst = instanceOf(type, n, seed);
        const nb = buildNeighbourLists(inst, k);
        const start = shuffled(n, new Rng(seed));
        const tour = new ArrayTour(start);
        const search = new LinKernighan(inst, nb, tour);
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
        expect(improvingCandidateStep(inst, nb, tour.order)).toBeUndefined();
      }),
      { numRuns: 80 },
    );
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
      fc.property(fc.integer({ min: 8, max: 200 }), fc.integer(), (n, seed) => {
        const inst = instanceOf('EUC_2D', n, seed);
        const start = shuffled(n, new Rng(seed));
        const tour = new ArrayTour(start);
        const search = new LinKernighan(inst, buildNeighbourLists(inst, 6), tour);
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
