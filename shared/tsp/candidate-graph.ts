/**
 * The sparse graph that alpha-nearness (alpha.ts) works on for instances too large for all n^2 edges: per city
 * its nearest others and its nearest in each plane quadrant (neighbours.ts), made symmetric, in compressed rows.
 * Minimum spanning trees of this graph stand in for those of the complete graph; so that one exists, the graph is
 * made connected by adding, for each component but the last, its shortest edge to another component.
 */
import { KdTree } from './kdtree.ts';
import { buildNeighbourLists, buildQuadrantNeighbourLists } from './neighbours.ts';
import type { Instance, NeighbourLists } from './types.ts';

/** Compressed rows: the neighbours of city c are adjacent[offsets[c] .. offsets[c + 1]), no self, no repeats. */
export interface SparseGraph {
  readonly n: number;
  readonly offsets: Int32Array;
  readonly adjacent: Int32Array;
  /** lengths[p] = dist(c, adjacent[p]): the ascent reads each edge hundreds of times. */
  readonly lengths: Float64Array;
}

export interface CandidateGraphOptions {
  /** Nearest others per city (before symmetry); default 10. */
  nearest?: number;
  /** Nearest per quadrant on planar instances (GEO and EXPLICIT get plain nearest lists); default 2. */
  perQuadrant?: number;
}

/**
 * The union of each city's `nearest` nearest others and its `perQuadrant` nearest per quadrant, symmetric and
 * connected.
 */
export function buildCandidateGraph(instance: Instance, options: CandidateGraphOptions = {}): SparseGraph {
  const nearest = options.nearest ?? 10;
  const perQuadrant = options.perQuadrant ?? 2;
  const lists = perQuadrant > 0 ? buildQuadrantNeighbourLists(instance, nearest + 4 * perQuadrant, perQuadrant) : buildNeighbourLists(instance, nearest);
  const extra = connectingEdges(instance, lists);
  return symmetricGraph(instance, lists, extra);
}

/** Rows of the symmetric closure of the lists plus the extra edges (pairs, flat). */
function symmetricGraph(instance: Instance, { k, neighbours }: NeighbourLists, extra: number[]): SparseGraph {
  const n = instance.n;
  const degree = new Int32Array(n + 1);
  for (let c = 0; c < n; c++)
    for (let r = 0; r < k; r++) {
      degree[c]++;
      degree[neighbours[c * k + r]]++;
    }
  for (let e = 0; e < extra.length; e++) degree[extra[e]]++;
  const start = new Int32Array(n + 1);
  for (let c = 0; c < n; c++) start[c + 1] = start[c] + degree[c];
  const fill = start.slice(0, n);
  const raw = new Int32Array(start[n]);
  const add = (a: number, b: number) => {
    raw[fill[a]++] = b;
    raw[fill[b]++] = a;
  };
  for (let c = 0; c < n; c++) for (let r = 0; r < k; r++) add(c, neighbours[c * k + r]);
  for (let e = 0; e < extra.length; e += 2) add(extra[e], extra[e + 1]);
  // Drop repeats (an edge both ways in the lists): mark each row's members.
  const offsets = new Int32Array(n + 1);
  const adjacent = new Int32Array(raw.length);
  const seenBy = new Int32Array(n).fill(-1);
  let m = 0;
  for (let c = 0; c < n; c++) {
    offsets[c] = m;
    for (let p = start[c]; p < start[c + 1]; p++) {
      const j = raw[p];
      if (seenBy[j] === c) continue;
      seenBy[j] = c;
      adjacent[m++] = j;
    }
  }
  offsets[n] = m;
  const lengths = new Float64Array(m);
  // Measured from the lower-numbered end, as penalisedCost does (dist is symmetric up to float rounding).
  for (let c = 0; c < n; c++)
    for (let p = offsets[c]; p < offsets[c + 1]; p++) {
      const j = adjacent[p];
      lengths[p] = c < j ? instance.dist(c, j) : instance.dist(j, c);
    }
  return { n, offsets, adjacent: adjacent.slice(0, m), lengths };
}

/**
 * Edges that join the lists' components into one, as flat pairs: repeatedly the shortest edge from the smallest
 * component to any city outside it (Prim's rule over components, so each is an edge of the complete graph's
 * minimum spanning forest between the parts). Nearest lists of clustered instances fall apart this way; quadrant
 * lists in the plane rarely do.
 */
function connectingEdges(instance: Instance, { k, neighbours }: NeighbourLists): number[] {
  const n = instance.n;
  const parent = new Int32Array(n);
  for (let c = 0; c < n; c++) parent[c] = c;
  const find = (c: number): number => {
    while (parent[c] !== c) c = parent[c] = parent[parent[c]];
    return c;
  };
  let components = n;
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) {
      parent[ra] = rb;
      components--;
    }
  };
  for (let c = 0; c < n; c++) for (let r = 0; r < k; r++) union(c, neighbours[c * k + r]);
  const extra: number[] = [];
  if (components === 1) return extra;
  const tree = KdTree.forInstance(instance);
  const dist = instance.dist;
  while (components > 1) {
    const members = smallestComponent(n, find);
    const root = find(members[0]);
    let bestD = Infinity;
    let bestA = -1;
    let bestB = -1;
    const consider = (a: number, b: number) => {
      const d = dist(a, b);
      if (d < bestD || (d === bestD && (a < bestA || (a === bestA && b < bestB)))) {
        bestD = d;
        bestA = a;
        bestB = b;
      }
    };
    if (tree && members.length * members.length < n) {
      // Among the |C| + 1 nearest of a member is always one outside C: a search bounded by |C|^2, not n.
      const found = new Int32Array(Math.min(n - 1, members.length));
      for (const a of members) {
        const count = tree.nearest(a, found.length, found);
        for (let r = 0; r < count; r++)
          if (find(found[r]) !== root) {
            consider(a, found[r]);
            break;
          }
      }
    } else {
      for (const a of members) for (let b = 0; b < n; b++) if (find(b) !== root) consider(a, b);
    }
    extra.push(bestA, bestB);
    union(bestA, bestB);
  }
  return extra;
}

function smallestComponent(n: number, find: (c: number) => number): number[] {
  const size = new Int32Array(n);
  for (let c = 0; c < n; c++) size[find(c)]++;
  let smallest = -1;
  for (let c = 0; c < n; c++) if (size[c] > 0 && (smallest < 0 || size[c] < size[smallest])) smallest = c;
  const members: number[] = [];
  for (let c = 0; c < n; c++) if (find(c) === smallest) members.push(c);
  return members;
}
