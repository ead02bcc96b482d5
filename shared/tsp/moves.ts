/**
 * The move families, each with an O(1) delta (new length minus old, from the four or six edges that change)
 * and an application as a few 2-opt reversals of a tour (tour-structure.ts).
 *
 * 2-opt: replace edges (a, b) and (c, d) by (a, c) and (b, d), where b and d follow a and c in the same direction.
 * Or-opt (Or, 1976): move a segment of 1-3 consecutive cities elsewhere, in either orientation. It is the
 * 3-opt "segment insertion" move that keeps the cost of a 2-opt reversal but reaches tours 2-opt cannot.
 */
import type { TourStructure } from './tour-structure.ts';

export type Dist = (i: number, j: number) => number;

/** Or-opt moves segments of up to 3 cities, and needs p, q and an edge (c, d) outside the segment. */
export function maxSegmentLength(n: number): number {
  return Math.min(3, n - 3);
}

export function twoOptDelta(dist: Dist, a: number, b: number, c: number, d: number): number {
  return dist(a, c) + dist(b, d) - dist(a, b) - dist(c, d);
}

/**
 * Or-opt delta: the segment s1..s2 (forward, between p = pred(s1) and q = succ(s2)) goes between c and
 * d = succ(c), as c s2..s1 d when reversed, else c s1..s2 d. Requires c and d outside the segment.
 */
export function orOptDelta(dist: Dist, p: number, s1: number, s2: number, q: number, c: number, d: number, reversed: boolean): number {
  const inserted = reversed ? dist(c, s2) + dist(s1, d) : dist(c, s1) + dist(s2, d);
  return dist(p, q) + inserted - dist(p, s1) - dist(s2, q) - dist(c, d);
}

/**
 * Applies the Or-opt move of orOptDelta as a chain of 2-opt moves (so the journal stays a list of reversals):
 *   p [s1..s2] q..c d   -> 2-opt (p,s1)(c,d) ->  p c..q s2..s1 d
 *                        -> 2-opt (p,c)(q,s2) ->  p q..c s2..s1 d     (reversed insertion)
 *                        -> 2-opt (c,s2)(s1,d) -> p q..c s1..s2 d     (kept orientation)
 * When d = p the first step would remove two edges at p; the mirror image of the chain (walking the tour the
 * other way, from q) has no such case, and its middle step is then empty. Requires n >= segment length + 3.
 */
export function applyOrOpt(tour: TourStructure, p: number, s1: number, s2: number, q: number, c: number, d: number, reversed: boolean): void {
  if (d !== p) {
    tour.move2opt(p, s1, c, d);
    if (c !== q) tour.move2opt(p, c, q, s2);
    if (!reversed) tour.move2opt(c, s2, s1, d);
  } else {
    tour.move2opt(q, s2, d, c); // walking from q the other way: q [s2..s1 d] c -> q d s1..s2 c
    if (!reversed) tour.move2opt(d, s1, s2, c);
  }
}

/**
 * The reconnections of a sequential 3-opt move that removes (t1, t2), (t3, t4), (t5, t6) and adds (t2, t3),
 * (t4, t5), (t6, t1), where t2 follows t1 in some direction of the tour ("after" below means in that direction):
 *   'two-2opt': t4 before t3 (so t1 [t2..t4] t3), which makes (t2, t3) + (t4, t1) a 2-opt move; then t6 is the
 *     neighbour of t5 before it once t2..t4 is reversed: a second 2-opt move from (t1, t4).
 *   'exchange': t4 after t3, t5 inside t2..t3 and t6 after t5: t1 [t2..t5 t6..t3] t4 -> t1 [t6..t3 t2..t5] t4,
 *     the pure segment exchange ("or-3opt"; Or-opt is its case of a short segment).
 *   'both-reversed': t4 after t3, t5 inside t2..t3 and t6 before t5: t1 [t2..t6 t5..t3] t4 -> t1 [t6..t2 t3..t5] t4.
 * Their delta is the same expression; the kind says how to apply them.
 */
export type ThreeOptKind = 'two-2opt' | 'exchange' | 'both-reversed';

export function threeOptDelta(dist: Dist, t1: number, t2: number, t3: number, t4: number, t5: number, t6: number): number {
  return dist(t2, t3) + dist(t4, t5) + dist(t6, t1) - dist(t1, t2) - dist(t3, t4) - dist(t5, t6);
}

/**
 * Applies a sequential 3-opt move as 2-opt reversals, each a valid tour (so a journal of reversals undoes it):
 *   'two-2opt': t1 [t2..t4] t3 -> t1 [t4..t2] t3, then the same from (t1, t4) with t5, t6;
 *   'exchange': -> t1 [t3..t6 t5..t2] t4 -> t1 [t6..t3 t5..t2] t4 -> t1 [t6..t3 t2..t5] t4;
 *   'both-reversed': -> t1 [t6..t2 t5..t3] t4 -> t1 [t6..t2 t3..t5] t4.
 * Reversals of a single city are skipped; afterEach runs after every reversal done (to record tour.lastFrom and lastTo).
 */
export function applyThreeOpt(
  tour: TourStructure,
  kind: ThreeOptKind,
  t1: number,
  t2: number,
  t3: number,
  t4: number,
  t5: number,
  t6: number,
  afterEach: () => void = noop,
): void {
  if (kind === 'two-2opt') {
    tour.move2opt(t2, t1, t3, t4);
    afterEach();
    tour.move2opt(t4, t1, t5, t6);
    afterEach();
  } else if (kind === 'exchange') {
    tour.move2opt(t1, t2, t3, t4);
    afterEach();
    if (t6 !== t3) {
      tour.move2opt(t1, t3, t6, t5);
      afterEach();
    }
    if (t5 !== t2) {
      tour.move2opt(t3, t5, t2, t4);
      afterEach();
    }
  } else {
    if (t6 !== t2) {
      tour.move2opt(t1, t2, t6, t5);
      afterEach();
    }
    tour.move2opt(t2, t5, t3, t4);
    afterEach();
  }
}

function noop(): void {}

/**
 * One chosen move, held in plain fields so that the annealing and local-search loops can record and apply
 * moves without allocating. For Or-opt, (a, b) are the segment's outer neighbours p and q.
 */
export class Move {
  kind: 'none' | '2-opt' | 'or-opt' = 'none';
  a = 0;
  b = 0;
  c = 0;
  d = 0;
  s1 = 0;
  s2 = 0;
  reversed = false;

  setTwoOpt(a: number, b: number, c: number, d: number): void {
    this.kind = '2-opt';
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }

  setOrOpt(p: number, s1: number, s2: number, q: number, c: number, d: number, reversed: boolean): void {
    this.setTwoOpt(p, q, c, d);
    this.kind = 'or-opt';
    this.s1 = s1;
    this.s2 = s2;
    this.reversed = reversed;
  }

  apply(tour: TourStructure): void {
    if (this.kind === '2-opt') tour.move2opt(this.a, this.b, this.c, this.d);
    else if (this.kind === 'or-opt') applyOrOpt(tour, this.a, this.s1, this.s2, this.b, this.c, this.d, this.reversed);
  }
}
