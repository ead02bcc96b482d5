/**
 * What the kernel's loops (localsearch.ts, lk.ts, lsmc.ts, anneal.ts) need of a mutable tour, whichever structure
 * holds it: arraytour.ts (an array and positions: O(1) neighbours, reversals of up to n / 2 swaps) or
 * twolevel.ts (a two-level doubly-linked list: neighbours a few loads dearer, reversals O(sqrt n)).
 *
 * Every change is a reversal of a tour path given by its end cities, and `reverse(from, to)` is literal: the path
 * from `from` forward to `to` then runs from `to` forward to `from`, and nothing else changes, orientation included.
 * So a reversal is undone by reversing (to, from), and a journal of reversals undoes or replays any sequence of
 * moves exactly: large-step Markov chains use it to reject a kick and its local search in O(work done).
 */
import type { Tour } from './types.ts';

export interface TourStructure {
  readonly n: number;
  /**
   * Reversal work done so far, in units of the array's swap of two cities (the two-level list weighs its steps to
   * match): the loops poll their budget by this work as well as by moves, so that a stop lands within a bounded
   * amount of work on any size and structure.
   */
  readonly swaps: number;
  /** The latest reversal's end cities (see reverse), so that a search can record its steps and retract them. */
  readonly lastFrom: number;
  readonly lastTo: number;
  succ(c: number): number;
  pred(c: number): number;
  /** x lies on the forward path from a to b, both ends included (a === b: only a itself). */
  between(a: number, x: number, b: number): boolean;
  /**
   * The 2-opt move that replaces tour edges (a, b) and (c, d) by (a, c) and (b, d). Either b = succ(a) and
   * d = succ(c), or b = pred(a) and d = pred(c) (the same move seen in the other direction). Callers need not
   * know the orientation afterwards: a structure may reverse whichever side is cheaper.
   */
  move2opt(a: number, b: number, c: number, d: number): void;
  /** Reverses the path from `from` forward to `to` (literally, see above), journaling it if asked. */
  reverse(from: number, to: number): void;
  /**
   * Takes back the latest reversal still in effect, given as (lastFrom, lastTo) when it was made: a tentative step
   * of a variable-depth search. Also removes it from the journal, so that trying and retracting a step leaves no
   * trace there. Retractions must come newest first.
   */
  retract(from: number, to: number): void;
  /** Starts (or restarts) recording reversals, so that undoJournal() can return to this point. */
  startJournal(): void;
  /** Undoes every reversal since startJournal(), newest first; the journal is kept for redoJournal(). */
  undoJournal(): void;
  /** Replays the journal forwards after undoJournal(), returning to the journaled state. */
  redoJournal(): void;
  stopJournal(): void;
  /** The tour as a fresh permutation, starting wherever the structure does. */
  toTour(): Int32Array;
  /** Copies the tour into out (length n), without allocating. */
  copyTo(out: Int32Array): void;
  /** Replaces the tour with another of the same cities (for restoring a saved best). */
  load(tour: Tour): void;
}

/**
 * The journal and the bookkeeping of reverse/retract, shared by both structures; they supply flipPath, the literal
 * reversal itself.
 */
export abstract class ReversibleTour implements TourStructure {
  abstract readonly n: number;
  swaps = 0;
  lastFrom = 0;
  lastTo = 0;
  /** Reversals since startJournal(), as (from, to) pairs. */
  private journal = new Int32Array(0);
  private journalLength = 0;
  private journaling = false;

  abstract succ(c: number): number;
  abstract pred(c: number): number;
  abstract between(a: number, x: number, b: number): boolean;
  abstract move2opt(a: number, b: number, c: number, d: number): void;
  abstract toTour(): Int32Array;
  abstract copyTo(out: Int32Array): void;
  abstract load(tour: Tour): void;
  /** Reverses the path from `from` forward to `to`, literally; adds its work to `swaps`. */
  protected abstract flipPath(from: number, to: number): void;

  reverse(from: number, to: number): void {
    this.lastFrom = from;
    this.lastTo = to;
    if (from === to) return;
    this.flipPath(from, to);
    if (this.journaling) {
      if (this.journalLength + 2 > this.journal.length) this.growJournal();
      this.journal[this.journalLength++] = from;
      this.journal[this.journalLength++] = to;
    }
  }

  retract(from: number, to: number): void {
    if (from === to) return;
    this.flipPath(to, from);
    if (this.journaling) this.journalLength -= 2;
  }

  startJournal(): void {
    if (this.journal.length === 0) this.journal = new Int32Array(1024);
    this.journalLength = 0;
    this.journaling = true;
  }

  undoJournal(): void {
    const journal = this.journal;
    for (let k = this.journalLength - 2; k >= 0; k -= 2) this.flipPath(journal[k + 1], journal[k]);
  }

  redoJournal(): void {
    const journal = this.journal;
    for (let k = 0; k < this.journalLength; k += 2) this.flipPath(journal[k], journal[k + 1]);
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
