/**
 * Partition crossover of two tours, re-derived from Whitley, Hains and Howe's GPX (2009) and Tinós, Whitley
 * and Ochoa's GPX2 (2018). The union of two tours' edges, less the edges they share, falls apart into
 * components; where both tours enter and leave a component at the same cities and join those cities in the
 * same pairs inside it, either tour's paths through it can be taken without changing how the rest of the
 * tour connects, independently of every other such component. The child takes each of those from the
 * parent whose paths are shorter there, and everything else from the parent that is shorter on the rest:
 * never longer than the better parent, in time linear in n.
 *
 * Two refinements of GPX2 find more components: a city where the tours share no edge is split in two
 * joined by a shared zero-length edge (a "ghost"), so components can also be cut there; and infeasible
 * components next to each other along the tour are fused, which often makes a feasible one.
 * Isomorphic: typed arrays only.
 */
import { tourLength } from './instance.ts';
import type { Instance, Tour } from './types.ts';

export interface CrossoverResult {
  /** The child, a fresh permutation (a copy of the better parent when no partition helps). */
  tour: Int32Array;
  length: number;
  /** Components of the union graph with the shared edges removed (after fusion). */
  components: number;
  /** Of those, the ones either parent could give independently. */
  feasible: number;
}

/** Passes of fusing neighbouring infeasible components; each is linear, and few are worth it. */
const FUSION_PASSES = 3;
/** Infeasible groups tried one by one from the other parent (each try is a linear walk). */
const MAX_INFEASIBLE_TRIALS = 32;

/**
 * The child of `a` and `b` (permutations of the instance's cities). Lengths may be passed when known
 * (the caller computed them); they are recomputed otherwise.
 */
export function partitionCrossover(
  instance: Instance,
  a: Tour,
  b: Tour,
  lengthA = tourLength(instance, a),
  lengthB = tourLength(instance, b),
): CrossoverResult {
  const n = a.length;
  if (b.length !== n || n !== instance.n) throw new RangeError(`tours of ${a.length} and ${b.length} cities for an instance of ${instance.n}`);
  const better = lengthB < lengthA ? b : a;
  const betterLength = Math.min(lengthA, lengthB);
  const unchanged = (components: number, feasible: number): CrossoverResult => ({ tour: Int32Array.from(better), length: betterLength, components, feasible });
  if (n < 8) return unchanged(0, 0);

  const graph = unionGraph(a, b);
  const { components, count } = diffComponents(graph);
  if (count === 0) return unchanged(0, 0); // the same tour
  const groups = new Int32Array(count);
  for (let c = 0; c < count; c++) groups[c] = c;
  let partition = evaluate(instance, graph, components, groups);
  // Also the child of the unfused components: fusion can make things worse, e.g. two infeasible components (two
  // 2-opt reversals, one in each parent) are always neighbours and fuse into one, where each alone, tried from the
  // other parent, gives a tour with both improvements.
  let best = childOf(instance, assemble(graph, components, groups, partition), partition);
  for (let pass = 0; pass < FUSION_PASSES && partition.infeasible > 1; pass++) {
    if (!fuseNeighbours(graph, components, groups, partition.feasible)) break;
    partition = evaluate(instance, graph, components, groups);
    const fused = childOf(instance, assemble(graph, components, groups, partition), partition);
    if (fused && (!best || fused.length < best.length)) best = fused;
  }
  // The theory says never longer; the check keeps that promise whatever the tours were.
  if (!best || best.length > betterLength) return unchanged(partition.groups, partition.feasibleCount);
  return best;
}

function childOf(instance: Instance, child: Int32Array | null, partition: Partition): CrossoverResult | null {
  return child && { tour: child, length: tourLength(instance, child), components: partition.groups, feasible: partition.feasibleCount };
}

