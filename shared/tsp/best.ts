/**
 * Remembers the best tour of a chain that also accepts worse tours, without copying the tour on every
 * improvement: the copy is taken only when the current tour is the best and is about to get worse
 * ("save before worsening"), which happens far less often than improvements do.
 */
import type { TourStructure } from './tour-structure.ts';

export class BestTour {
  private saved: Int32Array | null = null;
  /** True while the current tour is (one of) the shortest seen, so `saved` may be stale. */
  currentIsBest = true;

  constructor(public length: number) {}

  /** Call after every change of the current tour's length. */
  update(currentLength: number): void {
    if (currentLength < this.length) {
      this.length = currentLength;
      this.currentIsBest = true;
    }
  }

  /** Call with the current tour just before accepting a change that lengthens it. */
  saveBeforeWorsening(tour: TourStructure): void {
    if (!this.currentIsBest) return;
    this.saved ??= new Int32Array(tour.n);
    tour.copyTo(this.saved);
    this.currentIsBest = false;
  }

  /** Puts the best tour back into `tour` if the current one is worse; returns the resulting length. */
  restoreInto(tour: TourStructure): number {
    if (!this.currentIsBest) {
      tour.load(this.saved!);
      this.currentIsBest = true;
    }
    return this.length;
  }
}
