/**
 * What this page contributes, as the pool sees it: slices done, moves per second over the last few
 * seconds, and the tour of the last slice it computed (drawn as its map). The donor's compute role may
 * not follow a run's progress, so the page shows its own work, which is what it gives anyway.
 */
import type { SliceOutcome } from '../../../shared/compute/thread-messages.ts';
import type { ProblemData } from '../../../shared/tsp/types.ts';

/** Moves/s is averaged over this window: slices last about a second, so one slice would make it jumpy. */
const RATE_WINDOW_MS = 5000;

export interface LastSlice {
  problem: ProblemData;
  tour: Int32Array;
  length: number;
}

class Contribution {
  slicesDone = $state(0);
  movesPerSecond = $state(0);
  last = $state.raw<LastSlice | null>(null);
  #recent: { at: number; moves: number }[] = [];
  #since = performance.now();

  onSlice(outcome: SliceOutcome, problem: ProblemData): void {
    this.slicesDone++;
    this.#recent.push({ at: performance.now(), moves: outcome.stats.movesTried });
    this.last = { problem, tour: outcome.tour, length: outcome.length };
    this.tick();
  }

  /** Recomputes moves/s; called on each slice and once a second so the rate decays when idle. */
  tick(): void {
    const now = performance.now();
    while (this.#recent.length > 0 && now - this.#recent[0].at > RATE_WINDOW_MS) this.#recent.shift();
    const window = Math.min(RATE_WINDOW_MS, Math.max(1000, now - this.#since));
    this.movesPerSecond = Math.round((this.#recent.reduce((sum, entry) => sum + entry.moves, 0) * 1000) / window);
  }

  /** A fresh start of the rate window (joining again after a pause). */
  resetRate(): void {
    this.#recent = [];
    this.#since = performance.now();
    this.movesPerSecond = 0;
  }
}

export const contribution = new Contribution();
