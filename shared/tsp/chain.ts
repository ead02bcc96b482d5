/** What a slice's Markov chain runs with, whichever method drives it (anneal.ts or lsmc.ts). */
import type { TourStructure } from './tour-structure.ts';
import type { BestTour } from './best.ts';
import type { Budget } from './budget.ts';
import type { Rng } from './random.ts';
import type { Temperature } from './schedule.ts';
import type { Instance, NeighbourLists } from './types.ts';

/** What a chain did with its budget. */
export interface ChainStats {
  movesTried: number;
  movesAccepted: number;
  improvements: number;
}

/**
 * A descent to a local optimum with don't-look bits (localsearch.ts: 2-opt + Or-opt; lk.ts: Lin-Kernighan):
 * what large-step Markov chains kick and repair with, and what a slice polishes with.
 */
export interface Descent {
  /** Improving moves applied since construction. */
  readonly moves: number;
  /** Activates a city (clears its don't-look bit). */
  push(c: number): void;
  /** Activates every city, in tour order. */
  pushAll(): void;
  /** Drops all active cities (after an interrupted search, before seeding a new one). */
  clear(): void;
  /** The active cities, oldest first: after a run the budget stopped, those it had still to search. */
  pending(): Int32Array;
  /**
   * Improves until no active city remains, or the budget stops it (then the tour is valid, just not yet a
   * local optimum). Returns the total change in length (<= 0).
   */
  run(budget: Budget | null): number;
}

export interface Chain {
  readonly instance: Instance;
  readonly neighbours: NeighbourLists;
  readonly tour: TourStructure;
  readonly search: Descent;
  readonly temperature: Temperature;
  readonly budget: Budget;
  readonly rng: Rng;
  readonly best: BestTour;
  readonly stats: ChainStats;
}
