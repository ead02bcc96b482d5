/**
 * Large-step Markov chains (Martin, Otto and Felten, 1991): annealing over local optima. Each step kicks the
 * current local optimum with a double bridge, descends again with 2-opt + Or-opt, and accepts the new local
 * optimum by the Metropolis rule at temperature T against the current one (T = 0: iterated local search that
 * accepts ties). A rejected step is undone from the tour's journal of reversals.
 *
 * The double bridge is segment-local: its three cut segments are short and adjacent, so the kick changes four
 * edges within a few hundred positions and the local search, seeded with only the kick's eight endpoints, repairs
 * it in time independent of n. (A double bridge with random cut points over the whole tour forces O(n)
 * reversals and a global search; the local variant keeps a step at microseconds on any size.)
 */
import type { TourStructure } from './tour-structure.ts';
import { POLL_SWAPS } from './budget.ts';
import type { Chain, Descent } from './chain.ts';
import type { Rng } from './random.ts';
import { temperatureAt } from './schedule.ts';
import type { Instance } from './types.ts';

/**
 * Longest of the kick's three segments, in cities. Measured (100,000 kicks, 6 seeds, rat783 and pr1002):
 * 30 and 50 left pr1002 at 0.52% on average, 100 at 0.36%, for about the same time per kick.
 */
const KICK_SEGMENT = 100;

/** Where a chain ended: the current length, and whether the chain's best tour is a local optimum. */
export interface ChainEnd {
  length: number;
  bestDescended: boolean;
  /** The budget stopped the first descent: the cities it had still to search, oldest first (see ChainStart.pending). */
  pending: Int32Array | null;
}

/** How a chain's tour starts out: a local optimum already, or with part of its first descent done. */
export interface ChainStart {
  /** The tour is a local optimum (a previous slice's answer): no first descent. */
  descended?: boolean;
  /**
   * A previous slice's first descent of this tour was stopped by its budget with these cities still to search
   * (its ChainEnd.pending): the first descent resumes from them instead of searching every city again. Without
   * it, a slice whose budget is shorter than one pass over the tour (a slow thread on a large problem) starts
   * every descent over and never gets past the cities at the head of the tour.
   */
  pending?: Int32Array;
}

/**
 * Descends from `tour` to a local optimum (unless `start` says it is one already, or resumes a descent begun
 * by a previous slice), then runs kicks (one "move" each) until the budget ends. The best tour is a local
 * optimum unless the budget stopped the first descent, or stopped a kick whose repair had run long and was kept.
 */
export function lsmc(chain: Chain, length: number, start: ChainStart = {}): ChainEnd {
  const { instance, search, tour, temperature, budget, rng, best, stats } = chain;
  if (!start.descended) {
    if (start.pending) for (const c of start.pending) search.push(c);
    else search.pushAll();
    length += search.run(budget);
    best.update(length);
    if (budget.stopped) return { length, bestDescended: false, pending: search.pending() };
  }
  let bestDescended = true;
  const maxMoves = budget.maxMoves;
  let kicks = 0;
  let accepted = 0;
  let improvements = 0;
  while (kicks < maxMoves && !budget.poll()) {
    kicks++;
    tour.startJournal();
    const swapsBefore = tour.swaps;
    const candidate = length + doubleBridge(instance, tour, search, rng) + search.run(budget);
    if (budget.stopped) {
      // Stopped mid-descent: return to the last local optimum rather than hand back a damaged tour. But undoing
      // costs what the kick did, which on a tour that was not a local optimum (a false `descended` hint) can be
      // a long descent: then a repaired tour that is already shorter is kept instead, as not descended.
      search.clear();
      if (candidate < length && tour.swaps - swapsBefore > POLL_SWAPS) {
        length = candidate;
        best.update(length);
        bestDescended = !best.currentIsBest;
      } else tour.undoJournal();
      break;
    }
    const delta = candidate - length;
    if (delta > 0) {
      const t = temperatureAt(temperature, budget.progress(kicks));
      if (t <= 0 || rng.nextFloat() >= Math.exp(-delta / t)) {
        tour.undoJournal();
        continue;
      }
      if (best.currentIsBest) {
        tour.undoJournal();
        best.saveBeforeWorsening(tour);
        tour.redoJournal();
      }
    }
    accepted++;
    if (delta < 0) improvements++;
    length = candidate;
    best.update(length);
  }
  tour.stopJournal();
  stats.movesTried += kicks;
  stats.movesAccepted += accepted;
  stats.improvements += improvements;
  return { length, bestDescended, pending: null };
}

/**
 * W X Y Z -> W Z Y X for three short adjacent segments X, Y, Z (none reversed): the double bridge, a 4-opt move
 * that 2-opt and Or-opt cannot undo in one step. Done as four reversals: XYZ -> Z'Y'X', then each segment back.
 * Activates the eight endpoints in the local search and returns the change in length.
 */
function doubleBridge(instance: Instance, tour: TourStructure, search: Descent, rng: Rng): number {
  const n = tour.n;
  const dist = instance.dist;
  const longest = Math.min(KICK_SEGMENT, Math.floor((n - 1) / 3));
  const lx = 1 + rng.nextInt(longest);
  const ly = 1 + rng.nextInt(longest);
  const lz = 1 + rng.nextInt(longest);
  const wEnd = rng.nextInt(n);
  const x0 = tour.succ(wEnd);
  const xEnd = walk(tour, x0, lx - 1);
  const y0 = tour.succ(xEnd);
  const yEnd = walk(tour, y0, ly - 1);
  const z0 = tour.succ(yEnd);
  const zEnd = walk(tour, z0, lz - 1);
  const w0 = tour.succ(zEnd);
  const delta = dist(wEnd, z0) + dist(zEnd, y0) + dist(yEnd, x0) + dist(xEnd, w0) - dist(wEnd, x0) - dist(xEnd, y0) - dist(yEnd, z0) - dist(zEnd, w0);
  tour.reverse(x0, zEnd);
  tour.reverse(zEnd, z0);
  tour.reverse(yEnd, y0);
  tour.reverse(xEnd, x0);
  search.push(wEnd);
  search.push(x0);
  search.push(xEnd);
  search.push(y0);
  search.push(yEnd);
  search.push(z0);
  search.push(zEnd);
  search.push(w0);
  return delta;
}

/** The city `steps` places after c. */
function walk(tour: TourStructure, c: number, steps: number): number {
  for (let i = 0; i < steps; i++) c = tour.succ(c);
  return c;
}
