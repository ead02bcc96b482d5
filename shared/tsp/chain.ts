/** What a slice's Markov chain runs with, whichever method drives it (anneal.ts or lsmc.ts). */
import type { ArrayTour } from './arraytour.ts';
import type { BestTour } from './best.ts';
import type { Budget } from './budget.ts';
import type { LocalSearch } from './localsearch.ts';
import type { Rng } from './random.ts';
import type { Temperature } from './schedule.ts';
import type { Instance, NeighbourLists } from './types.ts';

/** What a chain did with its budget. */
export interface ChainStats {
  movesTried: number;
  movesAccepted: number;
  improvements: number;
}

export interface Chain {
  readonly instance: Instance;
  readonly neighbours: NeighbourLists;
  readonly tour: ArrayTour;
  readonly search: LocalSearch;
  readonly temperature: Temperature;
  readonly budget: Budget;
  readonly rng: Rng;
  readonly best: BestTour;
  readonly stats: ChainStats;
}
