/**
 * The 'population' scheme's state: diverse lineages (chains of slices), each slice continuing its own
 * lineage's tour instead of the run's one best, and partition crossover (shared/tsp/gpx.ts) that merges
 * every returned tour into the run's best. Lineages explore different basins and the crossover keeps the
 * better part of each, so more callees make a better answer, not only a faster one. A lineage that has
 * stopped improving restarts from the best, which its next slice's kicks take somewhere new.
 *
 * The population holds only tours the orchestrator checked (valid permutations, lengths computed here):
 * a lying callee can at most fail to improve the lineages its slices belonged to. A tour that is already
 * in the population (same edges) does not enter it twice, so no callee can fill it with one tour.
 */
import type { CrossoverResult } from '../../shared/tsp/gpx.ts';

/** Lineages at most: one per slot up to this, then slots share lineages (a crowd adds little diversity per slot). */
export const MAX_LINEAGES = 64;
/**
 * Returns without improving its own tour after which a lineage restarts from the run's best (new kicks).
 * Simulated (bench/population.ts, pr1002, 8 slots, 3 seeds): 8 left a mean gap of 0.415 %, 4 0.445 %,
 * 2 0.431 %, restarting after every return (every slice from the best, merged by crossover) 0.474 %, and
 * 'whole' 0.471 %. Lineages that also took the crossover's child as their own tour lost their diversity
 * (0.457 %; 0.549 % without restarts).
 */
export const STALE_RESTART = 8;

/** Crossover of two checked tours: in the event loop for small problems, on a thread for large ones. */
export type Crossover = (a: Int32Array, lengthA: number, b: Int32Array, lengthB: number) => CrossoverResult | Promise<CrossoverResult>;

export interface Elite {
  tour: Int32Array;
  length: number;
}

export interface Lineage {
  readonly id: number;
  /** Null until its first slice (built by the callee, as the run's first wave) comes back. */
  tour: Int32Array | null;
  length: number;
  /** Edge-set hash of the tour (edgeHash), to keep duplicates out. */
  hash: number;
  /** Its slices now out. */
  out: number;
  /** Returns in a row that did not shorten its tour. */
  stale: number;
  /** When a slice of it was last dealt (a counter), so idle lineages take turns. */
  dealt: number;
}

export interface PopulationSummary {
  lineages: number;
  /** The most distinct tours the lineages held at once. */
  distinctTours: number;
  /** Mean edges in which a lineage's tour differs from the best, at the time of asking. */
  diversity: number;
  crossovers: number;
  /** Crossovers whose child became the run's best. */
  crossoverWins: number;
}

export interface PopulationOptions {
  maxLineages?: number;
  staleRestart?: number;
}

export class Population {
  private readonly lineages: Lineage[] = [];
  private deals = 0;
  private readonly maxLineages: number;
  private readonly staleRestart: number;
  /** Crossovers made, and how many of them shortened the run's best. */
  crossovers = 0;
  crossoverWins = 0;
  private mostDistinct = 0;
  /** Edge hashes by tour (tours are never changed in place once checked: see hashOf). */
  private readonly hashes = new WeakMap<Int32Array, number>();

  constructor(
    private readonly cross: Crossover,
    /** The run's best (the population's elite) and how to offer it a shorter tour. */
    private readonly elite: { get: () => Elite | null; offer: (tour: Int32Array, length: number) => void },
    options: PopulationOptions = {},
  ) {
    this.maxLineages = options.maxLineages ?? MAX_LINEAGES;
    this.staleRestart = options.staleRestart ?? STALE_RESTART;
  }

  get size(): number {
    return this.lineages.length;
  }

  /**
   * The lineage the next slice continues: an idle one (the one dealt longest ago), else a new one while
   * under the cap, else the one with the fewest slices out. The caller sends lineage.tour (or, while it
   * is null, lets the callee build a start as the run's first wave does) and calls returned() or lost().
   */
  next(): Lineage {
    let pick: Lineage | undefined;
    for (const lineage of this.lineages) {
      if (lineage.out > 0) continue;
      if (!pick || lineage.dealt < pick.dealt) pick = lineage;
    }
    if (!pick && this.lineages.length < this.maxLineages) {
      const elite = this.elite.get();
      // A new lineage while others run starts from the best (its own seed's kicks make it differ).
      pick = { id: this.lineages.length, tour: elite?.tour ?? null, length: elite?.length ?? Infinity, hash: 0, out: 0, stale: 0, dealt: 0 };
      if (elite) pick.hash = this.hashOf(elite.tour);
      this.lineages.push(pick);
    }
    if (!pick) pick = this.lineages.reduce((a, b) => (b.out < a.out || (b.out === a.out && b.dealt < a.dealt) ? b : a));
    pick.out++;
    pick.dealt = ++this.deals;
    return pick;
  }

