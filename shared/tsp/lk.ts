/**
 * Lin-Kernighan descent in the form of LKH (Helsgaun, "An effective implementation of the Lin-Kernighan
 * traveling salesman heuristic", 2000), with a sequential 3-opt basic move where LKH uses 5-opt: variable-depth
 * moves chosen by the positive-gain criterion over neighbour lists, with don't-look bits (active.ts).
 *
 * A move starts at a city t1 and one of its tour edges (t1, t2), which it removes. A step then adds (t2, t3) for
 * a candidate t3 of t2, removes (t3, t4) for a tour neighbour t4 of t3, adds (t4, t5) for a candidate t5 of t4
 * and removes (t5, t6), so that closing with (t6, t1) gives a tour: a sequential 3-opt move (or a 2-opt move, when
 * the tour already closes with (t4, t1)). The running gain G (removed minus added lengths, the closing edge
 * aside) must stay positive after every added edge (g_i > 0); the candidate lists are sorted by distance, so the
 * scan of t3 (t5) stops at the first one whose new edge is not shorter than G. Both reconnections of 3-opt are
 * there: with t4 the neighbour that 2-opt closes with, two 2-opt steps in a row (t6 the neighbour of t5 that
 * closes again); with t4 the other neighbour (t2..t3 cut off as a cycle), t5 inside t2..t3 and t6 on either side
 * of t5, which moves t2..t5 behind t6..t3 unreversed (the pure segment exchange, "or-3opt") or both reversed.
 *
 * A step that closes to a shorter tour is applied at once and ends the move (first improvement). Otherwise the
 * step with the largest G is applied tentatively and the search goes on from (t1, t6), up to MAX_DEPTH steps;
 * edges added on the way are never removed again. A move that finds nothing is rolled back. Steps are evaluated
 * without touching the tour (t6 in the 2-opt-then-2-opt case from "is t5 between t2 and t4"), and applied as
 * 2-opt reversals of the tour (tour-structure.ts): a rolled-back step is retracted from the tour's journal too, so large-step
 * Markov chains record the kept moves only. Reversal work is polled inside a move; a stop rolls it back.
 */
import { ActiveDescent } from './active.ts';
import type { TourStructure } from './tour-structure.ts';
import { POLL_SWAPS, type Budget } from './budget.ts';
import { applyThreeOpt, type ThreeOptKind } from './moves.ts';
import type { Instance, NeighbourLists } from './types.ts';

/**
 * Cities tried between polls of the budget (unless reversals reach POLL_SWAPS first): a city costs up to
 * 2 * MAX_DEPTH step evaluations of up to 2k^2 candidates each, far more than a 2-opt + Or-opt look.
 */
const POLL_EVERY = 16;
/** Most 3-opt steps in one move. */
export const MAX_DEPTH = 10;
/** Reversals per move at most: three per step. */
const MAX_STEPS = 3 * MAX_DEPTH;

export class LinKernighan extends ActiveDescent {
  /** Distances to each city's candidates, filled as the scans need them (see CandidateDistances). */
  private readonly candidates: CandidateDistances;

  // The move under construction: its fixed end t1, the reversals applied so far (to retract), the edges it
  // added (never removed again, which bounds the search), and the cities whose tour edges it changed.
  private t1 = 0;
  private readonly stepFrom = new Int32Array(MAX_STEPS);
  private readonly stepTo = new Int32Array(MAX_STEPS);
  private steps = 0;
  private readonly addedFrom = new Int32Array(2 * MAX_DEPTH);
  private readonly addedTo = new Int32Array(2 * MAX_DEPTH);
  private added = 0;
  /** addedIn[c] === attempt when c is an end of an edge added by the current attempt: most checks stop there. */
  private readonly addedIn: Int32Array;
  private attempt = 0;
  private readonly touched = new Int32Array(4 * MAX_DEPTH + 2);
  private touchedCount = 0;

  // The best non-improving step found by bestStep, to continue from.
  private nextKind: ThreeOptKind = 'two-2opt';
  private nextT3 = 0;
  private nextT4 = 0;
  private nextT5 = 0;
  private nextT6 = 0;
  private nextGain = 0;

  private budget: Budget | null = null;
  private pollAtSwaps = 0;
  private stopped = false;

  constructor(instance: Instance, neighbours: NeighbourLists, tour: TourStructure) {
    super(instance, neighbours, tour);
    this.candidates = CandidateDistances.of(instance, neighbours);
    this.addedIn = new Int32Array(instance.n);
  }

