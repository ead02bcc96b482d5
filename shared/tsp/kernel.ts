/**
 * The unit of work the orchestrator distributes: one slice of an annealing run. A slice starts from a tour and
 * a temperature range, runs until its budget ends, and returns a fresh tour to start the next slice from, so a
 * run of N moves is any number of slices of N / k moves. With a moves budget the output is a pure function of
 * the input (same input and seed, same tour, in Node and in browsers); with an ms budget it depends on how fast
 * the machine was, so only its validity and quality are reproducible.
 */
import { anneal } from './anneal.ts';
import { ArrayTour } from './arraytour.ts';
import { BestTour } from './best.ts';
import { Budget, type SliceBudget, type SliceControl } from './budget.ts';
import type { Chain, ChainStats } from './chain.ts';
import { tourLength } from './instance.ts';
import { checkMoveType, defaultMoveType, LinKernighan, type MoveType } from './lk.ts';
import { LocalSearch } from './localsearch.ts';
import { lsmc } from './lsmc.ts';
import { Rng } from './random.ts';
import type { Temperature } from './schedule.ts';
import type { TourStructure } from './tour-structure.ts';
import { TwoLevelTour } from './twolevel.ts';
import type { Instance, NeighbourLists, Tour } from './types.ts';

export type { SliceBudget, SliceControl } from './budget.ts';
export type { Temperature } from './schedule.ts';

/**
 * 'anneal': simulated annealing over 2-opt and Or-opt moves (a move is one proposal).
 * 'lsmc': large-step Markov chain, annealing over 2-opt + Or-opt local optima (a move is one kick + descent).
 * 'lk': the same chain over Lin-Kernighan local optima (lk.ts: variable-depth moves of sequential k-opt steps).
 * The chains always start with a full descent from the input tour, which no move is counted for: a slice with
 * `budget: { moves: 0 }` and method 'lsmc' or 'lk' is a plain local search.
 */
export type Method = 'anneal' | 'lsmc' | 'lk';

/** Every method, for validating names that come from the wire or the command line. */
export const METHODS: readonly Method[] = ['anneal', 'lsmc', 'lk'];

export function isMethod(value: unknown): value is Method {
  return METHODS.includes(value as Method);
}

/**
 * Chosen by bench/solver.ts (docs/benchmarks.md, "Solver"), one thread from the greedy tour, mean of seeds 1-3,
 * both methods in one run: over rat783, pr1002, pr2392, fnl4461, usa13509 and pla85900 'lk' ended at a mean gap
 * of 1.08% / 0.74% / 0.30% at 1 / 5 / 30 s against 'lsmc''s 2.44% / 1.47% / 0.69%, better in all 18 cells, with
 * 5-30x fewer kicks per second. (Earlier, over eil51..pla85900, 'lsmc' had beaten 'anneal' 0.73% / 0.34% /
 * 0.20% to 1.56% / 1.14% / 0.63%.)
 */
export const DEFAULT_METHOD: Method = 'lk';

/**
 * An 'lk' slice with 3-opt steps that starts with a full descent (no `descended`) on this many cities or more holds
 * its tour in a two-level doubly-linked list (twolevel.ts), every other slice in an array (arraytour.ts). Measured by
 * bench/tour.ts (docs/benchmarks.md, "Tour structures"): the list pays off only where reversals are long and steps
 * cheap, in a 3-opt descent from a constructed tour on a large instance (pla85900: 1.9x the array's moves/s;
 * d18512: 0.8x). With 5-opt steps (the default from 10,000 cities) step evaluation outweighs reversals and the array
 * won that descent too (pla85900 0.85x); kicks on a local optimum reverse short paths, and there the array's cheaper
 * succ/pred/between won at every size measured (0.4-0.9x for the list up to 85,900 cities), as did annealing's.
 */
export const TWO_LEVEL_FROM = 40_000;

/** The structure a slice's tour lives in: see TWO_LEVEL_FROM. */
export function tourStructureFor(tour: Tour, threeOptDescentFirst: boolean): TourStructure {
  return threeOptDescentFirst && tour.length >= TWO_LEVEL_FROM ? new TwoLevelTour(tour) : new ArrayTour(tour);
}

/** A slice's stop request and clock, and for benchmarks and tests the structure that holds its tour. */
export interface SliceOptions extends SliceControl {
  /** Builds the slice's tour structure (tourStructureFor by default). */
  makeTour?: (tour: Tour) => TourStructure;
}

