/**
 * Deterministic descent with 2-opt and Or-opt over neighbour lists, with don't-look bits (active.ts): a move
 * re-activates the endpoints of every edge it changed.
 *
 * For each city the best move among its candidates is taken. Candidates are pruned by the neighbour-list
 * gain criterion: a new edge (a, c) is only worth trying while it is shorter than the edge it would replace.
 */
import { ActiveDescent } from './active.ts';
import type { TourStructure } from './tour-structure.ts';
import { POLL_SWAPS, type Budget } from './budget.ts';
import { maxSegmentLength, Move } from './moves.ts';
import type { Instance, NeighbourLists } from './types.ts';

/** Cities examined between polls of the budget (unless reversals reach POLL_SWAPS first). */
const POLL_EVERY = 128;

export class LocalSearch extends ActiveDescent {
  private readonly maxSegment: number;

  /** The best move found for the current city. */
  private readonly move = new Move();

  constructor(instance: Instance, neighbours: NeighbourLists, tour: TourStructure) {
    super(instance, neighbours, tour);
    this.maxSegment = maxSegmentLength(instance.n);
  }

  /** See Descent.run; counts applied moves in `this.moves`. */
  run(budget: Budget | null): number {
    let total = 0;
    let sincePoll = 0;
    let pollAtSwaps = this.tour.swaps + POLL_SWAPS;
    const active = this.active;
    while (active.size > 0) {
      if (budget !== null && (++sincePoll === POLL_EVERY || this.tour.swaps >= pollAtSwaps)) {
        sincePoll = 0;
        pollAtSwaps = this.tour.swaps + POLL_SWAPS;
        if (budget.poll()) break;
      }
      const a = active.pop();
      const delta = this.findMove(a);
      if (delta < 0) {
        total += delta;
        this.moves++;
        this.applyMove();
        this.push(a);
      }
      budget?.searched();
    }
    return total;
  }

  /** Finds the best improving move around city a; returns its delta (0 when there is none). */
  private findMove(a: number): number {
    const { dist, nbr, k, tour } = this;
    const base = a * k;
    let best = 0;
    this.move.kind = 'none';

    // 2-opt in both directions: new edges (a, c) and (b, d).
    for (let dir = 0; dir < 2; dir++) {
      const b = dir === 0 ? tour.succ(a) : tour.pred(a);
      const dab = dist(a, b);
      for (let r = 0; r < k; r++) {
        const c = nbr[base + r];
        const dac = dist(a, c);
        if (dac >= dab) break;
        const d = dir === 0 ? tour.succ(c) : tour.pred(c);
        if (c === b || d === a) continue;
        const delta = dac + dist(b, d) - dab - dist(c, d);
        if (delta < best) {
          best = delta;
          this.move.setTwoOpt(a, b, c, d);
        }
      }
    }

    // Or-opt: segments of 1..3 cities that start or end at a, moved next to a neighbour of either end.
    for (let length = 1; length <= this.maxSegment; length++) {
      for (let end = 0; end < (length === 1 ? 1 : 2); end++) {
        let s1 = a;
        let s2 = a;
        for (let i = 1; i < length; i++) {
          if (end === 0) s2 = tour.succ(s2);
          else s1 = tour.pred(s1);
        }
        const p = tour.pred(s1);
        const q = tour.succ(s2);
        const removed = dist(p, s1) + dist(s2, q) - dist(p, q);
        if (removed <= 0) continue;
        best = this.tryInsertions(p, s1, s2, q, removed, s1, best);
        if (length > 1) best = this.tryInsertions(p, s1, s2, q, removed, s2, best);
      }
    }
    return best;
  }

  /**
   * Or-opt insertions that make `end` (s1 or s2) adjacent to one of its neighbours c, on either side of c.
   * Returns the improved best delta, recording the move.
   */
  private tryInsertions(p: number, s1: number, s2: number, q: number, removed: number, end: number, best: number): number {
    const { dist, nbr, k, tour } = this;
    const other = end === s1 ? s2 : s1;
    const base = end * k;
    for (let r = 0; r < k; r++) {
      const c = nbr[base + r];
      const dEndC = dist(end, c);
      if (dEndC >= removed) break;
      if (tour.between(s1, c, s2)) continue;
      // c's two tour edges: (c, succ c) and (pred c, c); the far segment end joins c's other neighbour there.
      for (let side = 0; side < 2; side++) {
        const x = side === 0 ? tour.succ(c) : tour.pred(c);
        if (tour.between(s1, x, s2)) continue;
        const delta = dEndC + dist(other, x) - dist(c, x) - removed;
        if (delta < best) {
          best = delta;
          // As an insertion between e and f = succ(e), where the kept orientation is e s1..s2 f.
          if (side === 0) this.move.setOrOpt(p, s1, s2, q, c, x, end !== s1);
          else this.move.setOrOpt(p, s1, s2, q, x, c, end === s1);
        }
      }
    }
    return best;
  }

  /** Applies the recorded move and activates the endpoints of the edges it changed. */
  private applyMove(): void {
    const move = this.move;
    move.apply(this.tour);
    this.push(move.a);
    this.push(move.b);
    this.push(move.c);
    this.push(move.d);
    if (move.kind === 'or-opt') {
      this.push(move.s1);
      this.push(move.s2);
    }
  }
}
