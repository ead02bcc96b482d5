/**
 * Initial tours for the annealer. All three run in about O(n log n) with O(n) memory:
 * - greedy edge: the shortest candidate edges that keep every city at degree <= 2 without closing a cycle,
 *   then the fragments joined nearest-endpoint first. The best start of the three (measured gaps: see
 *   DEFAULT_CONSTRUCTION), and the default.
 * - nearest neighbour: from a start city always to the nearest unvisited one (exact: candidate lists first,
 *   then the k-d tree over unvisited cities when all candidates are taken).
 * - space-filling curve: the cities in Hilbert-curve order; the fastest and the longest.
 */
import { KdTree } from './kdtree.ts';
import { buildNeighbourLists } from './neighbours.ts';
import { ProblemError, type Instance, type NeighbourLists, type Tour } from './types.ts';

export type ConstructionMethod = 'greedy' | 'nearest-neighbour' | 'space-filling-curve';

/**
 * Greedy: measured over the 27 instances in ../shared/tsplib it starts 19% above optimal on average
 * (2-33%; 14% on pla85900 in 0.2 s), against 24% (4-51%) for nearest neighbour and 42% (22-65%) for the
 * Hilbert curve. test/tsp/construct.test.ts keeps bounds on these.
 */
export const DEFAULT_CONSTRUCTION: ConstructionMethod = 'greedy';

/** An initial tour by the given method. The space-filling curve needs coordinates (not bare EXPLICIT). */
export function constructTour(instance: Instance, lists: NeighbourLists, method: ConstructionMethod = DEFAULT_CONSTRUCTION): Tour {
  switch (method) {
    case 'greedy':
      return greedyTour(instance, lists);
    case 'nearest-neighbour':
      return nearestNeighbourTour(instance, lists);
    case 'space-filling-curve':
      return spaceFillingCurveTour(instance);
  }
}

/**
 * Above this many cities, quickTour draws the space-filling curve instead of the greedy tour: the
 * greedy tour with its neighbour lists took 0.1 s at 2,392 cities and 1.7 s at 85,900 on a busy 2-core
 * machine, the curve 55 ms at 85,900 (the orchestrator's event loop, which the router may share, waits).
 */
export const QUICK_GREEDY_MAX_CITIES = 5000;

/**
 * A tour fast enough to make on a server's event loop: the greedy tour for up to
 * QUICK_GREEDY_MAX_CITIES cities (and for EXPLICIT instances, which have no coordinates), else the
 * space-filling curve. The orchestrator's first answer while compute threads start.
 */
export function quickTour(instance: Instance): Tour {
  const hasCoordinates = instance.data.xs !== undefined && instance.data.ys !== undefined;
  if (instance.n > QUICK_GREEDY_MAX_CITIES && hasCoordinates) return spaceFillingCurveTour(instance);
  return greedyTour(instance, buildNeighbourLists(instance));
}

/** Up to three cities, every order is optimal. */
function identity(n: number): Tour {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** "Which live city is nearest to c?" with removal: the k-d tree, or a scan for EXPLICIT instances. */
interface NearestLive {
  remove(c: number): void;
  /** The nearest live city other than c (ties by lower index), or -1 when none is left. */
  nearest(c: number): number;
}

function nearestLive(instance: Instance): NearestLive {
  const tree = KdTree.forInstance(instance);
  if (tree) {
    const out = new Int32Array(1);
    return { remove: (c) => tree.remove(c), nearest: (c) => (tree.nearest(c, 1, out) ? out[0] : -1) };
  }
  // EXPLICIT instances are at most 20,000 cities and this is only a fallback: a scan of the live cities.
  const n = instance.n;
  const live = identity(n);
  const at = identity(n);
  let size = n;
  return {
    remove(c) {
      const p = at[c];
      if (p >= size) return;
      const last = live[--size];
      live[p] = last;
      at[last] = p;
      live[size] = c;
      at[c] = size;
    },
    nearest(c) {
      let best = -1;
      let bestD = Infinity;
      for (let p = 0; p < size; p++) {
        const j = live[p];
        if (j === c) continue;
        const d = instance.dist(c, j);
        if (d < bestD || (d === bestD && j < best)) {
          best = j;
          bestD = d;
        }
      }
      return best;
    },
  };
}

export function nearestNeighbourTour(instance: Instance, lists: NeighbourLists, start = 0): Tour {
  const n = instance.n;
  if (n <= 3) return identity(n);
  const { k, neighbours } = lists;
  const finder = nearestLive(instance);
  const visited = new Uint8Array(n);
  const tour = new Int32Array(n);
  let cur = start;
  tour[0] = cur;
  visited[cur] = 1;
  finder.remove(cur);
  for (let p = 1; p < n; p++) {
    // The lists are sorted exactly, so their first unvisited entry is the true nearest unvisited city.
    let next = -1;
    for (let r = cur * k, end = r + k; r < end; r++) {
      if (!visited[neighbours[r]]) {
        next = neighbours[r];
        break;
      }
    }
    if (next < 0) next = finder.nearest(cur);
    tour[p] = next;
    visited[next] = 1;
    finder.remove(next);
    cur = next;
  }
  return tour;
}

export function greedyTour(instance: Instance, lists: NeighbourLists): Tour {
  const n = instance.n;
  if (n <= 3) return identity(n);
  const { k, neighbours } = lists;
  const adj = new Int32Array(2 * n).fill(-1);
  const deg = new Uint8Array(n);
  const link = (a: number, b: number) => {
    adj[2 * a + deg[a]++] = b;
    adj[2 * b + deg[b]++] = a;
  };

  // Candidate edge e is (e / k, neighbours[e]); each appears up to twice, and the repeat is refused below.
  const parent = identity(n);
  const find = (a: number): number => {
    while (parent[a] !== a) a = parent[a] = parent[parent[a]];
    return a;
  };
  for (const e of edgesByLength(instance, lists)) {
    const a = (e / k) | 0;
    const b = neighbours[e];
    if (deg[a] >= 2 || deg[b] >= 2) continue;
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) continue;
    parent[ra] = rb;
    link(a, b);
  }

  joinFragments(instance, adj, deg, link);
  return walk(adj, n);
}

