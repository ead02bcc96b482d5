/**
 * Segment slices: optimise one stretch of the tour with its two ends fixed, so that slices of disjoint
 * stretches run in parallel and their results splice back into one tour exactly (improvements add up,
 * where whole-tour slices from the same start can only keep the best of them).
 *
 * The stretch becomes a closed sub-problem whose closing edge (last city back to first) weighs -2^40:
 * every move that would remove it is hugely uphill, so the kernel keeps it and the rest of the
 * sub-tour is a path from the first city to the last. Lengths stay exact in doubles (< 2^53).
 */
import { createInstance } from '../tsp/instance.ts';
import type { Instance, NeighbourLists, ProblemData } from '../tsp/types.ts';

/** The closing edge's weight: far beyond any tour length Kiln accepts, far inside double precision. */
const ANCHOR = -(2 ** 40);

export interface Segment {
  /** Position in the tour where the stretch begins (it may wrap past the end). */
  start: number;
  /** Cities in the stretch, its two fixed ends included. */
  length: number;
}

export interface SegmentProblem {
  instance: Instance;
  neighbours: NeighbourLists;
  /** cities[i] is the full problem's city at sub-problem index i, in the stretch's current order. */
  cities: Int32Array;
}

/** The cities of a stretch of `tour`, in order. */
export function segmentCities(tour: Int32Array, segment: Segment): Int32Array {
  const n = tour.length;
  const cities = new Int32Array(segment.length);
  for (let i = 0; i < segment.length; i++) cities[i] = tour[(segment.start + i) % n];
  return cities;
}

/**
 * The sub-problem of a stretch: identity order 0..m-1 is the stretch as it is now. Its candidate lists are the
 * whole problem's `lists` (alpha-nearness where shipped) restricted to the stretch.
 */
export function segmentProblem(data: ProblemData, cities: Int32Array, lists: NeighbourLists): SegmentProblem {
  const m = cities.length;
  const sub: ProblemData = { name: `${data.name}[segment]`, n: m, edgeWeightType: data.edgeWeightType };
  if (data.xs && data.ys) {
    sub.xs = new Float64Array(m);
    sub.ys = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      sub.xs[i] = data.xs[cities[i]];
      sub.ys[i] = data.ys[cities[i]];
    }
  }
  if (data.matrix) {
    sub.matrix = new Int32Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) sub.matrix[i * m + j] = data.matrix[cities[i] * data.n + cities[j]];
  }
  const plain = createInstance(sub);
  const base = plain.dist;
  const last = m - 1;
  const anchored: Instance = {
    data: sub,
    n: m,
    dist: (i, j) => ((i === 0 && j === last) || (i === last && j === 0) ? ANCHOR : base(i, j)),
  };
  // Candidates come from the whole problem; the anchor edge is never a move worth proposing.
  return { instance: anchored, neighbours: restrictLists(lists, cities), cities };
}

/**
 * The whole problem's candidate lists for the stretch's cities, in the sub-problem's indices, same k, same order. A
 * candidate outside the stretch gives its place to the city's neighbours along the stretch (i - 1, i + 1, i - 2, ...),
 * so every list stays full with no city twice (types.ts: never the city itself).
 */
export function restrictLists(lists: NeighbourLists, cities: Int32Array): NeighbourLists {
  const m = cities.length;
  const { k, neighbours } = lists;
  const local = new Int32Array(neighbours.length / k).fill(-1);
  for (let i = 0; i < m; i++) local[cities[i]] = i;
  const width = Math.min(k, m - 1);
  const out = new Int32Array(m * width);
  for (let i = 0; i < m; i++) {
    const row = i * width;
    let filled = 0;
    for (let r = 0; r < k && filled < width; r++) {
      const j = local[neighbours[cities[i] * k + r]];
      if (j >= 0) out[row + filled++] = j;
    }
    for (let step = 1; filled < width; step++) {
      for (const j of [i - step, i + step]) {
        if (filled < width && j >= 0 && j < m && !out.subarray(row, row + filled).includes(j)) out[row + filled++] = j;
      }
    }
  }
  return { k: width, neighbours: out };
}

/**
 * The stretch's new order from the kernel's closed sub-tour: from the first city to the last along the
 * path that avoids the anchor edge. Returns null if the anchor edge was lost (the stretch then stays).
 */
export function pathFromSubTour(subTour: Int32Array, cities: Int32Array): Int32Array | null {
  const m = subTour.length;
  const at = subTour.indexOf(0);
  const last = m - 1;
  const next = subTour[(at + 1) % m];
  const previous = subTour[(at - 1 + m) % m];
  // The anchor edge joins 0 and m-1; walk away from it.
  const step = previous === last ? 1 : next === last ? -1 : 0;
  if (step === 0) return null;
  const path = new Int32Array(m);
  for (let i = 0; i < m; i++) path[i] = cities[subTour[(at + step * i + m) % m]];
  return path;
}

/** Length of an open path (no closing edge). */
export function pathLength(instance: Instance, path: Int32Array): number {
  let length = 0;
  for (let i = 1; i < path.length; i++) length += instance.dist(path[i - 1], path[i]);
  return length;
}
