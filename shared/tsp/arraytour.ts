/**
 * The kernel's mutable tour: the order as an array plus each city's position in it, so that succ, pred and
 * "is x between a and b" are O(1). Every change is a reversal of a cyclic run of positions, and a 2-opt
 * move reverses whichever of its two paths is shorter (both give the same cycle), so a move costs at most
 * n / 2 swaps. Because a reversal is its own inverse, a journal of reversals undoes or replays any sequence
 * of moves exactly: large-step Markov chains use it to reject a kick and its local search in O(work done).
 */
import type { Tour } from './types.ts';

export class ArrayTour {
  readonly n: number;
  /** order[p] is the city at position p. */
  readonly order: Int32Array;
  /** pos[c] is the position of city c. */
  readonly pos: Int32Array;
  /** Reversals since startJournal(), as (first position, length) pairs. */
  private journal = new Int32Array(0);
  private journalLength = 0;
  private journaling = false;
  /** Element swaps done by reversals so far: the loops poll their budget by this work, not only by moves. */
  swaps = 0;
  /** The latest reverse() call's arguments, so that a search can record its steps and retract them. */
  lastFirst = 0;
  lastLength = 0;

  constructor(tour: Tour) {
    const n = tour.length;
    this.n = n;
    this.order = Int32Array.from(tour);
    this.pos = new Int32Array(n);
    for (let p = 0; p < n; p++) this.pos[tour[p]] = p;
  }

  succ(c: number): number {
    const p = this.pos[c] + 1;
    return this.order[p === this.n ? 0 : p];
  }

  pred(c: number): number {
    const p = this.pos[c];
    return this.order[p === 0 ? this.n - 1 : p - 1];
  }

  /** Positions from a forward to b, inclusive: 1 when a === b. */
  span(a: number, b: number): number {
    const d = this.pos[b] - this.pos[a];
    return (d < 0 ? d + this.n : d) + 1;
  }

  /** The tour as a fresh permutation, starting wherever the array does. */
  toTour(): Int32Array {
    return this.order.slice();
  }

  /** Copies the order into out (length n), without allocating. */
  copyTo(out: Int32Array): void {
    out.set(this.order);
  }

  /** Replaces the order with a tour of the same cities (for restoring a saved best). */
  load(tour: Tour): void {
    this.order.set(tour);
    for (let p = 0; p < this.n; p++) this.pos[this.order[p]] = p;
  }

  /**
   * The 2-opt move that replaces tour edges (a, b) and (c, d) by (a, c) and (b, d). Either b = succ(a) and
   * d = succ(c), or b = pred(a) and d = pred(c) (the same move seen in the other direction): callers need not
   * know the array's orientation, which flips whenever the complement is the shorter side.
   */
  move2opt(a: number, b: number, c: number, d: number): void {
    const n = this.n;
    let first: number;
    let last: number;
    if (this.succ(a) === b) {
      first = this.pos[b]; // ... a [b ... c] d ...
      last = this.pos[c];
    } else {
      first = this.pos[a]; // ... b [a ... d] c ...
      last = this.pos[d];
    }
    let length = last - first;
    if (length < 0) length += n;
    length += 1;
    if (2 * length > n) {
      // The complement gives the same cycle in the opposite orientation, with fewer swaps.
      first += length;
      if (first >= n) first -= n;
      length = n - length;
    }
    this.reverse(first, length);
  }

  /** Reverses the cyclic run of `length` positions starting at `first`, journaling it if asked. */
  reverse(first: number, length: number): void {
    this.lastFirst = first;
    this.lastLength = length;
    if (length < 2) return;
    this.flip(first, length);
    if (this.journaling) {
      if (this.journalLength + 2 > this.journal.length) this.growJournal();
      this.journal[this.journalLength++] = first;
      this.journal[this.journalLength++] = length;
    }
  }

  /**
   * Takes back the latest reversal still in effect (a tentative step of a variable-depth search), also from the
   * journal, so that trying and retracting a step leaves no trace there. Retractions must come newest first.
   */
  retract(first: number, length: number): void {
    if (length < 2) return;
    this.flip(first, length);
    if (this.journaling) this.journalLength -= 2;
  }

  private flip(first: number, length: number): void {
    const { order, pos, n } = this;
    let i = first;
    let j = first + length - 1;
    if (j >= n) j -= n;
    this.swaps += length >> 1;
    for (let s = length >> 1; s > 0; s--) {
      const ci = order[i];
      const cj = order[j];
      order[i] = cj;
      pos[cj] = i;
      order[j] = ci;
      pos[ci] = j;
      if (++i === n) i = 0;
      if (--j < 0) j = n - 1;
    }
  }

  /** Starts (or restarts) recording reversals, so that undoJournal() can return to this point. */
  startJournal(): void {
    if (this.journal.length === 0) this.journal = new Int32Array(1024);
    this.journalLength = 0;
    this.journaling = true;
  }

  /** Undoes every reversal since startJournal(), newest first; the journal is kept for redoJournal(). */
  undoJournal(): void {
    const journal = this.journal;
    this.journaling = false; // replaying must not record
    for (let k = this.journalLength - 2; k >= 0; k -= 2) this.reverse(journal[k], journal[k + 1]);
    this.journaling = true;
  }

  /** Replays the journal forwards after undoJournal(), returning to the journaled state. */
  redoJournal(): void {
    const journal = this.journal;
    this.journaling = false;
    for (let k = 0; k < this.journalLength; k += 2) this.reverse(journal[k], journal[k + 1]);
    this.journaling = true;
  }

  stopJournal(): void {
    this.journaling = false;
    this.journalLength = 0;
  }

  /** Amortised doubling; a kick's local search rarely needs more than a few dozen entries. */
  private growJournal(): void {
    const bigger = new Int32Array(this.journal.length * 2);
    bigger.set(this.journal);
    this.journal = bigger;
  }
}
