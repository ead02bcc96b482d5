/**
 * The tour as a two-level doubly-linked list (Fredman, Johnson, McGeoch and Ostheimer, "Data structures for
 * traveling salesmen", 1995; the structure LKH uses for large instances): the cities are cut into segments of
 * about sqrt(n), each a doubly-linked list with its own reversed bit, and the segments form a ring. A city knows its
 * segment and a sequence number that increases along its segment's stored direction, so succ, pred and between
 * cost a few loads; a reversal costs O(sqrt n) instead of the array's O(n):
 *
 * - a path inside one segment is reversed in place (its cities relinked and renumbered);
 * - otherwise the path is first made to start and end at segment boundaries, by moving the smaller part of each
 *   end segment over to its neighbour segment (LKH's split), and then the run of whole segments it covers is
 *   reversed in the ring, each of them toggling its reversed bit. The complementary run gives the same cycle in
 *   the opposite orientation, so whichever has fewer segments is reversed, and a global reversed bit turns the
 *   whole tour around in O(1) when it was the complement: every reversal stays literal (tour-structure.ts).
 *
 * Moving cities between segments unbalances them, so after each reversal a segment that grew past twice the group
 * size is split in two and one that shrank below half of it is merged into its smaller neighbour: sizes stay
 * within [g / 2, 2g] and the ring within 2n / g + 1 segments.
 *
 * Orientation: a segment's cities run forwards in the tour along `next` (from `head` to `tail`) when its reversed
 * bit equals the global one, else along `prev`; the ring array lists the segments in tour order when the global
 * bit is clear, else in reverse. `rank` is a segment's index in the ring.
 */
import { ReversibleTour } from './tour-structure.ts';
import type { Tour } from './types.ts';

/**
 * Reversal work per city relinked or moved, or segment flipped, in the array's units (a swap of two cities): such a
 * step took about 3.5 times as long as a swap in test/tsp/stop-latency.test.ts, and the loops poll their budget by
 * this work (POLL_SWAPS), so that a stop lands as soon on either structure.
 */
const WORK_PER_STEP = 3;

/** Sequence numbers are renumbered from 0 when pushes at a segment's ends carry them this far from it. */
const SEQ_LIMIT = 1 << 30;

/** The default group size: sqrt(n), the balance between splitting segments (~g) and reversing runs of them (~n / g). */
export function defaultGroupSize(n: number): number {
  return Math.max(8, Math.round(Math.sqrt(n)));
}

export class TwoLevelTour extends ReversibleTour {
  readonly n: number;
  readonly groupSize: number;
  private readonly maxSize: number;
  private readonly minSize: number;

  // Per city.
  private readonly parent: Int32Array;
  private readonly seq: Int32Array;
  /** Stored-direction links inside a segment; -1 past its tail (next) or before its head (prev). */
  private readonly next: Int32Array;
  private readonly prev: Int32Array;

  // Per segment id (ids are reused through `free`).
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private readonly size: Int32Array;
  private readonly reversed: Uint8Array;
  private readonly rank: Int32Array;
  /** ring[r] is the segment of rank r, for r < segments. */
  private readonly ring: Int32Array;
  private segments = 0;
  private readonly free: Int32Array;
  private freeCount = 0;
  /** The global reversed bit. */
  private flipped = 0;
  /** Segments whose size changed during the current reversal, to rebalance after it. */
  private readonly changed = new Int32Array(8);
  private changedCount = 0;

  constructor(tour: Tour, groupSize = defaultGroupSize(tour.length)) {
    super();
    const n = tour.length;
    if (!(Number.isInteger(groupSize) && groupSize >= 1)) throw new RangeError(`groupSize must be a positive integer, got ${groupSize}`);
    this.n = n;
    this.groupSize = groupSize;
    this.maxSize = 2 * groupSize;
    this.minSize = Math.max(1, groupSize >> 1);
    this.parent = new Int32Array(n);
    this.seq = new Int32Array(n);
    this.next = new Int32Array(n);
    this.prev = new Int32Array(n);
    const capacity = Math.max(1, n);
    this.head = new Int32Array(capacity);
    this.tail = new Int32Array(capacity);
    this.size = new Int32Array(capacity);
    this.reversed = new Uint8Array(capacity);
    this.rank = new Int32Array(capacity);
    this.ring = new Int32Array(capacity);
    this.free = new Int32Array(capacity);
    this.load(tour);
  }

