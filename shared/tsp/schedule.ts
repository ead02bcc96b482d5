/**
 * Temperatures. Within a slice the temperature falls geometrically from `start` to `end`
 * (T(x) = start * (end / start)^x at progress x), the classic schedule of Kirkpatrick, Gelatt and Vecchi;
 * T = 0 is pure descent. A starting temperature is chosen from the uphill deltas of sampled moves, so that a
 * given fraction of them would be accepted: that makes schedules independent of the instance's scale.
 *
 * A run of S slices cools over the whole run; slice i of S takes the run's range from progress i / S to
 * (i + 1) / S (sliceTemperature), so that slices chained one after another follow one geometric schedule.
 */
import { ArrayTour } from './arraytour.ts';
import type { Method } from './kernel.ts';
import { MoveProposer } from './proposal.ts';
import { Rng } from './random.ts';
import type { Instance, NeighbourLists, Tour } from './types.ts';

export interface Temperature {
  start: number;
  /** 0 with start > 0 cools linearly to 0 (a geometric schedule cannot reach 0). */
  end: number;
}

export function temperatureAt(t: Temperature, progress: number): number {
  if (!(t.start > 0)) return 0;
  if (!(t.end > 0)) return t.start * (1 - progress);
  return t.start * Math.pow(t.end / t.start, progress);
}

/** Positive deltas of up to `samples` random neighbour-list moves (2-opt and Or-opt) on the tour, unchanged. */
function sampleUphillDeltas(instance: Instance, neighbours: NeighbourLists, tour: Tour, samples = 2000, seed = 1): Float64Array {
  const proposer = new MoveProposer(instance, neighbours, new ArrayTour(tour));
  const rng = new Rng(seed);
  const deltas = new Float64Array(samples);
  let count = 0;
  for (let s = 0; s < samples; s++) {
    const delta = proposer.propose(rng);
    if (delta > 0) deltas[count++] = delta;
  }
  return deltas.subarray(0, count);
}

/** The T at which the mean Metropolis acceptance exp(-delta / T) over `deltas` equals `acceptance` (bisection). */
export function temperatureForAcceptance(deltas: Float64Array, acceptance: number): number {
  if (deltas.length === 0 || !(acceptance > 0)) return 0;
  const p = Math.min(acceptance, 0.999);
  const mean = (t: number): number => {
    let sum = 0;
    for (let i = 0; i < deltas.length; i++) sum += Math.exp(-deltas[i] / t);
    return sum / deltas.length;
  };
  let lo = 0;
  let hi = 1;
  while (mean(hi) < p) hi *= 2;
  for (let iter = 0; iter < 60; iter++) {
    const mid = (lo + hi) / 2;
    if (mean(mid) < p) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * A starting temperature for annealing from `tour`: the one that accepts `acceptance` of uphill moves
 * (0.5 suits a random or constructed tour; use ~0.05 to anneal an already good tour without wrecking it).
 */
export function defaultTemperature(instance: Instance, neighbours: NeighbourLists, tour: Tour, acceptance = 0.5, seed = 1): number {
  return temperatureForAcceptance(sampleUphillDeltas(instance, neighbours, tour, 2000, seed), acceptance);
}

/**
 * The length scale of good tours: the mean over cities of the distance to their two nearest neighbours, which
 * is close to an optimal tour's mean edge (an optimal tour mostly joins near neighbours), whatever the tour.
 */
export function edgeScale(instance: Instance, neighbours: NeighbourLists): number {
  const { k, neighbours: nbr } = neighbours;
  if (k === 0) return 0;
  const dist = instance.dist;
  let sum = 0;
  for (let c = 0; c < instance.n; c++) sum += k === 1 ? dist(c, nbr[c]) : (dist(c, nbr[c * k]) + dist(c, nbr[c * k + 1])) / 2;
  return sum / instance.n;
}

/**
 * Default run temperatures in units of edgeScale. Large-step Markov chains compare local optima, whose
 * differences are a fraction of an edge or a few: with 100,000 kicks from the greedy tour over 6 seeds, 1 -> 0.1
 * gave mean gaps of 0.01% (pcb442), 0.14% (rat783), 0.52% (pr1002) and solved a280 5 times in 6, against
 * 0.15%, 0.36%, 0.52% and 2 in 6 for 0.3 -> 0.03; 3 -> 0.3 was worse on all but a280; T = 0 stalls (gr96).
 * Annealing over single moves needs a hotter start to restructure a constructed tour.
 */
export const TEMPERATURE_SCALE: Record<Method, Temperature> = {
  anneal: { start: 1, end: 0.01 },
  lsmc: { start: 1, end: 0.1 },
  lk: { start: 1, end: 0.1 },
};

/** A whole run's temperature range for a method (split it with sliceTemperature). */
export function planSchedule(instance: Instance, neighbours: NeighbourLists, method: Method): Temperature {
  const scale = edgeScale(instance, neighbours);
  const { start, end } = TEMPERATURE_SCALE[method];
  return { start: start * scale, end: end * scale };
}

/** Slice `index` of `slices` of a run cooled geometrically over `run`. */
export function sliceTemperature(run: Temperature, index: number, slices: number): Temperature {
  return { start: temperatureAt(run, index / slices), end: temperatureAt(run, (index + 1) / slices) };
}
