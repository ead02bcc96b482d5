/**
 * Candidate neighbour lists: for each city its k nearest others by the instance's dist, ties broken by
 * lower index, nearest first. Coordinate instances use a k-d tree (O(n log n), O(n) memory, exact);
 * EXPLICIT instances select from their matrix rows (they are small: the parser caps them at 20,000).
 * Quadrant lists are the variant for clustered instances.
 */
import { KBest, KdTree, QUADRANTS, quadrantOf } from './kdtree.ts';
import type { Instance, NeighbourLists } from './types.ts';

/** Enough for 2-opt/Or-opt candidate moves on geometric instances; k = 5..10 is the usual range. */
const DEFAULT_NEIGHBOURS = 10;

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

/**
 * Quadrant candidates (as in LKH's QUADRANT_CANDIDATE_SET): the perQuadrant nearest cities in each of the
 * four quadrants around a city, then its nearest others until k are chosen; listed nearest first. On
 * clustered instances (pcb, pla, rl) plain nearest lists stay inside a cluster and cannot offer the edges
 * that leave it; quadrant lists always can. Planar instances only: GEO and EXPLICIT get plain lists.
 */
export function buildQuadrantNeighbourLists(instance: Instance, k = DEFAULT_NEIGHBOURS, perQuadrant = 2): NeighbourLists {
  const n = instance.n;
  const tree = KdTree.forInstance(instance);
  const kk = Math.max(0, Math.min(k, n - 1));
  if (!tree || !tree.planar || kk === 0) return buildNeighbourLists(instance, k);
  const perQ = Math.min(perQuadrant, Math.floor(kk / QUADRANTS));
  const neighbours = new Int32Array(n * kk);
  const nearest = new Int32Array(kk);
  const picks = new Int32Array(QUADRANTS * perQ);
  const inQuadrant = new Int32Array(QUADRANTS);
  const taken = new Int32Array(QUADRANTS);
  const quadrantOfNearest = new Int8Array(kk);
  const chosenBy = new Int32Array(n).fill(-1); // the city whose list holds it, to skip repeats
  const order = new KBest(kk);
  const { dist, data } = instance;
  const xs = data.xs!;
  const ys = data.ys!;
  for (let c = 0; c < n; c++) {
    const found = tree.nearest(c, kk, nearest);
    inQuadrant.fill(0);
    taken.fill(0);
    for (let r = 0; r < found; r++) {
      const j = nearest[r];
      inQuadrant[(quadrantOfNearest[r] = quadrantOf(xs[j] - xs[c], ys[j] - ys[c]))]++;
    }
    // Where the plain list holds perQ cities of a quadrant, its first ones are that quadrant's nearest (the
    // list is exact and sorted), so the k-d tree is asked only about thinly covered quadrants.
    let m = 0;
    for (let r = 0; r < found; r++) {
      const q = quadrantOfNearest[r];
      if (inQuadrant[q] >= perQ && taken[q]++ < perQ) picks[m++] = nearest[r];
    }
    for (let q = 0; q < QUADRANTS; q++) if (inQuadrant[q] < perQ) m += tree.nearest(c, perQ, picks, m, q);
    // Quadrant picks first, then the nearest others, until k.
    let chosen = 0;
    for (let p = 0; p < m + found && chosen < kk; p++) {
      const j = p < m ? picks[p] : nearest[p - m];
      if (chosenBy[j] === c) continue;
      chosenBy[j] = c;
      order.offer(dist(c, j), j);
      chosen++;
    }
    order.drainSorted(neighbours, c * kk);
  }
  return { k: kk, neighbours };
}
