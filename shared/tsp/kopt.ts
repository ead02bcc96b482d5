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
 * The walk reads only the sorted order of the removed edges and which end of each comes first, so its verdict is
 * looked up in a table of those orders (built once per k by the walk itself; 20,000 entries for k = 5), the way
 * LKH decides its 5-opt basic move by case analysis on the order of the t's. Lin-Kernighan tests thousands of
 * steps per move that differ only in their last edges, so the sorted order of each prefix t[1..2i] is kept between
 * tests and only the edges that changed are inserted again (reset() when the tour itself changes).
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
 *
 * CONTRACT: feasible() and apply() reuse the tour order of removed edges kept from the last test. They notice a
 * different tour object and their own apply(), nothing else: whoever changes the tour any other way (move2opt,
 * retract, undoJournal, redoJournal, a k-opt step of another KOptMove) must call reset() before the next test on it,
 * or feasible() answers for the old tour, silently. (A change counter on the tour would catch it, at a write per
 * reversal in every tour structure; Lin-Kernighan, the only caller, resets before each step of its search.)
 */
export class KOptMove {
  readonly t = new Int32Array(2 * MAX_K + 1);
  /**
   * Row i (i = 1..MAX_K, at i * MAX_K) lists removed edges 0..i-1 (0-based) sorted by tour position, counted forwards
   * from edge 0's first end (so edge 0 always leads). Rows 1..rowsValid were sorted for the t values in rowT, on
   * rowsTour as it was then.
   */
  private readonly rows = new Int32Array((MAX_K + 1) * MAX_K);
  private readonly rowT = new Int32Array(2 * MAX_K + 1);
  private rowsValid = 0;
  private rowsTour: KOptTour | null = null;
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

  /**
   * Whether the move t[1..k] gives a tour. Requires 2 <= k <= MAX_K and k distinct removed tour edges. Reuses the
   * order of the removed edges that are the same as at the previous test on the same tour object: call reset()
   * first whenever that tour has changed since (apply() does so itself).
   */
  feasible(tour: KOptTour, k: number): boolean {
    const row = this.sort(tour, k) * MAX_K;
    const { rows, firstEnd } = this;
    let code = 0;
    for (let p = 1; p < k; p++) code = code * k + rows[row + p];
    let firsts = 0;
    for (let e = 0; e < k; e++) firsts = (firsts << 1) | (firstEnd[e] & 1);
    return feasibilityTable(k)[(code << k) | firsts] === 1;
  }

  /** Forgets the sorted edges kept between tests (see feasible): the tour has changed. */
  reset(): void {
    this.rowsValid = 0;
  }

  /**
   * Executes the move t[1..2k] as 2-opt moves (at most k + 1), calling afterEach after each one. Throws when the
   * move is not feasible, leaving the tour unchanged.
   */
  apply(tour: KOptTour, k: number, afterEach: () => void): void {
    const row = this.sort(tour, k) * MAX_K;
    if (walkSegments(this.rows, row, this.firstEnd, k, this.ends, this.endAt, this.target) !== k) {
      throw new RangeError(`the ${k}-opt move does not give a tour`);
    }
    this.reset();
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
   * Brings rows 1..k up to date with t[1..2k] and returns k: the rows whose edges are unchanged are kept, and from
   * the first changed edge on each row is the one before with its edge inserted (one succ and at most i - 1
   * between queries, where sorting from scratch costs k succ and up to k(k - 1) / 2).
   */
  private sort(tour: KOptTour, k: number): number {
    const { t, rows, rowT, firstEnd } = this;
    if (tour !== this.rowsTour) {
      this.rowsTour = tour;
      this.rowsValid = 0;
    }
    let valid = Math.min(this.rowsValid, k);
    for (let i = 1; i <= valid; i++) {
      if (t[2 * i - 1] !== rowT[2 * i - 1] || t[2 * i] !== rowT[2 * i]) {
        valid = i - 1;
        break;
      }
    }
    if (valid === k) return k;
    for (let i = valid + 1; i <= k; i++) {
      const e = i - 1;
      const a = 2 * e + 1;
      rowT[a] = t[a];
      rowT[a + 1] = t[a + 1];
      firstEnd[e] = tour.succ(t[a]) === t[a + 1] ? a : a + 1;
      const row = i * MAX_K;
      const before = row - MAX_K;
      const origin = t[firstEnd[0]];
      const at = t[firstEnd[e]];
      let p = e;
      while (p > 0 && !tour.between(origin, t[firstEnd[rows[before + p - 1]]], at)) {
        rows[row + p] = rows[before + p - 1];
        p--;
      }
      rows[row + p] = e;
      for (let q = p - 1; q >= 0; q--) rows[row + q] = rows[before + q];
    }
    this.rowsValid = k;
    return k;
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

/**
 * The walk over the segments: the removed edges sorted by tour position (rows[row..row + k)), the t index of each
 * one's first end, filling `ends`, `endAt` and `target` (see KOptMove). Returns how many segments the cycle through
 * segment 0 visits (k when feasible). Reads t indices only, never cities, so the tables below come from it too.
 */
function walkSegments(rows: Int32Array, row: number, firstEnd: Int32Array, k: number, ends: Int32Array, endAt: Int32Array, target: Int32Array): number {
  // The tour reads: second end of sorted[0] .. first end of sorted[1], second end of sorted[1] .. and so on.
  for (let s = 0; s < k; s++) {
    const e = rows[row + s];
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

const feasibilityTables: Int8Array[] = [];

/**
 * The walk's verdict for every order of k removed edges (edge 0 first; the others as digits base k, position 1
 * most significant) and every choice of which end of each comes first (bit k - 1 - e set when edge e's first end is
 * t[2e + 1], clear when it is t[2e + 2]), at (order << k) | firsts: 1 when the move is feasible. Built on first use.
 */
function feasibilityTable(k: number): Int8Array {
  const known = feasibilityTables[k];
  if (known !== undefined) return known;
  const table = new Int8Array((k ** (k - 1)) << k);
  const rows = new Int32Array(k);
  const firstEnd = new Int32Array(k);
  const ends = new Int32Array(2 * k);
  const endAt = new Int32Array(2 * k + 1);
  const target = new Int32Array(k);
  const order = (p: number, used: number): void => {
    if (p === k) {
      let code = 0;
      for (let q = 1; q < k; q++) code = code * k + rows[q];
      for (let firsts = 0; firsts < 1 << k; firsts++) {
        for (let e = 0; e < k; e++) firstEnd[e] = 2 * e + 2 - ((firsts >> (k - 1 - e)) & 1);
        table[(code << k) | firsts] = walkSegments(rows, 0, firstEnd, k, ends, endAt, target) === k ? 1 : 0;
      }
      return;
    }
    for (let e = 1; e < k; e++) {
      if (used & (1 << e)) continue;
      rows[p] = e;
      order(p + 1, used | (1 << e));
    }
  };
  order(1, 1);
  feasibilityTables[k] = table;
  return table;
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
