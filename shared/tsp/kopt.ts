/**
 * Sequential k-opt moves for Lin-Kernighan (lk.ts), after Helsgaun, "General k-opt submoves for the Lin-Kernighan
 * TSP heuristic" (2009): the feasibility test of a reconnection and its execution as a shortest series of 2-opt
 * reversals.
 *
 * A move is given as t[1..2k] (1-based): it removes the tour edges x_i = (t[2i-1], t[2i]) and adds
 * y_i = (t[2i], t[2i+1]) for i < k, and closes with (t[2k], t[1]). Cutting the k removed edges leaves k segments
 * of the tour; the added edges join their ends. The move is feasible when that gives one cycle. To test it, the
 * removed edges are sorted by tour position, which lists the segments' ends in tour order (L below: segment s runs
 * from L[2s] to L[2s + 1]); a walk then alternates "along a segment" (L index i to i ^ 1) and "along an added
 * edge" (t index to its partner), and the move is feasible when the walk from segment 0 visits all k segments
 * before it returns. The same walk gives the new tour as a signed permutation of segments 1..k-1 (segment 0 fixed,
 * forwards): the order they are visited in and the direction each is entered.
 *
 * Executing the move turns the identity arrangement into that one by reversals of runs of segments, each a 2-opt
 * move of the tour. The fewest reversals that do it (sorting a signed permutation by reversals) are looked up in a
 * table built once per size by breadth-first search from the identity (384 arrangements for k = 5). A segment of
 * one city reads the same in both directions, so its direction is chosen to make the series shortest.
 */

import type { TourStructure } from './tour-structure.ts';

/** The largest k supported: LKH's default move type. */
export const MAX_K = 5;

/** The tour operations a k-opt move needs: neighbours, order, and the 2-opt move. */
export type KOptTour = Pick<TourStructure, 'succ' | 'pred' | 'between' | 'move2opt'>;

/** The change in length of the move t[1..2k]: added edges (closing one included) minus removed ones. */
export function kOptDelta(dist: (i: number, j: number) => number, t: Int32Array, k: number): number {
  let delta = dist(t[2 * k], t[1]);
  for (let i = 1; i <= k; i++) delta -= dist(t[2 * i - 1], t[2 * i]);
  for (let i = 1; i < k; i++) delta += dist(t[2 * i], t[2 * i + 1]);
  return delta;
}

/**
 * Scratch space for testing and executing k-opt moves without allocating. `t` is the move (1-based, filled by the
 * caller); every method reads t[1..2k] as it is at the call.
 */
export class KOptMove {
  readonly t = new Int32Array(2 * MAX_K + 1);
  /** Removed edge indices (0-based) sorted by tour position. */
  private readonly sorted = new Int32Array(MAX_K);
  /** The t index of each removed edge's end that comes first in the forward direction. */
  private readonly firstEnd = new Int32Array(MAX_K);
  /** Segment ends in tour order, as t indices: segment s runs from L[2s] to L[2s + 1]. */
  private readonly ends = new Int32Array(2 * MAX_K);
  /** Position of each t index in `ends`. */
  private readonly endAt = new Int32Array(2 * MAX_K + 1);
  /** The new tour after segment 0, by position 1..k-1: segment numbers, negative when the segment is reversed. */
  private readonly target = new Int32Array(MAX_K);
  /** The arrangement while the move executes, like target; position 0 holds segment 0, forwards. */
  private readonly current = new Int32Array(MAX_K + 1);
  private readonly reversals = new Int32Array(2 * MAX_K + 2);

  /** Whether the move t[1..k] gives a tour. Requires 2 <= k <= MAX_K and k distinct removed tour edges. */
  feasible(tour: KOptTour, k: number): boolean {
    return this.walk(tour, k) === k;
  }

  /**
   * Executes the move t[1..2k] as 2-opt moves (at most k + 1), calling afterEach after each one. Throws when the
   * move is not feasible, leaving the tour unchanged.
   */
  apply(tour: KOptTour, k: number, afterEach: () => void): void {
    if (this.walk(tour, k) !== k) throw new RangeError(`the ${k}-opt move does not give a tour`);
    const m = k - 1;
    const count = this.plan(m);
    const { current, reversals } = this;
    for (let p = 0; p <= m; p++) current[p] = p;
    for (let r = count - 1; r >= 0; r--) {
      const i = reversals[2 * r];
      const j = reversals[2 * r + 1];
      const after = j === m ? current[0] : current[j + 1];
      tour.move2opt(this.tail(current[i - 1]), this.head(current[i]), this.tail(current[j]), this.head(after));
      afterEach();
      reverseRun(current, i, j);
    }
  }

  /** The first city of segment s as the new tour runs through it (-s: the segment reversed). */
  private head(s: number): number {
    return this.t[this.ends[s >= 0 ? 2 * s : -2 * s + 1]];
  }

  private tail(s: number): number {
    return this.t[this.ends[s >= 0 ? 2 * s + 1 : -2 * s]];
  }

