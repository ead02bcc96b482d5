/**
 * A slice's limits: a number of moves, a wall-clock time, and a caller's stop request. The clock is injected
 * (performance.now exists in Node and in browsers; tests pass a fake one), and it and shouldStop are read only
 * at poll(), which the loops call every few hundred moves or POLL_SWAPS element swaps of reversal work,
 * whichever comes first (a reversal on a bad tour of 85,900 cities swaps up to 21,475 pairs), so the checks
 * cost nothing measurable and a stop lands within a few milliseconds on any size.
 */

/** Reversal work between polls: about a millisecond of swaps. */
export const POLL_SWAPS = 1 << 20;

export interface SliceBudget {
  /** Moves to try: annealing moves, or kicks for large-step Markov chains. */
  moves?: number;
  /** Wall-clock milliseconds, read from SliceControl.now. */
  ms?: number;
}

export interface SliceControl {
  /** Polled with the clock; returning true ends the slice early with the best tour so far. */
  shouldStop?: () => boolean;
  /** Milliseconds from any origin; defaults to globalThis.performance.now. */
  now?: () => number;
}

export class Budget {
  readonly maxMoves: number;
  readonly maxMs: number;
  private readonly now: () => number;
  private readonly shouldStop: (() => boolean) | undefined;
  private readonly startedAt: number;
  /** Elapsed milliseconds at the last poll. */
  elapsedMs = 0;
  /** Set once time is up or shouldStop said so; moves are counted by the caller. */
  stopped = false;

  constructor(budget: SliceBudget, control: SliceControl = {}) {
    const { moves, ms } = budget;
    if (moves === undefined && ms === undefined) throw new RangeError('budget needs moves or ms');
    if (moves !== undefined && !(Number.isInteger(moves) && moves >= 0)) throw new RangeError(`budget.moves must be a non-negative integer, got ${moves}`);
    if (ms !== undefined && !(ms >= 0)) throw new RangeError(`budget.ms must be non-negative, got ${ms}`);
    this.maxMoves = moves ?? Infinity;
    this.maxMs = ms ?? Infinity;
    this.now = control.now ?? (() => globalThis.performance.now());
    this.shouldStop = control.shouldStop;
    this.startedAt = this.now();
  }

  /** Reads the clock and the stop request; true when the slice must end. */
  poll(): boolean {
    if (this.stopped) return true;
    this.elapsedMs = this.now() - this.startedAt;
    if (this.elapsedMs >= this.maxMs || (this.shouldStop !== undefined && this.shouldStop())) this.stopped = true;
    return this.stopped;
  }

  /** How far through the slice we are, 0..1, by whichever limit is nearer (for the cooling schedule). */
  progress(moves: number): number {
    const p = Math.max(moves / this.maxMoves, this.elapsedMs / this.maxMs);
    return p < 1 ? p : 1;
  }
}
