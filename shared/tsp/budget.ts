/**
 * A slice's limits: a number of moves, a wall-clock time, and a caller's stop request. The clock is injected
 * (performance.now exists in Node and in browsers; tests pass a fake one), and it and shouldStop are read only
 * at poll(), which the loops call every few hundred moves or POLL_SWAPS element swaps of reversal work,
 * whichever comes first (a reversal on a bad tour of 85,900 cities swaps up to 21,475 pairs), so the checks
 * cost nothing measurable and a stop lands within a few milliseconds on any size.
 *
 * The clock ends a slice only once its search has finished a city (searched()): a slice whose thread got less CPU
 * in its wall-clock time than one city takes (16 threads on 2 cores under load; in a fresh thread, before the JIT
 * compiled LK, a first 5-opt city on usa13509 took over 20 ms, against about 0.1 ms warm) was stopped inside that
 * city, threw its work away and answered with every city still pending, having done nothing. A stop request
 * still ends the slice at the next poll.
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
  /** The search has finished a city (annealing: has begun), so the clock may end the slice. */
  private progressed = false;

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
    if ((this.progressed && this.elapsedMs >= this.maxMs) || (this.shouldStop !== undefined && this.shouldStop())) this.stopped = true;
    return this.stopped;
  }

  /** A descent finished a city (annealing: began): from now on the clock can end the slice. */
  searched(): void {
    this.progressed = true;
  }

  /** How far through the slice we are, 0..1, by whichever limit is nearer (for the cooling schedule). */
  progress(moves: number): number {
    const p = Math.max(moves / this.maxMoves, this.elapsedMs / this.maxMs);
    return p < 1 ? p : 1;
  }
}