  /** Rebuilds the segments from scratch, sizes as equal as possible: O(n). */
  load(tour: Tour): void {
    const n = this.n;
    if (tour.length !== n) throw new RangeError(`tour has ${tour.length} cities, the structure ${n}`);
    const count = Math.max(1, Math.ceil(n / this.groupSize));
    this.segments = count;
    this.flipped = 0;
    this.freeCount = 0;
    for (let id = this.head.length - 1; id >= count; id--) this.free[this.freeCount++] = id;
    let p = 0;
    for (let s = 0; s < count; s++) {
      const end = Math.floor(((s + 1) * n) / count);
      this.ring[s] = s;
      this.rank[s] = s;
      this.reversed[s] = 0;
      this.size[s] = end - p;
      this.head[s] = tour[p];
      this.tail[s] = tour[end - 1];
      for (let i = 0; p < end; p++, i++) {
        const c = tour[p];
        this.parent[c] = s;
        this.seq[c] = i;
        this.prev[c] = i === 0 ? -1 : tour[p - 1];
        this.next[c] = p === end - 1 ? -1 : tour[p + 1];
      }
    }
  }

  /** Segments in the ring now (for tests and benchmarks). */
  get segmentCount(): number {
    return this.segments;
  }

  /** Each segment's size, in ring order (for tests and benchmarks). */
  segmentSizes(): number[] {
    return Array.from(this.ring.subarray(0, this.segments), (s) => this.size[s]);
  }

  succ(c: number): number {
    const s = this.parent[c];
    if ((this.reversed[s] ^ this.flipped) === 0) {
      if (c !== this.tail[s]) return this.next[c];
    } else if (c !== this.head[s]) return this.prev[c];
    return this.firstOf(this.nextSegment(s));
  }

  pred(c: number): number {
    const s = this.parent[c];
    if ((this.reversed[s] ^ this.flipped) === 0) {
      if (c !== this.head[s]) return this.prev[c];
    } else if (c !== this.tail[s]) return this.next[c];
    return this.lastOf(this.previousSegment(s));
  }

  between(a: number, x: number, b: number): boolean {
    // Positions in a linear order of the cycle (segments by rank, cities by sequence number, both in tour
    // direction); x is between a and b when it is inside [a, b], or outside [b, a] if the path wraps.
    return this.order(a, b) <= 0 ? this.order(a, x) <= 0 && this.order(x, b) <= 0 : this.order(a, x) <= 0 || this.order(x, b) <= 0;
  }

  toTour(): Int32Array {
    const out = new Int32Array(this.n);
    this.copyTo(out);
    return out;
  }

  /** Copies the tour into out, starting at the first city of the first segment in tour order. */
  copyTo(out: Int32Array): void {
    let p = 0;
    const count = this.segments;
    for (let i = 0; i < count; i++) {
      const s = this.ring[this.flipped ? count - 1 - i : i];
      if ((this.reversed[s] ^ this.flipped) === 0) for (let c = this.head[s]; c !== -1; c = this.next[c]) out[p++] = c;
      else for (let c = this.tail[s]; c !== -1; c = this.prev[c]) out[p++] = c;
    }
  }

  move2opt(a: number, b: number, c: number, d: number): void {
    if (this.succ(a) === b)
      this.reverse(b, c); // a [b ... c] d -> a [c ... b] d
    else this.reverse(a, d); // b [a ... d] c -> b [d ... a] c
  }

  protected flipPath(from: number, to: number): void {
    if (this.succ(to) === from) {
      // The whole tour: its orientation turns around.
      this.flipped ^= 1;
      this.swaps += WORK_PER_STEP;
      return;
    }
    this.changedCount = 0;
    for (;;) {
      const sf = this.parent[from];
      const st = this.parent[to];
      if (sf === st) {
        if (this.order(from, to) <= 0) this.reverseInside(from, to);
        else {
          // The path wraps around the tour; its complement lies inside this segment.
          this.reverseInside(this.succ(to), this.pred(from));
          this.flipped ^= 1;
        }
        break;
      }
      if (this.firstOf(sf) !== from) this.cutBefore(from, st);
      else if (this.lastOf(st) !== to) this.cutAfter(to, sf);
      else {
        this.reverseRun(sf, st);
        break;
      }
    }
    for (let i = 0; i < this.changedCount; i++) this.rebalance(this.changed[i]);
  }

  /** Negative when u comes before v in the linear order that between() uses, 0 when u === v. */
  private order(u: number, v: number): number {
    const su = this.parent[u];
    const sv = this.parent[v];
    if (su !== sv) {
      const d = this.rank[su] - this.rank[sv];
      return this.flipped ? -d : d;
    }
    const d = this.seq[u] - this.seq[v];
    return this.reversed[su] ^ this.flipped ? -d : d;
  }

  private backwards(s: number): boolean {
    return (this.reversed[s] ^ this.flipped) !== 0;
  }

  private firstOf(s: number): number {
    return this.backwards(s) ? this.tail[s] : this.head[s];
  }

  private lastOf(s: number): number {
    return this.backwards(s) ? this.head[s] : this.tail[s];
  }

  private nextSegment(s: number): number {
    let r = this.rank[s];
    if (this.flipped) r = (r === 0 ? this.segments : r) - 1;
    else if (++r === this.segments) r = 0;
    return this.ring[r];
  }

