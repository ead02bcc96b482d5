/**
 * Simulated annealing in its classic form (Kirkpatrick, Gelatt and Vecchi, 1983): repeat N times, perturb
 * the tour; accept a shorter tour, and a longer one with probability exp(-delta / T); cool down. Moves are
 * 2-opt and Or-opt drawn from neighbour lists with O(1) deltas, so a rejected move costs a few distance
 * evaluations and an accepted one a reversal of the shorter side.
 */
import { POLL_SWAPS } from './budget.ts';
import type { Chain } from './chain.ts';
import { MoveProposer } from './proposal.ts';
import { temperatureAt } from './schedule.ts';

/** Moves between polls of the clock and of the temperature (unless reversals reach POLL_SWAPS first). */
const POLL_EVERY = 256;

/** Runs the chain from `tour` (of length `length`) until the budget ends; returns the current length. */
export function anneal(chain: Chain, length: number): number {
  const { instance, neighbours, tour, temperature, budget, rng, best, stats } = chain;
  const proposer = new MoveProposer(instance, neighbours, tour);
  const maxMoves = budget.maxMoves;
  let moves = 0;
  let accepted = 0;
  let improvements = 0;
  let t = temperature.start;
  let pollAtSwaps = 0;
  // A move takes microseconds: nothing to finish before the clock may end the slice (see Budget).
  budget.searched();
  while (moves < maxMoves) {
    if (moves % POLL_EVERY === 0 || tour.swaps >= pollAtSwaps) {
      if (budget.poll()) break;
      t = temperatureAt(temperature, budget.progress(moves));
      pollAtSwaps = tour.swaps + POLL_SWAPS;
    }
    moves++;
    const delta = proposer.propose(rng);
    if (!(delta <= 0)) {
      // NaN (a degenerate draw) fails both tests and is skipped.
      if (!(delta > 0) || t <= 0 || rng.nextFloat() >= Math.exp(-delta / t)) continue;
      best.saveBeforeWorsening(tour);
    }
    proposer.apply();
    accepted++;
    length += delta;
    if (delta < 0) {
      improvements++;
      best.update(length);
    }
  }
  stats.movesTried += moves;
  stats.movesAccepted += accepted;
  stats.improvements += improvements;
  return length;
}
