/**
 * Minimum 1-trees under Held and Karp's node penalties, and the subgradient ascent that chooses the penalties
 * (Held & Karp 1970/71; the step rule follows Helsgaun, "An effective implementation of the Lin-Kernighan
 * traveling salesman heuristic", EJOR 2000, section 4.1, re-derived here).
 *
 * With penalties pi, an edge costs c'(i, j) = d(i, j) + pi[i] + pi[j]; every tour's cost rises by exactly
 * 2 * sum(pi), so w(pi) = (minimum 1-tree under c') - 2 * sum(pi) is a lower bound on the optimal tour for any
 * pi. The ascent raises pi where the 1-tree has a city of degree 1 and lowers it where the degree exceeds 2,
 * pushing the 1-tree towards a tour; its best w is the Held-Karp bound (approximately).
 *
 * The 1-tree here is a minimum spanning tree over all cities plus one more edge at a leaf s, the leaf whose
 * second-cheapest edge is the most expensive (removing a leaf leaves a minimum spanning tree of the rest, so this
 * is a minimum 1-tree with s as its special city, and the choice maximises the bound over leaves).
 *
 * Trees are computed on all n^2 edges (dense) or on a sparse candidate graph (candidate-graph.ts); on a sparse
 * graph w is the bound of that graph, which is a lower bound on the optimum only if the graph holds a minimum
 * 1-tree of the complete one (in practice nearly; alpha-nearness needs good penalties, not a proof).
 */
import type { SparseGraph } from './candidate-graph.ts';
import type { Instance } from './types.ts';

/** A minimum 1-tree under given penalties. */
export interface OneTree {
  /** parent[c] is c's neighbour towards the root of the spanning tree; -1 for the root. */
  readonly parent: Int32Array;
  /** c'(c, parent[c]); 0 for the root. */
  readonly parentCost: Float64Array;
  /** Cities in the order the tree reached them: every parent before its children. */
  readonly order: Int32Array;
  /** The special leaf and the far end of its extra edge (c'(special, extra) = extraCost). */
  readonly special: number;
  readonly extra: number;
  readonly extraCost: number;
  /** Degree of each city in the 1-tree. */
  readonly degree: Int32Array;
  /** Total c' of the 1-tree's n edges. */
  readonly cost: number;
}

/** Penalised edge costs, computed in one canonical order so that equal pairs give bit-equal costs. */
export function penalisedCost(dist: (i: number, j: number) => number, pi: Float64Array): (i: number, j: number) => number {
  return (i, j) => (i < j ? dist(i, j) + pi[i] + pi[j] : dist(j, i) + pi[j] + pi[i]);
}

/** The minimum 1-tree under pi, on the sparse graph when given, else on all edges. */
export function minimumOneTree(instance: Instance, pi: Float64Array, graph: SparseGraph | null): OneTree {
  const cost = penalisedCost(instance.dist, pi);
  const n = instance.n;
  const parent = new Int32Array(n);
  const parentCost = new Float64Array(n);
  const order = graph ? primSparse(graph, pi, parent, parentCost) : primDense(n, cost, parent, parentCost);
  const degree = new Int32Array(n);
  let total = 0;
  for (let c = 0; c < n; c++)
    if (parent[c] >= 0) {
      degree[c]++;
      degree[parent[c]]++;
      total += parentCost[c];
    }
  // The special leaf: the one whose cheapest edge off the tree is dearest (a larger bound).
  let special = -1;
  let extra = -1;
  let extraCost = -Infinity;
  for (let s = 0; s < n; s++) {
    if (degree[s] !== 1) continue;
    const treeNeighbour = treeNeighbourOfLeaf(s, parent, order);
    let best = Infinity;
    let bestJ = -1;
    const from = graph ? graph.offsets[s] : 0;
    const to = graph ? graph.offsets[s + 1] : n;
    for (let p = from; p < to; p++) {
      const j = graph ? graph.adjacent[p] : p;
      if (j === s || j === treeNeighbour) continue;
      const w = graph ? (s < j ? graph.lengths[p] + pi[s] + pi[j] : graph.lengths[p] + pi[j] + pi[s]) : cost(s, j);
      if (w < best || (w === best && j < bestJ)) {
        best = w;
        bestJ = j;
      }
    }
    if (bestJ >= 0 && best > extraCost) {
      extraCost = best;
      special = s;
      extra = bestJ;
    }
  }
  if (special >= 0) {
    degree[special]++;
    degree[extra]++;
    total += extraCost;
  } else extraCost = 0;
  return { parent, parentCost, order, special, extra, extraCost, degree, cost: total };
}

