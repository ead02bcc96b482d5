/**
 * Candidate neighbour lists: for each city its k nearest others by the instance's dist, ties broken by
 * lower index, nearest first. Coordinate instances use a k-d tree (O(n log n), O(n) memory, exact);
 * EXPLICIT instances select from their matrix rows (they are small: the parser caps them at 20,000).
 */
import { KBest, KdTree } from './kdtree.ts';
import type { Instance, NeighbourLists } from './types.ts';

/** Enough for 2-opt/Or-opt candidate moves on geometric instances; k = 5..10 is the usual range. */
export const DEFAULT_NEIGHBOURS = 10;

/** k is capped at n - 1; the returned lists' k says what was used. */
export function buildNeighbourLists(instance: Instance, k = DEFAULT_NEIGHBOURS): NeighbourLists {
  const n = instance.n;
  const kk = Math.max(0, Math.min(k, n - 1));
  const neighbours = new Int32Array(n * kk);
  if (kk === 0) return { k: 0, neighbours };
  const tree = KdTree.forInstance(instance);
  if (tree) {
    for (let c = 0; c < n; c++) tree.nearest(c, kk, neighbours, c * kk);
    return { k: kk, neighbours };
  }
  const best = new KBest(kk);
  const dist = instance.dist;
  for (let c = 0; c < n; c++) {
    for (let j = 0; j < n; j++) if (j !== c) best.offer(dist(c, j), j);
    best.drainSorted(neighbours, c * kk);
  }
  return { k: kk, neighbours };
}