  run(budget: Budget | null): number {
    const { active, tour } = this;
    this.budget = budget;
    this.stopped = false;
    this.pollAtSwaps = tour.swaps + POLL_SWAPS;
    let total = 0;
    let sincePoll = 0;
    while (active.size > 0) {
      if (budget !== null && (++sincePoll === POLL_EVERY || tour.swaps >= this.pollAtSwaps)) {
        sincePoll = 0;
        if (this.poll()) break;
      }
      const t1 = active.pop();
      const gain = this.improveFrom(t1);
      if (gain > 0) {
        total -= gain;
        this.moves++;
        for (let i = 0; i < this.touchedCount; i++) active.push(this.touched[i]);
      }
      if (this.stopped) break;
    }
    this.budget = null;
    return total;
  }

  /** Polls the budget (by time and stop request); resets the reversal-work mark. */
  private poll(): boolean {
    this.pollAtSwaps = this.tour.swaps + POLL_SWAPS;
    if (this.budget !== null && this.budget.poll()) this.stopped = true;
    return this.stopped;
  }

  /**
   * Tries a move from t1 over each of its two tour edges; applies the first improving one and returns its gain,
   * with the cities it touched in `touched`. Returns 0 (the tour unchanged) when there is none.
   */
  private improveFrom(t1: number): number {
    const tour = this.tour;
    this.t1 = t1;
    for (let side = 0; side < 2; side++) {
      let t2 = side === 0 ? tour.succ(t1) : tour.pred(t1);
      this.steps = 0;
      this.added = 0;
      if (++this.attempt === 2 ** 30) {
        this.addedIn.fill(0);
        this.attempt = 1;
      }
      this.touchedCount = 0;
      this.touch(t1);
      this.touch(t2);
      let g = this.dist(t1, t2);
      for (let depth = 0; depth < MAX_DEPTH; depth++) {
        const gain = this.bestStep(t2, g);
        if (gain > 0) return gain;
        if (this.nextGain <= 0) break;
        this.applyStep(this.nextKind, t2, this.nextT3, this.nextT4, this.nextT5, this.nextT6);
        t2 = this.nextT6;
        g = this.nextGain;
        if (tour.swaps >= this.pollAtSwaps && this.poll()) break;
      }
      this.retractAll();
      if (this.stopped) return 0;
    }
    return 0;
  }

  /**
   * Evaluates every 3-opt (and 2-opt) step from the open edge (t1, t2) with running gain g. Applies the first
   * one that closes to a shorter tour and returns the move's total gain; otherwise returns 0 and leaves the
   * non-improving step with the largest running gain in next* (nextGain <= 0 when there is none).
   */
  private bestStep(t2: number, g: number): number {
    const { dist, nbr, k, tour, t1 } = this;
    const nbrDist = this.candidates.of(t2);
    const forward = tour.succ(t1) === t2;
    const t2Next = forward ? tour.succ(t2) : tour.pred(t2);
    this.nextGain = 0;
    for (let r = 0; r < k; r++) {
      const t3 = nbr[t2 * k + r];
      const g1 = g - nbrDist[t2 * k + r];
      if (g1 <= 0) break;
      if (t3 === t1 || t3 === t2 || t3 === t2Next) continue;
      for (let far = 0; far < 2; far++) {
        // far = 0: t4 is the neighbour of t3 toward t2, and (t4, t1) closes a 2-opt move.
        const t4 = (far === 1) === forward ? tour.succ(t3) : tour.pred(t3);
        if (t4 === t1 || this.isAdded(t3, t4)) continue;
        const g2 = g1 + dist(t3, t4);
        const t4Dist = this.candidates.of(t4);
        if (far === 0) {
          const closed = g2 - dist(t4, t1);
          if (closed > 0) {
            tour.move2opt(t2, t1, t3, t4);
            this.recordStep();
            this.touch(t3);
            this.touch(t4);
            return closed;
          }
        }
        for (let s = 0; s < k; s++) {
          const t5 = nbr[t4 * k + s];
          const g3 = g2 - t4Dist[t4 * k + s];
          if (g3 <= 0) break;
          if (t5 === t1 || t5 === t3) continue;
          const t5Next = forward ? tour.succ(t5) : tour.pred(t5);
          const t5Prev = forward ? tour.pred(t5) : tour.succ(t5);
          if (far === 0) {
            // After the 2-opt step t2..t4 runs backwards, so t5's neighbour toward the closing side is its
            // original successor inside t2..t4 and its original predecessor outside.
            const t6 = this.between(t2, t5, t4, forward) ? t5Next : t5Prev;
            if (t6 === t4 || this.isAdded(t5, t6)) continue;
            if (this.consider('two-2opt', t2, t3, t4, t5, t6, g3 + dist(t5, t6))) return this.nextGain;
          } else {
            if (!this.between(t2, t5, t3, forward)) continue;
            if (!this.isAdded(t5, t5Next) && this.consider('exchange', t2, t3, t4, t5, t5Next, g3 + dist(t5, t5Next))) return this.nextGain;
            if (t5 !== t2 && !this.isAdded(t5, t5Prev) && this.consider('both-reversed', t2, t3, t4, t5, t5Prev, g3 + dist(t5, t5Prev))) {
              return this.nextGain;
            }
          }
        }
      }
    }
    return 0;
  }