/** A leaf's only tree neighbour: its parent, or for a root of degree 1 its one child. */
function treeNeighbourOfLeaf(s: number, parent: Int32Array, order: Int32Array): number {
  if (parent[s] >= 0) return parent[s];
  // The root is order[0]; its one child is the second city reached.
  return order.length > 1 ? order[1] : -1;
}

/** Prim on all edges, O(n^2) time and O(n) memory; fills parent and parentCost, returns the order reached. */
function primDense(n: number, cost: (i: number, j: number) => number, parent: Int32Array, parentCost: Float64Array): Int32Array {
  const key = new Float64Array(n).fill(Infinity);
  const inTree = new Uint8Array(n);
  const order = new Int32Array(n);
  parent.fill(-1);
  key[0] = 0;
  let next = 0;
  for (let step = 0; step < n; step++) {
    const c = next;
    inTree[c] = 1;
    order[step] = c;
    parentCost[c] = parent[c] >= 0 ? key[c] : 0;
    next = -1;
    let best = Infinity;
    for (let j = 0; j < n; j++) {
      if (inTree[j]) continue;
      const w = cost(c, j);
      if (w < key[j]) {
        key[j] = w;
        parent[j] = c;
      }
      if (key[j] < best) {
        best = key[j];
        next = j;
      }
    }
  }
  return order;
}

/** Prim with a binary heap on a connected sparse graph, O(m log n); edge lengths come from graph.lengths. */
function primSparse(graph: SparseGraph, pi: Float64Array, parent: Int32Array, parentCost: Float64Array): Int32Array {
  const { n, offsets, adjacent, lengths } = graph;
  const heap = new IndexedHeap(n);
  const inTree = new Uint8Array(n);
  const order = new Int32Array(n);
  parent.fill(-1);
  parentCost.fill(Infinity);
  parentCost[0] = 0;
  heap.update(0, 0);
  let reached = 0;
  while (heap.size > 0) {
    const c = heap.pop();
    inTree[c] = 1;
    order[reached++] = c;
    const piC = pi[c];
    for (let p = offsets[c]; p < offsets[c + 1]; p++) {
      const j = adjacent[p];
      if (inTree[j]) continue;
      // The same sum, in the same order, as penalisedCost.
      const w = c < j ? lengths[p] + piC + pi[j] : lengths[p] + pi[j] + piC;
      if (w < parentCost[j]) {
        parentCost[j] = w;
        parent[j] = c;
        heap.update(j, w);
      }
    }
  }
  if (reached !== n) throw new Error(`candidate graph is not connected: ${reached} of ${n} cities reached`);
  return order;
}

/** A binary min-heap of cities keyed by cost, with decrease-key through each city's position. */
class IndexedHeap {
  private readonly items: Int32Array;
  private readonly keys: Float64Array;
  private readonly position: Int32Array;
  size = 0;

  constructor(n: number) {
    this.items = new Int32Array(n);
    this.keys = new Float64Array(n);
    this.position = new Int32Array(n).fill(-1);
  }

  /** Inserts c with key k, or lowers its key to k. */
  update(c: number, k: number): void {
    let at = this.position[c];
    if (at < 0) at = this.size++;
    this.siftUp(at, c, k);
  }

  pop(): number {
    const { items, keys, position } = this;
    const top = items[0];
    position[top] = -2;
    const last = --this.size;
    if (last > 0) this.siftDown(items[last], keys[last]);
    return top;
  }

  private siftUp(at: number, c: number, k: number): void {
    const keys = this.keys;
    while (at > 0) {
      const up = (at - 1) >> 1;
      if (keys[up] <= k) break;
      this.place(at, this.items[up], keys[up]);
      at = up;
    }
    this.place(at, c, k);
  }

  private place(at: number, c: number, k: number): void {
    this.items[at] = c;
    this.keys[at] = k;
    this.position[c] = at;
  }

  private siftDown(c: number, k: number): void {
    const { items, keys, size } = this;
    let at = 0;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= size) break;
      if (child + 1 < size && keys[child + 1] < keys[child]) child++;
      if (keys[child] >= k) break;
      this.place(at, items[child], keys[child]);
      at = child;
    }
    this.place(at, c, k);
  }
}

