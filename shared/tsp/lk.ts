/**
 * Lin-Kernighan descent in the form of LKH (Helsgaun, "An effective implementation of the Lin-Kernighan
 * traveling salesman heuristic", 2000; "General k-opt submoves for the Lin-Kernighan TSP heuristic", 2009):
 * variable-depth moves built from sequential k-opt steps (k = the move type, 2..5; see defaultMoveType), chosen
 * by the positive-gain criterion over neighbour lists, with don't-look bits (active.ts).
 *
 * A move starts at a city t1 and one of its tour edges (t1, t2), which it removes. A step then adds (t2, t3) for a
 * candidate t3 of t2, removes (t3, t4) for either tour neighbour t4 of t3, adds (t4, t5) for a candidate t5 of t4,
 * and so on up to t[2k]; closing with (t[2k], t1) must give a tour, which kopt.ts tests (sort the removed edges by
 * tour position, walk the segments). The running gain G (removed minus added lengths, the closing edge aside) must
 * stay positive after every added edge (g_i > 0); the candidate lists are sorted by distance, so each scan stops at
 * the first candidate whose edge is not shorter than G. Added edges are never tour edges, and no edge is removed
 * or added twice within a move.
 *
 * At every level (t4, t6, ...) a feasible closing that gives a shorter tour is applied at once and ends the move
 * (first improvement). Otherwise the feasible k-opt step with the largest G is applied tentatively and the search
 * goes on from (t1, t[2k]), up to MAX_DEPTH steps; edges added on the way are never removed again. A move that
 * finds nothing is rolled back. Steps are evaluated without touching the tour and applied as 2-opt moves of the
 * tour (tour-structure.ts; at most k per step, the fewest that do it): a rolled-back step is retracted from the
 * tour's journal too, so large-step Markov chains record the kept moves only. Reversal work is polled inside a
 * move; a stop rolls it back.
 *
 * Move type 3 searches the same steps by a case analysis of its three reconnections (bestThreeOptStep, applied by
 * moves.ts) instead of the general feasibility test: it ran at twice the kicks per second of the general search
 * with k = 3.
 */
import { ActiveDescent } from './active.ts';
import { POLL_SWAPS, type Budget } from './budget.ts';
import { KOptMove, MAX_K } from './kopt.ts';
import { applyThreeOpt, type ThreeOptKind } from './moves.ts';
import type { TourStructure } from './tour-structure.ts';
import type { Instance, NeighbourLists } from './types.ts';

/**
 * Cities tried between polls of the budget (unless reversals reach POLL_SWAPS first), by move type: a city costs up
 * to 2 * MAX_DEPTH step evaluations of up to (2 * candidates)^(k-1) branches each, far more than a 2-opt + Or-opt
 * look, and with k >= 4 more than a clock read, so those poll after every city.
 */
const POLL_EVERY: Record<MoveType, number> = { 2: 16, 3: 16, 4: 1, 5: 1 };
/** Most k-opt steps in one move. */
export const MAX_DEPTH = 10;
/** Reversals per move at most: k per step. */
const MAX_STEPS = MAX_K * MAX_DEPTH;

/** The k of the sequential basic step (LKH's MOVE_TYPE). */
export type MoveType = 2 | 3 | 4 | 5;
export const MOVE_TYPES: readonly MoveType[] = [2, 3, 4, 5];
/**
 * The default move type for n cities, chosen by bench/solver.ts (docs/benchmarks.md, "Basic step"): 5-opt steps
 * ended closer on usa13509 and d18512 at 30 and 60 s, 3-opt steps on pr2392 (fnl4461: even), so 5 from 10,000
 * cities on (where the 16-core goal is set against LKH-3) and 3 below.
 */
export function defaultMoveType(n: number): MoveType {
  return n >= 10_000 ? 5 : 3;
}

/** The move type, if it is one; throws a RangeError naming the valid ones otherwise. */
export function checkMoveType(value: unknown): MoveType {
  if (!MOVE_TYPES.includes(value as MoveType)) throw new RangeError(`unknown move type ${String(value)}: expected ${MOVE_TYPES.join(', ')}`);
  return value as MoveType;
}

export interface LinKernighanOptions {
  /** The k of each step's sequential k-opt move, 2 to 5 (default defaultMoveType(n)). */
  moveType?: MoveType;
}

