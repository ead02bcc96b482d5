/**
 * Alpha-nearness candidate lists (Helsgaun, EJOR 2000, section 4; re-derived here). For penalties pi from the
 * subgradient ascent (onetree.ts), alpha(i, j) is how much the minimum 1-tree's cost rises when it must contain
 * the edge (i, j): 0 for the 1-tree's own edges; for the special leaf s, c'(s, j) minus the dearer of s's two
 * edges; otherwise c'(i, j) minus the dearest edge on the spanning tree's path from i to j (beta), which is the
 * edge that (i, j) would replace. Optimal tours use edges of small alpha far more often than short edges: LKH's
 * 5 alpha-nearest hold nearly all of an optimal tour's edges where the 5 nearest miss many.
 *
 * Dense (EXPLICIT, and any instance when asked): the ascent and beta on all n^2 pairs, beta by one walk per city
 * over the tree in the order Prim reached it (a parent's beta before its child's), O(n^2) time, O(n) memory.
 * Sparse (coordinate instances): the ascent and alpha on the candidate graph of candidate-graph.ts, beta by
 * binary lifting over the tree, O(m log n).
 */
import { buildCandidateGraph, type CandidateGraphOptions, type SparseGraph } from './candidate-graph.ts';
import { penalisedCost, subgradientAscent, type AscentOptions, type OneTree } from './onetree.ts';
import type { Instance, NeighbourLists } from './types.ts';

/** LKH's default: 5 alpha-nearest candidates per city. */
export const DEFAULT_ALPHA_CANDIDATES = 5;

export interface AlphaOptions extends AscentOptions {
  /** Candidates per city (capped at n - 1); default 5. */
  k?: number;
  /** 'auto' (default): dense for EXPLICIT instances, sparse for coordinate ones. */
  graph?: 'auto' | 'dense' | 'sparse';
  /** The sparse graph's make-up (candidate-graph.ts). */
  sparse?: CandidateGraphOptions;
}

export interface AlphaCandidates {
  /** Per city its k best by alpha (ties by distance, then index), listed nearest first (see NeighbourLists). */
  lists: NeighbourLists;
  /** The ascent's best w(pi): a lower bound on the optimal tour when computed dense. */
  lowerBound: number;
  /** 1-trees the ascent computed. */
  iterations: number;
  dense: boolean;
}

/** Alpha-nearness candidate lists of an instance (see AlphaCandidates). */
export function buildAlphaCandidates(instance: Instance, options: AlphaOptions = {}): AlphaCandidates {
  const n = instance.n;
  const k = Math.max(0, Math.min(options.k ?? DEFAULT_ALPHA_CANDIDATES, n - 1));
  const mode = options.graph ?? 'auto';
  const dense = mode === 'dense' || (mode === 'auto' && (instance.data.edgeWeightType === 'EXPLICIT' || !instance.data.xs));
  // The sparse graph must offer every city at least k candidates.
  const graph = dense || n < 3 ? null : buildCandidateGraph(instance, { ...options.sparse, nearest: Math.max(k, options.sparse?.nearest ?? 10) });
  const ascent = subgradientAscent(instance, graph, options);
  const neighbours = new Int32Array(n * k);
  if (k > 0) {
    const chooser = new CandidateChooser(k, instance.dist);
    if (graph) sparseAlpha(graph, alphaOf(instance, ascent), chooser, neighbours);
    else denseAlpha(n, ascent.tree, penalisedCost(instance.dist, ascent.pi), chooser, neighbours);
  }
  return { lists: { k, neighbours }, lowerBound: ascent.lowerBound, iterations: ascent.iterations, dense: graph === null };
}

/** Alpha-nearness lists only (the NeighbourLists shape the kernel takes). */
export function buildAlphaNeighbourLists(instance: Instance, options: AlphaOptions = {}): NeighbourLists {
  return buildAlphaCandidates(instance, options).lists;
}

/** Alpha of (s, j) for the special leaf s: 0 for its two 1-tree edges, else c'(s, j) less the dearer of them. */
function specialAlpha(tree: OneTree, s: number, j: number, w: number): number {
  const treeNeighbour = tree.parent[s] >= 0 ? tree.parent[s] : tree.order[1];
  if (j === tree.extra || j === treeNeighbour) return 0;
  const treeEdge = tree.parent[s] >= 0 ? tree.parentCost[s] : tree.parentCost[treeNeighbour];
  return w - Math.max(treeEdge, tree.extraCost);
}

/** beta for all pairs, one city i at a time: walk up from i, then fill the rest parents-first. */
function denseAlpha(n: number, tree: OneTree, cost: (i: number, j: number) => number, chooser: CandidateChooser, out: Int32Array): void {
  const { parent, parentCost, order, special } = tree;
  const beta = new Float64Array(n);
  const onPath = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    chooser.begin(i);
    if (i === special) {
      for (let j = 0; j < n; j++) if (j !== i) chooser.offer(j, specialAlpha(tree, i, j, cost(i, j)));
      chooser.end(out);
      continue;
    }
    // beta(i, a) for i's ancestors a: the dearest edge between them.
    beta[i] = -Infinity;
    onPath[i] = i;
    for (let c = i; parent[c] >= 0; c = parent[c]) {
      beta[parent[c]] = Math.max(beta[c], parentCost[c]);
      onPath[parent[c]] = i;
    }
    // Any other city's path to i leaves the tree through its parent (reached earlier in order).
    for (let r = 0; r < n; r++) {
      const j = order[r];
      if (onPath[j] !== i) beta[j] = Math.max(beta[parent[j]], parentCost[j]);
      if (j === i) continue;
      chooser.offer(j, j === special ? specialAlpha(tree, j, i, cost(i, j)) : cost(i, j) - beta[j]);
    }
    chooser.end(out);
  }
}