export interface SliceInput {
  tour: Tour;
  /** Geometric cooling from start to end within the slice; 0 is pure descent (see schedule.ts). */
  temperature: Temperature;
  budget: SliceBudget;
  seed: number;
  method?: Method;
  /** The k of Lin-Kernighan's sequential basic step, 2 to 5 (method 'lk' only; default lk.ts's defaultMoveType(n)). */
  moveType?: MoveType;
  /**
   * The tour is a local optimum of this method already (a previous slice's answer, stats.descended): the
   * chain skips its first full descent, which over an LK optimum costs a slice 170 ms on pr2392 and 730 ms on
   * usa13509 for nothing. Only a hint: a tour that is not one is still improved by the kicks' descents.
   */
  descended?: boolean;
  /**
   * A previous slice's first descent of this tour was stopped by its budget with these cities still to search (its
   * output's `pending`): this slice's first descent ('lsmc', 'lk') resumes from them (lsmc.ts, ChainStart.pending).
   * Ignored with `descended`. Every city in the instance's range; a city named twice is searched once.
   */
  pending?: Int32Array;
  /** Finish with a full descent (Lin-Kernighan for 'lk', else 2-opt + Or-opt), within the same budget (see annealSlice). */
  polish?: boolean;
}

export interface SliceStats extends ChainStats {
  /** Improving moves made by the polish. */
  polishMoves: number;
  elapsedMs: number;
  startLength: number;
  /** The answer's tour is a local optimum of the method ('lsmc', 'lk'): its first descent ran to the end, or was skipped as descended. */
  descended: boolean;
}

export interface SliceOutput {
  /** The best tour the slice saw (after the polish), a fresh permutation. */
  tour: Int32Array;
  length: number;
  method: Method;
  stats: SliceStats;
  /** The budget stopped the first descent ('lsmc', 'lk'): the cities it had still to search in `tour`, for the next slice's `pending`. */
  pending?: Int32Array;
}

/**
 * Runs one slice. The polish shares the budget's clock and stop request (not its move count): with an ms
 * budget the chain uses all of it, so polish in a separate final slice with `budget: { moves: 0 }`.
 * Tours of 3 cities or fewer have nothing to optimise and come back unchanged.
 */
export function annealSlice(instance: Instance, neighbours: NeighbourLists, input: SliceInput, control: SliceOptions = {}): SliceOutput {
  const budget = new Budget(input.budget, control);
  checkPermutation(input.tour, instance.n);
  const method = input.method ?? DEFAULT_METHOD;
  if (!isMethod(method)) throw new RangeError(`unknown method ${String(method)}: expected ${METHODS.join(', ')}`);
  const moveType = checkMoveType(input.moveType ?? defaultMoveType(instance.n));
  const startLength = tourLength(instance, input.tour);
  const startDescended = input.descended === true && method !== 'anneal';
  if (input.pending) checkCities(input.pending, instance.n);
  const threeOptDescentFirst = method === 'lk' && !startDescended && moveType === 3;
  const tour = control.makeTour ? control.makeTour(input.tour) : tourStructureFor(input.tour, threeOptDescentFirst);
  const stats: SliceStats = { movesTried: 0, movesAccepted: 0, improvements: 0, polishMoves: 0, elapsedMs: 0, startLength, descended: false };
  let length = startLength;
  let pending: Int32Array | null = null;
  if (instance.n > 3) {
    const best = new BestTour(startLength);
    const search = method === 'lk' ? new LinKernighan(instance, neighbours, tour, { moveType }) : new LocalSearch(instance, neighbours, tour);
    const chain: Chain = { instance, neighbours, tour, search, temperature: input.temperature, budget, rng: new Rng(input.seed), best, stats };
    if (method === 'anneal') length = anneal(chain, length);
    else {
      const end = lsmc(chain, length, { descended: startDescended, pending: input.pending });
      length = end.length;
      stats.descended = end.bestDescended;
      pending = end.pending;
    }
    best.update(length);
    length = best.restoreInto(tour);
    if (input.polish && !budget.stopped) {
      search.clear();
      search.pushAll();
      const before = search.moves;
      length += search.run(budget);
      stats.polishMoves = search.moves - before;
      if (!budget.stopped && method !== 'anneal') stats.descended = true;
    }
  }
  budget.poll();
  stats.elapsedMs = budget.elapsedMs;
  const output: SliceOutput = { tour: tour.toTour(), length, method, stats };
  // A polish that ran to the end finished the descent; the pending cities were about the tour before it.
  if (pending && !stats.descended) output.pending = pending;
  return output;
}

function checkCities(cities: Int32Array, n: number): void {
  for (let i = 0; i < cities.length; i++) {
    const c = cities[i];
    if (!(c >= 0 && c < n)) throw new RangeError(`pending cities: ${c} at ${i} is no city of 0..${n - 1}`);
  }
}

function checkPermutation(tour: Tour, n: number): void {
  if (tour.length !== n) throw new RangeError(`tour has ${tour.length} cities, the instance ${n}`);
  const seen = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const c = tour[p];
    if (!(c >= 0 && c < n) || seen[c]) throw new RangeError(`tour is not a permutation of 0..${n - 1} (position ${p}: ${c})`);
    seen[c] = 1;
  }
}