/** Candidate edge ids ordered by length, ties by id (deterministic). */
function edgesByLength(instance: Instance, { k, neighbours }: NeighbourLists): Int32Array {
  const m = neighbours.length;
  const lengths = new Float64Array(m);
  let max = 0;
  for (let e = 0; e < m; e++) {
    const d = instance.dist((e / k) | 0, neighbours[e]);
    lengths[e] = d;
    if (d > max) max = d;
  }
  // Packing length * m + id into one double lets the engine's native numeric sort do the work (3-4x faster
  // than a comparator); it is exact while the product stays below 2^53, which real instances do.
  if (max * m + m < 2 ** 53) {
    const keys = new Float64Array(m);
    for (let e = 0; e < m; e++) keys[e] = lengths[e] * m + e;
    keys.sort();
    const order = new Int32Array(m);
    for (let r = 0; r < m; r++) order[r] = keys[r] % m;
    return order;
  }
  return identity(m).sort((a, b) => lengths[a] - lengths[b] || a - b);
}

/**
 * Joins the paths (and lone cities) left by greedy into one cycle: from the current path's free end to the
 * nearest free end of another path, whose far end becomes the current end, and finally back to the start.
 */
function joinFragments(instance: Instance, adj: Int32Array, deg: Uint8Array, link: (a: number, b: number) => void): void {
  const n = instance.n;
  const otherEnd = new Int32Array(n).fill(-1);
  for (let c = 0; c < n; c++) {
    if (deg[c] >= 2 || otherEnd[c] >= 0) continue;
    // Walk from free end c along its path to the other free end (c itself for a lone city).
    let prev = c;
    let cur = deg[c] === 1 ? adj[2 * c] : c;
    while (deg[cur] === 2) {
      const next = adj[2 * cur] !== prev ? adj[2 * cur] : adj[2 * cur + 1];
      prev = cur;
      cur = next;
    }
    otherEnd[c] = cur;
    otherEnd[cur] = c;
  }
  const finder = nearestLive(instance);
  for (let c = 0; c < n; c++) if (deg[c] >= 2) finder.remove(c);
  const take = (c: number) => {
    finder.remove(c);
    finder.remove(otherEnd[c]);
  };
  const first = otherEnd.findIndex((e) => e >= 0);
  take(first);
  let end = otherEnd[first];
  for (let next = finder.nearest(end); next >= 0; next = finder.nearest(end)) {
    link(end, next);
    take(next);
    end = otherEnd[next];
  }
  link(end, first);
}

/** The cycle described by adjacency pairs, as a city order from city 0. */
function walk(adj: Int32Array, n: number): Tour {
  const tour = new Int32Array(n);
  let prev = adj[1];
  let cur = 0;
  for (let p = 0; p < n; p++) {
    tour[p] = cur;
    const next = adj[2 * cur] !== prev ? adj[2 * cur] : adj[2 * cur + 1];
    prev = cur;
    cur = next;
  }
  return tour;
}

/** Hilbert curve of order 16 (a 65,536 x 65,536 grid over the bounding square). */
const HILBERT_SIDE = 1 << 16;

export function spaceFillingCurveTour(instance: Instance): Tour {
  const { n, data } = instance;
  const { xs, ys } = data;
  if (!xs || !ys) throw new ProblemError(`${data.name}: a space-filling curve needs coordinates, and this EXPLICIT instance has none`);
  let minX = Infinity;
  let minY = Infinity;
  let span = 0;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, xs[i]);
    minY = Math.min(minY, ys[i]);
  }
  for (let i = 0; i < n; i++) span = Math.max(span, xs[i] - minX, ys[i] - minY);
  const scale = span > 0 ? (HILBERT_SIDE - 1) / span : 0;
  // Hilbert index (< 2^32) * 2^21 + city (n <= 2,000,000 < 2^21) stays exact in a double.
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    keys[i] = hilbertIndex(Math.floor((xs[i] - minX) * scale), Math.floor((ys[i] - minY) * scale)) * 2 ** 21 + i;
  }
  keys.sort();
  const tour = new Int32Array(n);
  for (let p = 0; p < n; p++) tour[p] = keys[p] % 2 ** 21;
  return tour;
}

/** Position of grid cell (x, y) along the Hilbert curve (the classic xy2d). */
function hilbertIndex(x: number, y: number): number {
  let d = 0;
  for (let s = HILBERT_SIDE >> 1; s > 0; s >>= 1) {
    const rx = (x & s) > 0 ? 1 : 0;
    const ry = (y & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) {
        x = HILBERT_SIDE - 1 - x;
        y = HILBERT_SIDE - 1 - y;
      }
      const t = x;
      x = y;
      y = t;
    }
  }
  return d;
}