  /** A slice of the lineage failed or was discarded: nothing changes but its count. */
  lost(lineage: Lineage): void {
    lineage.out = Math.max(0, lineage.out - 1);
  }

  /**
   * A slice of the lineage came back: `tour` checked by the caller with its computed `length`, or null
   * when the callee found nothing shorter than what it was sent. The lineage keeps the shorter tour;
   * the crossover of the lineage with the run's best may shorten the best. A lineage stale for
   * STALE_RESTART returns restarts from the best.
   */
  returned(lineage: Lineage, tour: Int32Array | null, length: number): void {
    this.lost(lineage);
    const fresh = tour !== null && length < lineage.length && !this.holds(tour, lineage);
    if (fresh) {
      lineage.tour = tour;
      lineage.length = length;
      lineage.hash = this.hashOf(tour);
      lineage.stale = 0;
    } else lineage.stale++;
    const elite = this.elite.get();
    if (!lineage.tour) return;
    if (!elite || lineage.length < elite.length) this.elite.offer(lineage.tour, lineage.length);
    // Crossed with the best as it was: the child is at least as short as both.
    if (fresh && elite && lineage.hash !== this.hashOf(elite.tour)) this.recombine(lineage, elite);
    if (lineage.stale >= this.staleRestart) this.restart(lineage);
    this.countDistinct();
  }

  /** Mean number of edges in which the lineages' tours differ from the best: 0 when they all are the best. */
  diversity(distance: (a: Int32Array, b: Int32Array) => number): number {
    const elite = this.elite.get();
    const tours = this.lineages.filter((lineage) => lineage.tour !== null);
    if (!elite || tours.length === 0) return 0;
    return tours.reduce((sum, lineage) => sum + distance(lineage.tour!, elite.tour), 0) / tours.length;
  }

  /** Linear in n times the lineages (the diversity): for tests and benchmarks, not for every slice. */
  summary(distance: (a: Int32Array, b: Int32Array) => number): PopulationSummary {
    return {
      lineages: this.lineages.length,
      distinctTours: this.mostDistinct,
      diversity: this.diversity(distance),
      crossovers: this.crossovers,
      crossoverWins: this.crossoverWins,
    };
  }

  /** Distinct tours among the lineages (by edge hash), counted after each return; the most seen. */
  private countDistinct(): void {
    const hashes = new Set<number>();
    for (const lineage of this.lineages) if (lineage.tour) hashes.add(lineage.hash);
    this.mostDistinct = Math.max(this.mostDistinct, hashes.size);
  }

  /**
   * The child of the lineage and the best goes to the run's best when shorter; the lineage keeps its own
   * tour (taking the child too made all lineages alike: see STALE_RESTART).
   */
  private recombine(lineage: Lineage, elite: Elite): void {
    const apply = (child: CrossoverResult): void => {
      this.crossovers++;
      const best = this.elite.get();
      if (best && child.length < best.length) {
        this.crossoverWins++;
        this.elite.offer(child.tour, child.length);
      }
    };
    const child = this.cross(lineage.tour!, lineage.length, elite.tour, elite.length);
    if (child instanceof Promise) child.then(apply, () => undefined);
    else apply(child);
  }

  /** The lineage starts again from the best; its next slice's seed kicks it elsewhere. */
  private restart(lineage: Lineage): void {
    const elite = this.elite.get();
    if (!elite) return;
    lineage.tour = elite.tour;
    lineage.length = elite.length;
    lineage.hash = this.hashOf(elite.tour);
    lineage.stale = 0;
  }

  /** A tour's edge hash, computed once per tour (the best and a returned tour are asked for it several times; each is O(n)). */
  private hashOf(tour: Int32Array): number {
    let hash = this.hashes.get(tour);
    if (hash === undefined) this.hashes.set(tour, (hash = edgeHash(tour)));
    return hash;
  }

  /** Whether another lineage already holds this tour (same edges). */
  private holds(tour: Int32Array, except: Lineage): boolean {
    const hash = this.hashOf(tour);
    return this.lineages.some((lineage) => lineage !== except && lineage.tour !== null && lineage.hash === hash);
  }
}

/**
 * A hash of the tour's edge set, the same for every rotation and direction of the same tour: a sum of
 * mixed 32-bit hashes of its edges (u < v), so order does not matter.
 */
export function edgeHash(tour: Int32Array): number {
  const n = tour.length;
  let sum = 0;
  for (let p = 0; p < n; p++) {
    const a = tour[p];
    const b = tour[p + 1 === n ? 0 : p + 1];
    let h = Math.imul(Math.min(a, b), 0x9e3779b1) ^ Math.imul(Math.max(a, b) + 0x7f4a7c15, 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    h ^= h >>> 12;
    sum = (sum + h) | 0;
  }
  return sum >>> 0;
}