export class LinKernighan extends ActiveDescent {
  /** Distances to each city's candidates, filled as the scans need them (see CandidateDistances). */
  private readonly candidates: CandidateDistances;
  private readonly moveType: MoveType;
  /** The step under evaluation, t[1..2k] (t[1] is the move's fixed end), and its feasibility test. */
  private readonly step = new KOptMove();

  // The move under construction: the reversals applied so far (to retract), the edges it added (never removed
  // again, which bounds the search), and the cities whose tour edges it changed.
  private readonly stepFrom = new Int32Array(MAX_STEPS);
  private readonly stepTo = new Int32Array(MAX_STEPS);
  private steps = 0;
  private readonly addedFrom = new Int32Array((MAX_K - 1) * MAX_DEPTH);
  private readonly addedTo = new Int32Array((MAX_K - 1) * MAX_DEPTH);
  private added = 0;
  /** addedIn[c] === attempt when c is an end of an edge added by the current attempt: most checks stop there. */
  private readonly addedIn: Int32Array;
  private attempt = 0;
  private readonly touched = new Int32Array((2 * MAX_K - 2) * MAX_DEPTH + 2);
  private touchedCount = 0;

  // The best non-improving step found, to continue from: its t[1..2k], running gain, and for 3-opt its kind.
  private readonly nextT = new Int32Array(2 * MAX_K + 1);
  private nextGain = 0;
  private nextKind: ThreeOptKind = 'two-2opt';

  private budget: Budget | null = null;
  private pollAtSwaps = 0;
  private stopped = false;

  constructor(instance: Instance, neighbours: NeighbourLists, tour: TourStructure, options: LinKernighanOptions = {}) {
    super(instance, neighbours, tour);
    this.moveType = checkMoveType(options.moveType ?? defaultMoveType(instance.n));
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
    const pollEvery = POLL_EVERY[this.moveType];
    while (active.size > 0) {
      if (budget !== null && (++sincePoll === pollEvery || tour.swaps >= this.pollAtSwaps)) {
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
      if (this.stopped) {
        // Its search was cut short: still to do (pending()), should the descent be resumed.
        active.push(t1);
        break;
      }
      budget?.searched();
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
    const t = this.step.t;
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
        t[1] = t1;
        t[2] = t2;
        this.nextGain = 0;
        // The tour may have changed since the last test (a step applied, a move retracted, a kick): KOptMove's contract.
        this.step.reset();
        const gain = this.moveType === 3 ? this.bestThreeOptStep(t2, g) : this.extend(1, g);
        if (gain > 0) return gain;
        if (this.nextGain <= 0) break;
        t.set(this.nextT);
        if (this.moveType === 3) this.applyThreeOptStep(this.nextKind, t[2], t[3], t[4], t[5], t[6]);
        else this.applyStep(this.moveType);
        t2 = t[2 * this.moveType];
        g = this.nextGain;
        if (tour.swaps >= this.pollAtSwaps && this.poll()) break;
      }
      this.retractAll();
      if (this.stopped) return 0;
    }
    return 0;
  }