/** Edges of `a` that `b` does not have: 0 for the same tour (either direction), n for tours sharing no edge. */
export function tourDistance(a: Tour, b: Tour): number {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`tours of ${a.length} and ${b.length} cities`);
  const position = new Int32Array(n);
  for (let p = 0; p < n; p++) position[b[p]] = p;
  let differing = 0;
  for (let p = 0; p < n; p++) {
    const u = a[p];
    const v = a[p + 1 === n ? 0 : p + 1];
    const q = position[u];
    if (b[q + 1 === n ? 0 : q + 1] !== v && b[q === 0 ? n - 1 : q - 1] !== v) differing++;
  }
  return differing;
}

/**
 * Both tours over the cities plus ghosts: node x < n is city x, node n + k the ghost of the k-th split city.
 * aTour / bTour list the nodes in each parent's order; aPrev / aNext / bPrev / bNext are the neighbours.
 */
interface UnionGraph {
  n: number;
  /** Nodes, cities and ghosts. */
  m: number;
  city: Int32Array;
  aTour: Int32Array;
  bTour: Int32Array;
  aPrev: Int32Array;
  aNext: Int32Array;
  bPrev: Int32Array;
  bNext: Int32Array;
}

function unionGraph(a: Tour, b: Tour): UnionGraph {
  const n = a.length;
  const bPosition = new Int32Array(n);
  for (let p = 0; p < n; p++) bPosition[b[p]] = p;
  const inB = (u: number, v: number): boolean => {
    const q = bPosition[u];
    return b[q + 1 === n ? 0 : q + 1] === v || b[q === 0 ? n - 1 : q - 1] === v;
  };
  // A city where the parents share neither edge gets a ghost: each parent then runs city -> ghost along its
  // own direction, and that shared zero-length edge is a place where a partition may cut.
  const ghost = new Int32Array(n).fill(-1);
  let m = n;
  for (let p = 0; p < n; p++) {
    const v = a[p];
    if (!inB(v, a[p === 0 ? n - 1 : p - 1]) && !inB(v, a[p + 1 === n ? 0 : p + 1])) ghost[v] = m++;
  }
  const city = new Int32Array(m);
  for (let v = 0; v < n; v++) {
    city[v] = v;
    if (ghost[v] >= 0) city[ghost[v]] = v;
  }
  const expand = (tour: Tour): Int32Array => {
    const out = new Int32Array(m);
    let i = 0;
    for (let p = 0; p < n; p++) {
      out[i++] = tour[p];
      if (ghost[tour[p]] >= 0) out[i++] = ghost[tour[p]];
    }
    return out;
  };
  const aTour = expand(a);
  const bTour = expand(b);
  const links = (tour: Int32Array): [Int32Array, Int32Array] => {
    const prev = new Int32Array(m);
    const next = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      const x = tour[i];
      const y = tour[i + 1 === m ? 0 : i + 1];
      next[x] = y;
      prev[y] = x;
    }
    return [prev, next];
  };
  const [aPrev, aNext] = links(aTour);
  const [bPrev, bNext] = links(bTour);
  return { n, m, city, aTour, bTour, aPrev, aNext, bPrev, bNext };
}

/** Whether edge x-y of one parent is also the other's (x's neighbours there are p and q). */
function shared(y: number, p: number, q: number): boolean {
  return y === p || y === q;
}

/** Components of the graph of edges not shared: components[x] (-1 where both of x's edges are shared). */
function diffComponents(g: UnionGraph): { components: Int32Array; count: number } {
  const components = new Int32Array(g.m).fill(-1);
  const stack = new Int32Array(g.m);
  let count = 0;
  for (let s = 0; s < g.m; s++) {
    if (components[s] !== -1 || !hasDiffEdge(g, s)) continue;
    let top = 0;
    stack[top++] = s;
    components[s] = count;
    while (top > 0) {
      const x = stack[--top];
      const ap = g.aPrev[x];
      const an = g.aNext[x];
      const bp = g.bPrev[x];
      const bn = g.bNext[x];
      const visit = (y: number): void => {
        if (components[y] !== -1) return;
        components[y] = count;
        stack[top++] = y;
      };
      if (!shared(ap, bp, bn)) visit(ap);
      if (!shared(an, bp, bn)) visit(an);
      if (!shared(bp, ap, an)) visit(bp);
      if (!shared(bn, ap, an)) visit(bn);
    }
    count++;
  }
  return { components, count };
}