  private previousSegment(s: number): number {
    let r = this.rank[s];
    if (this.flipped) {
      if (++r === this.segments) r = 0;
    } else r = (r === 0 ? this.segments : r) - 1;
    return this.ring[r];
  }

  /** Cities of segment s from its first city in tour order to c, c included. */
  private countTo(c: number, s: number): number {
    return (this.backwards(s) ? this.seq[this.tail[s]] - this.seq[c] : this.seq[c] - this.seq[this.head[s]]) + 1;
  }

  /**
   * Makes `from` the first city of a segment by moving the smaller side of the cut (pred(from) | from) to the
   * neighbour segment on that side, unless that neighbour is `to`'s segment `st`: cities moved after `to` would
   * undo the other cut, so then the side from `from` on moves instead (into st when it is next, which leaves
   * the whole path in one segment).
   */
  private cutBefore(from: number, st: number): void {
    const s = this.parent[from];
    const before = this.countTo(from, s) - 1;
    const after = this.size[s] - before;
    const previous = this.previousSegment(s);
    this.noteChanged(before <= after && previous !== st ? this.shiftToPrevious(s, before) : this.shiftToNext(s, after));
    this.noteChanged(s);
  }

  /** Makes `to` the last city of a segment; the mirror image of cutBefore, with `from`'s segment sf. */
  private cutAfter(to: number, sf: number): void {
    const s = this.parent[to];
    const upTo = this.countTo(to, s);
    const after = this.size[s] - upTo;
    this.noteChanged(after < upTo && this.nextSegment(s) !== sf ? this.shiftToNext(s, after) : this.shiftToPrevious(s, upTo));
    this.noteChanged(s);
  }

  /** Moves segment s's first `count` cities to the end of the segment before it; returns that segment. */
  private shiftToPrevious(s: number, count: number): number {
    const previous = this.previousSegment(s);
    for (let i = 0; i < count; i++) this.pushLast(previous, this.popFirst(s));
    return previous;
  }

  /** Moves segment s's last `count` cities to the start of the segment after it; returns that segment. */
  private shiftToNext(s: number, count: number): number {
    const next = this.nextSegment(s);
    for (let i = 0; i < count; i++) this.pushFirst(next, this.popLast(s));
    return next;
  }

  private noteChanged(s: number): void {
    for (let i = 0; i < this.changedCount; i++) if (this.changed[i] === s) return;
    this.changed[this.changedCount++] = s;
  }

  /** Reverses the path u..v (u before v in tour order) inside one segment by relinking it in place. */
  private reverseInside(u: number, v: number): void {
    const s = this.parent[u];
    const backwards = this.backwards(s);
    const lo = backwards ? v : u; // stored order: lo ... hi
    const hi = backwards ? u : v;
    const { next, prev, seq } = this;
    const before = prev[lo];
    const after = next[hi];
    const mirror = seq[lo] + seq[hi];
    let count = 0;
    for (let c = lo; ;) {
      const following = next[c];
      next[c] = prev[c];
      prev[c] = following;
      seq[c] = mirror - seq[c];
      count++;
      if (c === hi) break;
      c = following;
    }
    prev[hi] = before;
    if (before === -1) this.head[s] = hi;
    else next[before] = hi;
    next[lo] = after;
    if (after === -1) this.tail[s] = lo;
    else prev[after] = lo;
    this.swaps += WORK_PER_STEP * count;
  }

  /**
   * Reverses the run of whole segments from sf to st (in tour order), or the complementary run and the global
   * bit when that one is shorter: either way the cities from sf's first to st's last end up reversed.
   */
  private reverseRun(sf: number, st: number): void {
    const count = this.segments;
    let first = this.flipped ? this.rank[st] : this.rank[sf]; // the run in ring order
    let last = this.flipped ? this.rank[sf] : this.rank[st];
    let length = last - first;
    if (length < 0) length += count;
    length += 1;
    if (2 * length > count) {
      first = last + 1 === count ? 0 : last + 1;
      length = count - length;
      this.flipped ^= 1;
    }
    last = first + length - 1;
    if (last >= count) last -= count;
    const { ring, rank, reversed } = this;
    for (let i = first, j = last, k = length >> 1; k > 0; k--) {
      const a = ring[i];
      const b = ring[j];
      ring[i] = b;
      rank[b] = i;
      ring[j] = a;
      rank[a] = j;
      if (++i === count) i = 0;
      if (--j < 0) j = count - 1;
    }
    for (let i = first, k = length; k > 0; k--) {
      reversed[ring[i]] ^= 1;
      if (++i === count) i = 0;
    }
    this.swaps += WORK_PER_STEP * length;
  }