  /**
   * Move type 3, evaluated case by case rather than by extend's general feasibility test (twice the kicks per
   * second, docs/benchmarks.md): every 3-opt (and 2-opt) step from the open edge (t1, t2) with running gain g.
   * Applies the first one that closes to a shorter tour and returns the move's total gain; otherwise returns 0
   * and leaves the non-improving step with the largest running gain in next*. The reconnections, by where t4
   * lies: with t4 the neighbour that 2-opt closes with, two 2-opt steps in a row (t6 the neighbour of t5 that
   * closes again); with t4 the other neighbour (t2..t3 cut off as a cycle), t5 inside t2..t3 and t6 on either
   * side of t5, which moves t2..t5 behind t6..t3 unreversed (the pure segment exchange) or both reversed.
   */
  private bestThreeOptStep(t2: number, g: number): number {
    const { dist, nbr, k, tour } = this;
    const t1 = this.step.t[1];
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
            if (this.considerThreeOpt('two-2opt', t2, t3, t4, t5, t6, g3 + dist(t5, t6))) return this.nextGain;
          } else {
            if (!this.between(t2, t5, t3, forward)) continue;
            if (!this.isAdded(t5, t5Next) && this.considerThreeOpt('exchange', t2, t3, t4, t5, t5Next, g3 + dist(t5, t5Next))) return this.nextGain;
            if (t5 !== t2 && !this.isAdded(t5, t5Prev) && this.considerThreeOpt('both-reversed', t2, t3, t4, t5, t5Prev, g3 + dist(t5, t5Prev))) {
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
  private considerThreeOpt(kind: ThreeOptKind, t2: number, t3: number, t4: number, t5: number, t6: number, g4: number): boolean {
    const closed = g4 - this.dist(t6, this.step.t[1]);
    if (closed > 0) {
      this.applyThreeOptStep(kind, t2, t3, t4, t5, t6);
      this.nextGain = closed;
      return true;
    }
    if (g4 > this.nextGain) {
      const next = this.nextT;
      next[1] = this.step.t[1];
      next[2] = t2;
      next[3] = t3;
      next[4] = t4;
      next[5] = t5;
      next[6] = t6;
      this.nextKind = kind;
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
  private applyThreeOptStep(kind: ThreeOptKind, t2: number, t3: number, t4: number, t5: number, t6: number): void {
    applyThreeOpt(this.tour, kind, this.step.t[1], t2, t3, t4, t5, t6, this.recordStep);
    this.addEdge(t2, t3);
    this.addEdge(t4, t5);
    this.touch(t3);
    this.touch(t4);
    this.touch(t5);
    this.touch(t6);
  }

  /**
   * Extends the step t[1..2i] (running gain g, its removed edges' lengths less its added ones) by every t[2i+1],
   * t[2i+2] the gain criterion allows. Applies the first feasible closing that gives a shorter tour and returns the
   * move's total gain; otherwise returns 0, keeping in next* the feasible full step with the largest running gain.
   */
  private extend(i: number, g: number): number {
    const { dist, nbr, k, tour, step, moveType } = this;
    const t = step.t;
    const t1 = t[1];
    const from = t[2 * i];
    const fromDist = this.candidates.of(from);
    const fromSucc = tour.succ(from);
    const fromPred = tour.pred(from);
    const level = i + 1;
    for (let r = 0; r < k; r++) {
      const t3 = nbr[from * k + r];
      const g1 = g - fromDist[from * k + r];
      if (g1 <= 0) break;
      if (t3 === t1 || t3 === fromSucc || t3 === fromPred || this.addedInStep(from, t3, i)) continue;
      for (let side = 0; side < 2; side++) {
        const t4 = side === 0 ? tour.succ(t3) : tour.pred(t3);
        if (t4 === t1) continue;
        // At the last level most (t3, t4) fail the gain test, which costs less than the edge checks: those come after.
        const last = level === moveType;
        if (!last && (this.removedInStep(t3, t4, i) || this.isAdded(t3, t4))) continue;
        const g2 = g1 + dist(t3, t4);
        t[2 * level - 1] = t3;
        t[2 * level] = t4;
        const closed = g2 - dist(t4, t1);
        if (last) {
          if ((closed > 0 || g2 > this.nextGain) && !this.removedInStep(t3, t4, i) && !this.isAdded(t3, t4) && step.feasible(tour, level)) {
            if (closed > 0) {
              this.applyStep(level);
              return closed;
            }
            this.nextT.set(t);
            this.nextGain = g2;
          }
        } else {
          if (closed > 0 && step.feasible(tour, level)) {
            this.applyStep(level);
            return closed;
          }
          const gain = this.extend(level, g2);
          if (gain > 0) return gain;
        }
      }
    }
    return 0;
  }

  /** Whether (a, b) is one of the step's added edges y_1..y_(i-1). */
  private addedInStep(a: number, b: number, i: number): boolean {
    const t = this.step.t;
    for (let j = 1; j < i; j++) {
      const x = t[2 * j];
      const y = t[2 * j + 1];
      if ((x === a && y === b) || (x === b && y === a)) return true;
    }
    return false;
  }

  /** Whether (a, b) is one of the step's removed edges x_1..x_i. */
  private removedInStep(a: number, b: number, i: number): boolean {
    const t = this.step.t;
    for (let j = 1; j <= i; j++) {
      const x = t[2 * j - 1];
      const y = t[2 * j];
      if ((x === a && y === b) || (x === b && y === a)) return true;
    }
    return false;
  }

  /** Applies the feasible step t[1..2k], recording its reversals, added edges and touched cities. */
  private applyStep(k: number): void {
    const t = this.step.t;
    this.step.apply(this.tour, k, this.recordStep);
    for (let j = 1; j < k; j++) this.addEdge(t[2 * j], t[2 * j + 1]);
    for (let j = 3; j <= 2 * k; j++) this.touch(t[j]);
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