/** alpha on the sparse graph's edges. */
function sparseAlpha(graph: SparseGraph, alpha: (i: number, j: number) => number, chooser: CandidateChooser, out: Int32Array): void {
  const { n, offsets, adjacent } = graph;
  for (let i = 0; i < n; i++) {
    chooser.begin(i);
    for (let p = offsets[i]; p < offsets[i + 1]; p++) chooser.offer(adjacent[p], alpha(i, adjacent[p]));
    chooser.end(out);
  }
}

/** alpha(i, j) for any pair (i != j) under an ascent's penalties and 1-tree, beta by binary lifting: O(log n) each. */
export function alphaOf(instance: Instance, { pi, tree }: { pi: Float64Array; tree: OneTree }): (i: number, j: number) => number {
  const cost = penalisedCost(instance.dist, pi);
  const { special } = tree;
  const lift = new PathMaxima(tree);
  return (i, j) => {
    const w = cost(i, j);
    if (i === special) return specialAlpha(tree, i, j, w);
    if (j === special) return specialAlpha(tree, j, i, w);
    return w - lift.maxOnPath(i, j);
  };
}

/** The dearest edge on the tree path between two cities, in O(log n) per query. */
class PathMaxima {
  private readonly levels: number;
  private readonly depth: Int32Array;
  /** up[l * n + c]: c's ancestor 2^l steps up (the root stays put); most[l * n + c]: the dearest edge on the way. */
  private readonly up: Int32Array;
  private readonly most: Float64Array;
  private readonly n: number;

  constructor(tree: OneTree) {
    const { parent, parentCost, order } = tree;
    const n = (this.n = parent.length);
    this.depth = new Int32Array(n);
    let levels = 1;
    while (1 << levels < n) levels++;
    this.levels = levels;
    this.up = new Int32Array(levels * n);
    this.most = new Float64Array(levels * n);
    const { depth, up, most } = this;
    for (let r = 0; r < n; r++) {
      const c = order[r];
      const p = parent[c];
      depth[c] = p >= 0 ? depth[p] + 1 : 0;
      up[c] = p >= 0 ? p : c;
      most[c] = p >= 0 ? parentCost[c] : -Infinity;
    }
    for (let l = 1; l < levels; l++)
      for (let c = 0; c < n; c++) {
        const half = up[(l - 1) * n + c];
        up[l * n + c] = up[(l - 1) * n + half];
        most[l * n + c] = Math.max(most[(l - 1) * n + c], most[(l - 1) * n + half]);
      }
  }

  maxOnPath(a: number, b: number): number {
    const { depth, up, most, n } = this;
    let best = -Infinity;
    if (depth[a] < depth[b]) {
      const t = a;
      a = b;
      b = t;
    }
    for (let l = this.levels - 1, gap = depth[a] - depth[b]; l >= 0; l--)
      if (gap & (1 << l)) {
        best = Math.max(best, most[l * n + a]);
        a = up[l * n + a];
      }
    if (a === b) return best;
    for (let l = this.levels - 1; l >= 0; l--)
      if (up[l * n + a] !== up[l * n + b]) {
        best = Math.max(best, most[l * n + a], most[l * n + b]);
        a = up[l * n + a];
        b = up[l * n + b];
      }
    return Math.max(best, most[a], most[b]);
  }
}

/** Keeps a city's k best candidates by (alpha, distance, index), then writes them nearest first. */
class CandidateChooser {
  private readonly alpha: Float64Array;
  private readonly d: Float64Array;
  private readonly j: Int32Array;
  private size = 0;
  private i = 0;

  constructor(
    private readonly k: number,
    private readonly dist: (i: number, j: number) => number,
  ) {
    this.alpha = new Float64Array(k + 1);
    this.d = new Float64Array(k + 1);
    this.j = new Int32Array(k + 1);
  }

  begin(i: number): void {
    this.i = i;
    this.size = 0;
  }

  /** Insertion into a sorted array of at most k + 1: k is small (5..10). */
  offer(j: number, alpha: number): void {
    const { k } = this;
    if (this.size === k && alpha > this.alpha[k - 1]) return;
    const d = this.dist(this.i, j);
    let at = this.size;
    while (at > 0 && before(alpha, d, j, this.alpha[at - 1], this.d[at - 1], this.j[at - 1])) {
      this.alpha[at] = this.alpha[at - 1];
      this.d[at] = this.d[at - 1];
      this.j[at] = this.j[at - 1];
      at--;
    }
    this.alpha[at] = alpha;
    this.d[at] = d;
    this.j[at] = j;
    if (this.size < k) this.size++;
  }

  /** Writes the chosen candidates into out[i * k ...], re-sorted by distance (ties by index). */
  end(out: Int32Array): void {
    const { d, j, size } = this;
    for (let a = 1; a < size; a++) {
      const da = d[a];
      const ja = j[a];
      let b = a - 1;
      while (b >= 0 && (d[b] > da || (d[b] === da && j[b] > ja))) {
        d[b + 1] = d[b];
        j[b + 1] = j[b];
        b--;
      }
      d[b + 1] = da;
      j[b + 1] = ja;
    }
    const base = this.i * this.k;
    for (let a = 0; a < size; a++) out[base + a] = j[a];
    if (size < this.k) throw new Error(`city ${this.i} has ${size} candidates, fewer than ${this.k}`);
  }
}

function before(a1: number, d1: number, j1: number, a2: number, d2: number, j2: number): boolean {
  return a1 < a2 || (a1 === a2 && (d1 < d2 || (d1 === d2 && j1 < j2)));
}