  /**
   * Sorts the removed edges and walks the reconnection; returns how many segments the cycle through segment 0
   * visits (k when feasible), with the arrangement it gives in `target`.
   */
  private walk(tour: KOptTour, k: number): number {
    const { t, sorted, firstEnd, ends, endAt, target } = this;
    for (let e = 0; e < k; e++) {
      const a = 2 * e + 1;
      firstEnd[e] = tour.succ(t[a]) === t[a + 1] ? a : a + 1;
      // Insertion sort by tour position, counted forwards from the first edge's first end.
      const origin = t[firstEnd[0]];
      let p = e;
      while (p > 0 && !tour.between(origin, t[firstEnd[sorted[p - 1]]], t[firstEnd[e]])) {
        sorted[p] = sorted[p - 1];
        p--;
      }
      sorted[p] = e;
    }
    // The tour reads: second end of sorted[0] .. first end of sorted[1], second end of sorted[1] .. and so on.
    for (let s = 0; s < k; s++) {
      const e = sorted[s];
      const first = firstEnd[e];
      const second = first & 1 ? first + 1 : first - 1;
      ends[2 * s] = second;
      endAt[second] = 2 * s;
      const to = s === 0 ? 2 * k - 1 : 2 * s - 1;
      ends[to] = first;
      endAt[first] = to;
    }
    let at = 0;
    let visited = 0;
    for (;;) {
      const exit = ends[at ^ 1];
      visited++;
      // The partner of t index i along an added edge: y_j joins 2j and 2j + 1, the closing edge 2k and 1.
      const partner = exit & 1 ? (exit === 1 ? 2 * k : exit - 1) : exit === 2 * k ? 1 : exit + 1;
      at = endAt[partner];
      if (at === 0 || visited === k) break;
      target[visited] = at & 1 ? -(at >> 1) : at >> 1;
    }
    return at === 0 ? visited : -1;
  }

  /**
   * Fills `reversals` with the shortest series from the identity to `target` (as (i, j) position pairs, last
   * first) and returns its length. Segments of one city take whichever direction makes the series shortest.
   */
  private plan(m: number): number {
    const { target, ends, t, reversals, current } = this;
    const table = reversalTable(m);
    let singles = 0;
    for (let p = 1; p <= m; p++) {
      const s = Math.abs(target[p]);
      if (t[ends[2 * s]] === t[ends[2 * s + 1]]) singles |= 1 << (p - 1);
    }
    let bestFlip = 0;
    let bestDistance = Infinity;
    // Every choice of directions for the one-city segments: submasks of `singles`, flipped where set.
    for (let flip = singles; ; flip = (flip - 1) & singles) {
      const distance = table.distance[arrangementCode(target, m, flip)];
      if (distance < bestDistance) {
        bestDistance = distance;
        bestFlip = flip;
      }
      if (flip === 0) break;
    }
    for (let p = 1; p <= m; p++) current[p] = (bestFlip >> (p - 1)) & 1 ? -target[p] : target[p];
    let count = 0;
    for (let code = arrangementCode(current, m, 0); table.distance[code] > 0; code = arrangementCode(current, m, 0)) {
      const r = table.via[code];
      reversals[2 * count] = table.from[r];
      reversals[2 * count + 1] = table.to[r];
      count++;
      reverseRun(current, table.from[r], table.to[r]);
    }
    return count;
  }
}

/** Reverses positions i..j of an arrangement, turning each segment. */
function reverseRun(arrangement: Int32Array | number[], i: number, j: number): void {
  for (let a = i, b = j; a <= b; a++, b--) {
    const x = arrangement[a];
    arrangement[a] = -arrangement[b];
    arrangement[b] = -x;
  }
}

/** The arrangement's positions 1..m as a number in base 2m (position 1 lowest), segments negated where `flip` has a bit. */
function arrangementCode(arrangement: Int32Array | number[], m: number, flip: number): number {
  let code = 0;
  for (let p = m; p >= 1; p--) code = code * 2 * m + encode((flip >> (p - 1)) & 1 ? -arrangement[p] : arrangement[p]);
  return code;
}

/** A signed segment number (1..m, negative when reversed) as a digit 0..2m-1. */
function encode(v: number): number {
  return v > 0 ? 2 * (v - 1) : 2 * (-v - 1) + 1;
}

function decode(digit: number): number {
  return digit & 1 ? -((digit >> 1) + 1) : (digit >> 1) + 1;
}

interface ReversalTable {
  /** Fewest reversals from the identity, per arrangement code (-1: not an arrangement). */
  distance: Int8Array;
  /** A reversal (index into from/to) that takes the arrangement one step closer to the identity. */
  via: Int8Array;
  from: Int8Array;
  to: Int8Array;
}

const tables: ReversalTable[] = [];

/** The breadth-first search over signed arrangements of m segments, built on first use. */
function reversalTable(m: number): ReversalTable {
  const known = tables[m];
  if (known !== undefined) return known;
  const size = (2 * m) ** m;
  const distance = new Int8Array(size).fill(-1);
  const via = new Int8Array(size);
  const from: number[] = [];
  const to: number[] = [];
  for (let i = 1; i <= m; i++) {
    for (let j = i; j <= m; j++) {
      from.push(i);
      to.push(j);
    }
  }
  const identity = arrangementCode(
    Array.from({ length: m + 1 }, (_, p) => p),
    m,
    0,
  );
  distance[identity] = 0;
  let frontier = [identity];
  const arrangement: number[] = [];
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const code of frontier) {
      for (let r = 0; r < from.length; r++) {
        for (let p = 1, rest = code; p <= m; p++, rest = Math.floor(rest / (2 * m))) arrangement[p] = decode(rest % (2 * m));
        reverseRun(arrangement, from[r], to[r]);
        const reached = arrangementCode(arrangement, m, 0);
        if (distance[reached] !== -1) continue;
        distance[reached] = distance[code] + 1;
        via[reached] = r; // a reversal is its own inverse: applying r again steps back toward the identity
        next.push(reached);
      }
    }
    frontier = next;
  }
  const table = { distance, via, from: Int8Array.from(from), to: Int8Array.from(to) };
  tables[m] = table;
  return table;
}
