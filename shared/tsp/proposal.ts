/**
 * Random moves for annealing, drawn from neighbour lists: a move that joins a city to one of its few nearest
 * cities is far more often useful than a uniformly random one, and its delta is O(1). One proposer is reused
 * for every move (its fields hold the last proposal), so the annealing loop allocates nothing.
 */
import type { TourStructure } from './tour-structure.ts';
import { maxSegmentLength, Move, orOptDelta, twoOptDelta } from './moves.ts';
import type { Rng } from './random.ts';
import type { Instance, NeighbourLists } from './types.ts';

/** Annealing looks at the nearest few only; farther neighbours are rarely accepted at useful temperatures. */
const PROPOSAL_NEIGHBOURS = 8;

export class MoveProposer {
  private readonly dist: (i: number, j: number) => number;
  private readonly nbr: Int32Array;
  private readonly k: number;
  private readonly kUsed: number;
  private readonly maxSegment: number;
  private readonly move = new Move();

  constructor(
    instance: Instance,
    neighbours: NeighbourLists,
    private readonly tour: TourStructure,
  ) {
    this.dist = instance.dist;
    this.nbr = neighbours.neighbours;
    this.k = neighbours.k;
    this.kUsed = Math.min(neighbours.k, PROPOSAL_NEIGHBOURS);
    this.maxSegment = maxSegmentLength(instance.n);
  }

  /**
   * Draws a move and returns its delta; NaN when the draw is degenerate (it would not change the tour),
   * which still counts as a tried move. Half 2-opt, half Or-opt.
   */
  propose(rng: Rng): number {
    const tour = this.tour;
    const kUsed = this.kUsed;
    this.move.kind = 'none';
    if (kUsed === 0) return NaN;
    const r = rng.nextUint32();
    const a = rng.nextInt(tour.n);
    const c = this.nbr[a * this.k + ((r >>> 3) % kUsed)];
    const forward = (r & 2) !== 0;
    if ((r & 1) === 0 || this.maxSegment < 1) {
      const b = forward ? tour.succ(a) : tour.pred(a);
      const d = forward ? tour.succ(c) : tour.pred(c);
      if (c === b || d === a) return NaN;
      this.move.setTwoOpt(a, b, c, d);
      return twoOptDelta(this.dist, a, b, c, d);
    }
    // Or-opt: a is one end of a segment of 1..3 cities; c, one of a's neighbours, becomes a's new neighbour.
    const length = 1 + ((r >>> 16) % this.maxSegment);
    let s1 = a;
    let s2 = a;
    const aIsFirst = (r & 4) !== 0;
    for (let i = 1; i < length; i++) {
      if (aIsFirst) s2 = tour.succ(s2);
      else s1 = tour.pred(s1);
    }
    if (tour.between(s1, c, s2)) return NaN; // c inside the segment
    // The insertion edge is (c, succ c) or (pred c, c); a goes next to c, which fixes the orientation.
    let e: number;
    let f: number;
    if (forward) {
      e = c;
      f = tour.succ(c);
    } else {
      e = tour.pred(c);
      f = c;
    }
    if (tour.between(s1, e, s2) || tour.between(s1, f, s2)) return NaN;
    // Kept orientation puts s1 after e and s2 before f.
    const reversed = forward ? !aIsFirst : aIsFirst;
    const p = tour.pred(s1);
    const q = tour.succ(s2);
    this.move.setOrOpt(p, s1, s2, q, e, f, reversed);
    return orOptDelta(this.dist, p, s1, s2, q, e, f, reversed);
  }

  /** Applies the last proposal (whose delta was not NaN). */
  apply(): void {
    this.move.apply(this.tour);
  }
}
