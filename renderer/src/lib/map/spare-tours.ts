/** Spare buffers kept: the map worker holds one tour and at most one more is on its way, so two cover the round trip. */
const SPARES_KEPT = 2;

/**
 * Buffers for the copies of the tour the page sends the map's worker, reused as the worker hands back
 * the tours it no longer draws. A fresh 33,810-city Int32Array cost the page's main thread ~1 ms to
 * allocate and fill (the new memory's first touch: 2.8 ms a post in `npm run bench:ui`, against
 * ~5 µs to copy into a buffer already used); a reused one costs the copy alone.
 */
export class SpareTours {
  readonly #spares: Int32Array[] = [];

  /** A copy of `tour` the caller may hand away: in a spare buffer of its length if there is one (spares of other lengths are dropped). */
  copyOf(tour: Int32Array): Int32Array {
    let spare = this.#spares.pop();
    while (spare && spare.length !== tour.length) spare = this.#spares.pop();
    if (!spare) return tour.slice();
    spare.set(tour);
    return spare;
  }

  /** A buffer back from the worker (a detached or surplus one is dropped). */
  give(buffer: Int32Array): void {
    if (buffer.length > 0 && this.#spares.length < SPARES_KEPT) this.#spares.push(buffer);
  }

  get size(): number {
    return this.#spares.length;
  }
}
