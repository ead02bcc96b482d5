/**
 * Rounds of segment slices: the tour is cut into one stretch per available slot at a random offset
 * (so the fixed stretch ends move from round to round), each stretch is optimised with its ends fixed
 * on some callee, and every improved stretch is spliced back. Stretches are disjoint, so splices
 * never conflict and the improvements of all callees add up.
 */
import { pathLength, type Segment } from '../../shared/compute/segment.ts';
import type { Instance } from '../../shared/tsp/types.ts';

/** Below this many cities a stretch is too short to be worth a slice; whole-tour slices are used. */
const MIN_SEGMENT_CITIES = 1500;

export class SegmentRounds {
  private outstanding = 0;
  /** Whether every stretch of the round came back a local optimum so far (see roundDescended). */
  private descended = false;
  /** Stamps cities of the stretch being checked (cheap set membership without allocation). */
  private readonly stamp: Int32Array;
  private stampValue = 0;

  constructor(
    private readonly instance: Instance,
    private readonly random: () => number = Math.random,
  ) {
    this.stamp = new Int32Array(instance.n);
  }

  /** Whether a new round may start (the previous one has fully come back). */
  get idle(): boolean {
    return this.outstanding === 0;
  }

  /**
   * Whether the round has fully come back with every stretch a local optimum of the run's method: then the whole
   * tour is one (but for the edges between stretches, which the next round's offset moves inside a stretch), and
   * the next round's slices may skip their first descent.
   */
  get roundDescended(): boolean {
    return this.idle && this.descended;
  }

  /** The stretches of a new round for `slots` parallel slices, or [] when the tour is too small to cut. */
  startRound(slots: number): Segment[] {
    const n = this.instance.n;
    const count = Math.min(slots, Math.floor(n / MIN_SEGMENT_CITIES));
    if (count < 2) return [];
    const offset = Math.floor(this.random() * n);
    const segments: Segment[] = [];
    for (let i = 0; i < count; i++) {
      const from = Math.floor((i * n) / count);
      const to = Math.floor(((i + 1) * n) / count);
      // Adjacent stretches share no city: each ends one position before the next begins, so the edge
      // between them stays as it is this round.
      segments.push({ start: (offset + from) % n, length: to - from });
    }
    this.outstanding = segments.length;
    this.descended = segments.length > 0;
    return segments;
  }

  /** A stretch's slice ended without a usable result (failed or discarded). */
  abandon(): void {
    this.outstanding = Math.max(0, this.outstanding - 1);
    this.descended = false;
  }

  /**
   * Splices `path` into `tour` at `segment` if it is the same stretch (same cities, same ends) and shorter.
   * `descended`: the callee answered the stretch as a local optimum (see roundDescended); a refused stretch
   * leaves the tour's own stretch unexamined, so it never counts as one.
   * Returns the change in tour length (negative when improved, 0 when not spliced).
   */
  splice(tour: Int32Array, segment: Segment, path: Int32Array, descended = false): number {
    this.outstanding = Math.max(0, this.outstanding - 1);
    const current = this.sameStretch(tour, segment, path);
    if (!descended || current === null) this.descended = false;
    if (current === null) return 0;
    const delta = pathLength(this.instance, path) - pathLength(this.instance, current);
    if (delta >= 0) return 0;
    const n = tour.length;
    for (let i = 0; i < path.length; i++) tour[(segment.start + i) % n] = path[i];
    return delta;
  }

  /** The tour's stretch at `segment` when `path` visits the same cities between the same ends, else null. */
  private sameStretch(tour: Int32Array, segment: Segment, path: Int32Array): Int32Array | null {
    const n = tour.length;
    const m = segment.length;
    if (path.length !== m) return null;
    const current = new Int32Array(m);
    this.stampValue++;
    for (let i = 0; i < m; i++) {
      current[i] = tour[(segment.start + i) % n];
      this.stamp[current[i]] = this.stampValue;
    }
    if (path[0] !== current[0] || path[m - 1] !== current[m - 1]) return null;
    for (let i = 0; i < m; i++) {
      const city = path[i];
      if (city < 0 || city >= n || this.stamp[city] !== this.stampValue) return null;
      this.stamp[city] = 0; // each city once
    }
    return current;
  }
}