function hasDiffEdge(g: UnionGraph, x: number): boolean {
  return !shared(g.aPrev[x], g.bPrev[x], g.bNext[x]) || !shared(g.aNext[x], g.bPrev[x], g.bNext[x]);
}

/** Union-find root of component c (groups[c] points towards it). */
function root(groups: Int32Array, c: number): number {
  while (groups[c] !== c) {
    groups[c] = groups[groups[c]];
    c = groups[c];
  }
  return c;
}

interface Partition {
  /** By group root: whether the group can be taken from either parent on its own. */
  feasible: Uint8Array;
  /** By group root: the lengths of each parent's paths inside the group. */
  lengthA: Float64Array;
  lengthB: Float64Array;
  /** By component index: whether it is a group root with nodes (fused-away roots are not). */
  present: Uint8Array;
  groups: number;
  feasibleCount: number;
  infeasible: number;
}

/**
 * Which groups are feasible, and each parent's length inside each. A group is feasible when every maximal
 * run of one parent inside it has the same two end cities as a run of the other: the rest of the tour then
 * connects the same way whichever parent's runs are taken.
 */
function evaluate(instance: Instance, g: UnionGraph, components: Int32Array, groups: Int32Array): Partition {
  const count = groups.length;
  const label = new Int32Array(g.m);
  for (let x = 0; x < g.m; x++) label[x] = components[x] < 0 ? -1 : root(groups, components[x]);
  const partnerA = runPartners(g.aTour, label);
  const partnerB = runPartners(g.bTour, label);
  const feasible = new Uint8Array(count);
  const present = new Uint8Array(count);
  for (let x = 0; x < g.m; x++) if (label[x] >= 0) present[label[x]] = feasible[label[x]] = 1;
  for (let x = 0; x < g.m; x++) if (label[x] >= 0 && partnerA[x] !== partnerB[x]) feasible[label[x]] = 0;
  const lengthA = insideLengths(instance, g, g.aTour, label, count);
  const lengthB = insideLengths(instance, g, g.bTour, label, count);
  let groupCount = 0;
  let feasibleCount = 0;
  for (let c = 0; c < count; c++) {
    groupCount += present[c];
    feasibleCount += feasible[c];
  }
  return { feasible, present, lengthA, lengthB, groups: groupCount, feasibleCount, infeasible: groupCount - feasibleCount };
}

/** For each node at an end of a maximal run of one label along the tour: the node at the run's other end (-1 inside runs). */
function runPartners(tour: Int32Array, label: Int32Array): Int32Array {
  const m = tour.length;
  const partner = new Int32Array(m).fill(-1);
  // Start just after a change of label, so no run wraps around the start; with no change there are no ends.
  let start = -1;
  for (let i = 0; i < m; i++) {
    if (label[tour[i]] !== label[tour[i === 0 ? m - 1 : i - 1]]) {
      start = i;
      break;
    }
  }
  if (start < 0) return partner;
  let runStart = -1;
  for (let k = 0; k < m; k++) {
    const i = (start + k) % m;
    const x = tour[i];
    const l = label[x];
    if (l < 0) continue;
    if (label[tour[i === 0 ? m - 1 : i - 1]] !== l) runStart = x;
    if (label[tour[i + 1 === m ? 0 : i + 1]] !== l) {
      partner[runStart] = x;
      partner[x] = runStart;
    }
  }
  return partner;
}