  /** Splits a segment grown past maxSize in two, or merges one shrunk below minSize into its smaller neighbour. */
  private rebalance(s: number): void {
    if (this.size[s] === 0) return; // merged away already (its id is free)
    if (this.size[s] > this.maxSize) this.split(s);
    else if (this.size[s] < this.minSize && this.segments > 1) {
      const previous = this.previousSegment(s);
      const next = this.nextSegment(s);
      const into = this.size[previous] <= this.size[next] ? previous : next;
      if (into === previous) this.shiftToPrevious(s, this.size[s]);
      else this.shiftToNext(s, this.size[s]);
      this.removeFromRing(s);
      if (this.size[into] > this.maxSize) this.split(into);
    }
  }

  /** Moves the last half (in tour order) of segment s into a new segment right after it. */
  private split(s: number): void {
    const t = this.free[--this.freeCount];
    const keep = this.size[s] >> 1;
    const moving = this.size[s] - keep;
    this.reversed[t] = this.reversed[s];
    // The moved cities keep their links and sequence numbers: t has s's stored direction.
    if (this.backwards(s)) {
      let c = this.head[s];
      for (let i = 1; i < moving; i++) c = this.next[c];
      const rest = this.next[c];
      this.head[t] = this.head[s];
      this.tail[t] = c;
      this.next[c] = -1;
      this.prev[rest] = -1;
      this.head[s] = rest;
    } else {
      let c = this.tail[s];
      for (let i = 1; i < moving; i++) c = this.prev[c];
      const rest = this.prev[c];
      this.head[t] = c;
      this.tail[t] = this.tail[s];
      this.prev[c] = -1;
      this.next[rest] = -1;
      this.tail[s] = rest;
    }
    for (let c = this.head[t]; c !== -1; c = this.next[c]) this.parent[c] = t;
    this.size[s] = keep;
    this.size[t] = moving;
    this.swaps += WORK_PER_STEP * moving;
    this.insertIntoRing(this.flipped ? this.rank[s] : this.rank[s] + 1, t);
  }

  private insertIntoRing(r: number, t: number): void {
    const { ring, rank } = this;
    ring.copyWithin(r + 1, r, this.segments);
    ring[r] = t;
    this.segments++;
    for (let i = r; i < this.segments; i++) rank[ring[i]] = i;
    this.swaps += WORK_PER_STEP * (this.segments - r);
  }

  private removeFromRing(s: number): void {
    const { ring, rank } = this;
    const r = rank[s];
    ring.copyWithin(r, r + 1, this.segments);
    this.segments--;
    for (let i = r; i < this.segments; i++) rank[ring[i]] = i;
    this.free[this.freeCount++] = s;
    this.swaps += WORK_PER_STEP * (this.segments - r + 1);
  }

  /** Detaches and returns segment s's first city in tour order. */
  private popFirst(s: number): number {
    return this.backwards(s) ? this.popTail(s) : this.popHead(s);
  }

  private popLast(s: number): number {
    return this.backwards(s) ? this.popHead(s) : this.popTail(s);
  }

  private popHead(s: number): number {
    const c = this.head[s];
    const rest = this.next[c];
    this.head[s] = rest;
    if (rest !== -1) this.prev[rest] = -1;
    this.size[s]--;
    return c;
  }

  private popTail(s: number): number {
    const c = this.tail[s];
    const rest = this.prev[c];
    this.tail[s] = rest;
    if (rest !== -1) this.next[rest] = -1;
    this.size[s]--;
    return c;
  }

  /** Makes c the first city of segment s in tour order (s is not empty). */
  private pushFirst(s: number, c: number): void {
    if (this.backwards(s)) this.pushTail(s, c);
    else this.pushHead(s, c);
  }

  private pushLast(s: number, c: number): void {
    if (this.backwards(s)) this.pushHead(s, c);
    else this.pushTail(s, c);
  }

  private pushHead(s: number, c: number): void {
    const old = this.head[s];
    this.next[c] = old;
    this.prev[c] = -1;
    this.prev[old] = c;
    this.seq[c] = this.seq[old] - 1;
    this.head[s] = c;
    this.parent[c] = s;
    this.size[s]++;
    this.swaps += WORK_PER_STEP;
    if (this.seq[c] < -SEQ_LIMIT) this.renumber(s);
  }

  private pushTail(s: number, c: number): void {
    const old = this.tail[s];
    this.prev[c] = old;
    this.next[c] = -1;
    this.next[old] = c;
    this.seq[c] = this.seq[old] + 1;
    this.tail[s] = c;
    this.parent[c] = s;
    this.size[s]++;
    this.swaps += WORK_PER_STEP;
    if (this.seq[c] > SEQ_LIMIT) this.renumber(s);
  }

  private renumber(s: number): void {
    let i = 0;
    for (let c = this.head[s]; c !== -1; c = this.next[c]) this.seq[c] = i++;
  }
}