export interface AscentOptions {
  /** Iterations in the first period; default n / 2 clamped to [25, 50]. */
  initialPeriod?: number;
  /** Cap on 1-tree computations over the whole ascent. */
  maxIterations?: number;
}

export interface AscentResult {
  /** The penalties of the best bound found. */
  pi: Float64Array;
  /** The best bound w(pi) found (for dense graphs a lower bound on the optimal tour; round it up). */
  lowerBound: number;
  /** The minimum 1-tree under pi. */
  tree: OneTree;
  /** 1-trees computed. */
  iterations: number;
  /** The 1-tree became a tour (every degree 2): lowerBound is then the optimum. */
  isTour: boolean;
}

/**
 * Periods of 50 (n / 2 below 100 cities) end the ascent after about 110 1-trees: on pr2392 that bound is 1.26 %
 * below the optimum against 1.21 % after 1,000 (LKH's own schedule, with periods of n / 2 that it lengthens while
 * the bound rises), and the 5 alpha-nearest hold the same share of the optimal tour (bench:candidates).
 */
const MIN_PERIOD = 25;
const MAX_PERIOD = 50;
const MAX_ITERATIONS = 1000;
const START_RISE = 0.01;

/**
 * Subgradient ascent on pi. Each step moves pi along 0.7 v + 0.3 v_prev, where v = degree - 2 is the subgradient
 * (the mix damps zig-zagging). The step size starts small and doubles while the bound keeps rising (the initial
 * phase); the first doubling that fails is undone, and that step is then held for a period of iterations; each
 * period halves both the step and the next period's length. The ascent ends when the step or
 * the period reaches zero, the 1-tree is a tour, or maxIterations is spent.
 */
export function subgradientAscent(instance: Instance, graph: SparseGraph | null, options: AscentOptions = {}): AscentResult {
  const n = instance.n;
  let pi = new Float64Array(n);
  let tree = minimumOneTree(instance, pi, graph);
  let iterations = 1;
  let bestW = tree.cost;
  let bestPi = pi.slice();
  let bestTree = tree;
  const maxIterations = options.maxIterations ?? MAX_ITERATIONS;
  let period = Math.max(1, Math.round(options.initialPeriod ?? Math.min(MAX_PERIOD, Math.max(MIN_PERIOD, n / 2))));
  // Scale-free start: while the 1-tree stays, a step t raises w by t * |v|^2; aim at 1 % of w. The initial phase
  // then doubles it while the bound rises.
  let step = Math.max(1e-9, (START_RISE * Math.abs(tree.cost)) / Math.max(1, squaredNorm(tree.degree)));
  let initialPhase = true;
  const lastV = new Int32Array(n);
  let firstStep = true;
  while (step > 1e-12 && period > 0 && iterations < maxIterations) {
    for (let p = 1; p <= period && iterations < maxIterations; p++) {
      const deg = tree.degree;
      if (squaredNorm(deg) === 0) return { pi, lowerBound: treeBound(tree, pi), tree, iterations, isTour: true };
      pi = pi.slice();
      for (let c = 0; c < n; c++) {
        const v = deg[c] - 2;
        // On the first step there is no previous direction to mix in.
        if (v !== 0 || lastV[c] !== 0) pi[c] += step * (firstStep ? v : 0.7 * v + 0.3 * lastV[c]);
        lastV[c] = v;
      }
      firstStep = false;
      tree = minimumOneTree(instance, pi, graph);
      iterations++;
      const w = treeBound(tree, pi);
      if (w > bestW) {
        bestW = w;
        bestPi = pi;
        bestTree = tree;
        if (initialPhase) step *= 2;
      } else if (initialPhase) {
        // The last doubling overshot: go back to the size that still raised the bound and hold it.
        initialPhase = false;
        p = 0;
        step /= 2;
      }
    }
    period >>= 1;
    step /= 2;
  }
  return { pi: bestPi, lowerBound: bestW, tree: bestTree, iterations, isTour: false };
}

/** |v|^2 for the subgradient v = degree - 2. */
function squaredNorm(degree: Int32Array): number {
  let norm = 0;
  for (let c = 0; c < degree.length; c++) norm += (degree[c] - 2) * (degree[c] - 2);
  return norm;
}

/** w(pi) of a 1-tree: its cost less twice the penalties. */
function treeBound(tree: OneTree, pi: Float64Array): number {
  let sum = 0;
  for (let c = 0; c < pi.length; c++) sum += pi[c];
  return tree.cost - 2 * sum;
}
