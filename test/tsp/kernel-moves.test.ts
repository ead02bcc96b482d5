/** Move deltas equal full recomputation, moves keep a permutation, and the journal undoes and replays exactly. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArrayTour } from '../../shared/tsp/arraytour.ts';
import { createInstance, randomUniformProblem, tourLength } from '../../shared/tsp/instance.ts';
import { applyOrOpt, orOptDelta, twoOptDelta } from '../../shared/tsp/moves.ts';
import { buildNeighbourLists } from '../../shared/tsp/neighbours.ts';
import { MoveProposer } from '../../shared/tsp/proposal.ts';
import { Rng } from '../../shared/tsp/random.ts';
import { shuffled } from '../helpers/random-tour.ts';
import type { Instance } from '../../shared/tsp/types.ts';

function isPermutation(order: Int32Array, n: number): boolean {
  const seen = new Uint8Array(n);
  for (const c of order) {
    if (c < 0 || c >= n || seen[c]) return false;
    seen[c] = 1;
  }
  return order.length === n;
}

function consistent(t: ArrayTour): boolean {
  for (let p = 0; p < t.n; p++) if (t.pos[t.order[p]] !== p) return false;
  return isPermutation(t.order, t.n);
}

/** Undirected edges of a tour, as sorted "a-b" keys. */
function edges(order: ArrayLike<number>): string[] {
  const out: string[] = [];
  for (let p = 0; p < order.length; p++) {
    const a = order[p];
    const b = order[(p + 1) % order.length];
    out.push(a < b ? `${a}-${b}` : `${b}-${a}`);
  }
  return out.sort();
}

function instanceOf(n: number, seed: number): Instance {
  return createInstance(randomUniformProblem(n, seed, 1000));
}

describe('2-opt', () => {
  it('every 2-opt move, in both directions, changes the length by its delta and yields the expected edges', () => {
    for (const n of [4, 5, 6, 9]) {
      const inst = instanceOf(n, n);
      const start = shuffled(n, new Rng(n));
      for (let a = 0; a < n; a++) {
        for (let c = 0; c < n; c++) {
          for (const forward of [true, false]) {
            const t = new ArrayTour(start);
            const b = forward ? t.succ(a) : t.pred(a);
            const d = forward ? t.succ(c) : t.pred(c);
            if (c === a || c === b || d === a) continue;
            const before = tourLength(inst, t.order);
            const delta = twoOptDelta(inst.dist, a, b, c, d);
            const expected = edges(start).filter((e) => e !== edges([a, b])[0] && e !== edges([c, d])[0]);
            expected.push(...edges([a, c]).slice(0, 1), ...edges([b, d]).slice(0, 1));
            t.move2opt(a, b, c, d);
            expect(consistent(t)).toBe(true);
            expect(tourLength(inst, t.order) - before).toBe(delta);
            expect(edges(t.order)).toEqual(expected.sort());
          }
        }
      }
    }
  });
});

describe('Or-opt', () => {
  it('every segment of 1-3 cities into every edge, both orientations: delta exact, edges as specified', () => {
    for (const n of [4, 5, 6, 7, 10]) {
      const inst = instanceOf(n, 100 + n);
      const start = shuffled(n, new Rng(n));
      for (let length = 1; length <= Math.min(3, n - 3); length++) {
        for (let first = 0; first < n; first++) {
          for (let e = 0; e < n; e++) {
            for (const reversed of [false, true]) {
              const t = new ArrayTour(start);
              const s1 = start[first];
              const s2 = start[(first + length - 1) % n];
              const p = t.pred(s1);
              const q = t.succ(s2);
              const c = start[e];
              const d = t.succ(c);
              if (t.span(s1, c) <= length || t.span(s1, d) <= length) continue;
              const before = tourLength(inst, t.order);
              const delta = orOptDelta(inst.dist, p, s1, s2, q, c, d, reversed);
              applyOrOpt(t, p, s1, s2, q, c, d, reversed);
              expect(consistent(t)).toBe(true);
              expect(tourLength(inst, t.order) - before).toBe(delta);
              // The segment now sits between c and d, in the asked orientation.
              const [nearC, nearD] = reversed ? [s2, s1] : [s1, s2];
              expect([t.succ(c), t.pred(c)]).toContain(nearC);
              expect([t.succ(d), t.pred(d)]).toContain(nearD);
              expect([t.succ(p), t.pred(p)]).toContain(q);
            }
          }
        }
      }
    }
  });
});

describe('random proposals (property)', () => {
  it('delta === length(after) - length(before), and the tour stays a permutation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 40 }), fc.integer(), fc.integer({ min: 1, max: 12 }), (n, seed, k) => {
        const inst = instanceOf(n, seed);
        const rng = new Rng(seed);
        const t = new ArrayTour(shuffled(n, rng));
        const proposer = new MoveProposer(inst, buildNeighbourLists(inst, k), t);
        let length = tourLength(inst, t.order);
        for (let i = 0; i < 200; i++) {
          const delta = proposer.propose(rng);
          if (Number.isNaN(delta)) continue;
          proposer.apply();
          length += delta;
          if (tourLength(inst, t.order) !== length || !consistent(t)) return false;
        }
        return true;
      }),
      { numRuns: 200 },
    );
  });
});

describe('journal', () => {
  it('undo restores the exact array, redo replays it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 60 }), fc.integer(), (n, seed) => {
        const inst = instanceOf(n, seed);
        const rng = new Rng(seed);
        const t = new ArrayTour(shuffled(n, rng));
        const proposer = new MoveProposer(inst, buildNeighbourLists(inst, 8), t);
        const before = t.toTour();
        t.startJournal();
        for (let i = 0; i < 700; i++) if (!Number.isNaN(proposer.propose(rng))) proposer.apply();
        const after = t.toTour();
        t.undoJournal();
        expect(t.order).toEqual(before);
        t.redoJournal();
        expect(t.order).toEqual(after);
        return consistent(t);
      }),
      { numRuns: 50 },
    );
  });
});