/** Per group: the length of the parent's edges with both ends in it. */
function insideLengths(instance: Instance, g: UnionGraph, tour: Int32Array, label: Int32Array, count: number): Float64Array {
  const lengths = new Float64Array(count);
  const m = tour.length;
  for (let i = 0; i < m; i++) {
    const x = tour[i];
    const y = tour[i + 1 === m ? 0 : i + 1];
    const l = label[x];
    if (l >= 0 && label[y] === l && g.city[x] !== g.city[y]) lengths[l] += instance.dist(g.city[x], g.city[y]);
  }
  return lengths;
}

/**
 * Fuses each infeasible group with the next infeasible group along parent A (each group at most once per
 * pass). Returns whether anything was fused.
 */
function fuseNeighbours(g: UnionGraph, components: Int32Array, groups: Int32Array, feasible: Uint8Array): boolean {
  const fusedThisPass = new Uint8Array(groups.length);
  let previous = -1;
  let fused = false;
  for (let i = 0; i < g.m; i++) {
    const c = components[g.aTour[i]];
    if (c < 0) continue;
    const r = root(groups, c);
    if (feasible[r] || r === previous) continue;
    if (previous >= 0 && !fusedThisPass[previous] && !fusedThisPass[r]) {
      groups[r] = previous;
      fusedThisPass[previous] = 1;
      fused = true;
      previous = -1;
      continue;
    }
    previous = r;
  }
  return fused;
}

/**
 * The child: each feasible group from the parent shorter inside it, all infeasible groups together from
 * the parent shorter over them (a valid tour either way), shared edges kept. Then each infeasible group
 * that would be shorter from the other parent is tried alone, best saving first (up to
 * MAX_INFEASIBLE_TRIALS, each a linear walk), and kept where the child stays one tour. Null if the walk
 * does not close into one tour over every node (it always should).
 */
function assemble(g: UnionGraph, components: Int32Array, groups: Int32Array, partition: Partition): Int32Array | null {
  const { feasible, lengthA, lengthB } = partition;
  let restA = 0;
  let restB = 0;
  const infeasible: number[] = [];
  for (let c = 0; c < groups.length; c++) {
    if (groups[c] === c && !feasible[c] && partition.present[c]) {
      restA += lengthA[c];
      restB += lengthB[c];
      infeasible.push(c);
    }
  }
  const restFromB = restB < restA;
  const fromB = new Uint8Array(groups.length);
  for (let c = 0; c < groups.length; c++) if (groups[c] === c) fromB[c] = feasible[c] ? (lengthB[c] < lengthA[c] ? 1 : 0) : restFromB ? 1 : 0;
  const label = new Int32Array(g.m);
  for (let x = 0; x < g.m; x++) label[x] = components[x] < 0 ? -1 : root(groups, components[x]);
  let child = walk(g, label, fromB);
  if (!child) return null;
  const saving = (c: number): number => (restFromB ? lengthB[c] - lengthA[c] : lengthA[c] - lengthB[c]);
  const trials = infeasible
    .filter((c) => saving(c) > 0)
    .sort((x, y) => saving(y) - saving(x))
    .slice(0, MAX_INFEASIBLE_TRIALS);
  for (const c of trials) {
    fromB[c] ^= 1;
    const tried = walk(g, label, fromB);
    if (tried) child = tried;
    else fromB[c] ^= 1;
  }
  return child;
}

/** The tour that takes each node's two edges from parent B where its group says so (label -1: shared edges), or null if that is not one tour. */
function walk(g: UnionGraph, label: Int32Array, fromB: Uint8Array): Int32Array | null {
  const child = new Int32Array(g.n);
  const visited = new Uint8Array(g.m);
  let previous = -1;
  let x = 0;
  let written = 0;
  for (let step = 0; step < g.m; step++) {
    if (visited[x]) return null;
    visited[x] = 1;
    if (x < g.n) child[written++] = x;
    const b = label[x] >= 0 && fromB[label[x]] === 1;
    const p = b ? g.bPrev[x] : g.aPrev[x];
    const q = b ? g.bNext[x] : g.aNext[x];
    const next = p === previous ? q : p;
    previous = x;
    x = next;
  }
  return x === 0 && written === g.n ? child : null;
}