  /**
   * A complete 3-opt step with running gain g4: applies it and returns true when closing it with (t6, t1) gives
   * a shorter tour (its total gain then in nextGain), else keeps it in next* if its g4 is the largest yet.
   */
  private consider(kind: ThreeOptKind, t2: number, t3: number, t4: number, t5: number, t6: number, g4: number): boolean {
    const closed = g4 - this.dist(t6, this.t1);
    if (closed > 0) {
      this.applyStep(kind, t2, t3, t4, t5, t6);
      this.nextGain = closed;
      return true;
    }
    if (g4 > this.nextGain) {
      this.nextKind = kind;
      this.nextT3 = t3;
      this.nextT4 = t4;
      this.nextT5 = t5;
      this.nextT6 = t6;
      this.nextGain = g4;
    }
    return false;
  }

  /** x on the tour path from a to b, walking in the direction of the move (t1 to t2). */
  private between(a: number, x: number, b: number, forward: boolean): boolean {
    const tour = this.tour;
    return forward ? tour.between(a, x, b) : tour.between(b, x, a);
  }

  /** Applies a 3-opt step, recording its reversals, added edges and touched cities. */
  private applyStep(kind: ThreeOptKind, t2: number, t3: number, t4: number, t5: number, t6: number): void {
    applyThreeOpt(this.tour, kind, this.t1, t2, t3, t4, t5, t6, this.recordStep);
    this.addEdge(t2, t3);
    this.addEdge(t4, t5);
    this.touch(t3);
    this.touch(t4);
    this.touch(t5);
    this.touch(t6);
  }

  /** Called after each reversal of the move, to retract it later. */
  private readonly recordStep = (): void => {
    this.stepFrom[this.steps] = this.tour.lastFrom;
    this.stepTo[this.steps] = this.tour.lastTo;
    this.steps++;
  };

  /** Retracts every reversal of the move, newest first. */
  private retractAll(): void {
    while (this.steps > 0) {
      this.steps--;
      this.tour.retract(this.stepFrom[this.steps], this.stepTo[this.steps]);
    }
  }

  private addEdge(a: number, b: number): void {
    this.addedIn[a] = this.attempt;
    this.addedIn[b] = this.attempt;
    this.addedFrom[this.added] = a;
    this.addedTo[this.added] = b;
    this.added++;
  }

  private isAdded(a: number, b: number): boolean {
    if (this.addedIn[a] !== this.attempt || this.addedIn[b] !== this.attempt) return false;
    for (let i = 0; i < this.added; i++) {
      const x = this.addedFrom[i];
      const y = this.addedTo[i];
      if ((x === a && y === b) || (x === b && y === a)) return true;
    }
    return false;
  }

  private touch(c: number): void {
    this.touched[this.touchedCount++] = c;
  }
}

/**
 * dist(c, r-th candidate of c) at [c * k + r], computed for a city the first time a scan needs it (computing all
 * at once would cost a slice on 85,900 cities ~860,000 distances before its first poll), and kept per
 * neighbour-list object, so the slices of a problem share them.
 */
class CandidateDistances {
  private static readonly cache = new WeakMap<NeighbourLists, CandidateDistances>();
  private readonly values: Float64Array;
  private readonly filled: Uint8Array;

  private constructor(
    private readonly instance: Instance,
    private readonly neighbours: NeighbourLists,
  ) {
    this.values = new Float64Array(neighbours.neighbours.length);
    this.filled = new Uint8Array(instance.n);
  }

  static of(instance: Instance, neighbours: NeighbourLists): CandidateDistances {
    let found = CandidateDistances.cache.get(neighbours);
    if (found === undefined || found.instance !== instance) {
      found = new CandidateDistances(instance, neighbours);
      CandidateDistances.cache.set(neighbours, found);
    }
    return found;
  }

  /** The distances array, with city c's entries filled. */
  of(c: number): Float64Array {
    if (this.filled[c] === 0) {
      const { k, neighbours } = this.neighbours;
      for (let i = c * k; i < c * k + k; i++) this.values[i] = this.instance.dist(c, neighbours[i]);
      this.filled[c] = 1;
    }
    return this.values;
  }
}
