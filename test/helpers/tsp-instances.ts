/** Small random instances of every edge-weight type, tour checks and k-opt reconnections by brute force, for the kernel's property tests. */
import type { ArrayTour } from '../../shared/tsp/arraytour.ts';
import { createInstance } from '../../shared/tsp/instance.ts';
import { Rng } from '../../shared/tsp/random.ts';
import type { EdgeWeightType, Instance, ProblemData } from '../../shared/tsp/types.ts';

export const EDGE_WEIGHT_TYPES: EdgeWeightType[] = ['EUC_2D', 'CEIL_2D', 'ATT', 'GEO', 'EXPLICIT'];

/** n cities of a type: coordinates in 0..side (degrees for GEO), EXPLICIT as a Manhattan matrix of them. */
export function instanceOf(type: EdgeWeightType, n: number, seed: number, side = 1000): Instance {
  const rng = new Rng(seed);
  const xs = Float64Array.from({ length: n }, () => rng.nextInt(side + 1) * (type === 'GEO' ? 80 / side : 1));
  const ys = Float64Array.from({ length: n }, () => rng.nextInt(side + 1) * (type === 'GEO' ? 170 / side : 1));
  const data: ProblemData = { name: 'p', n, edgeWeightType: type, xs, ys };
  if (type === 'EXPLICIT') {
    data.matrix = new Int32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) data.matrix[i * n + j] = Math.abs(xs[i] - xs[j]) + Math.abs(ys[i] - ys[j]);
  }
  return createInstance(data);
}

/** An undirected edge as a string, the same for both directions. */
export function edgeKey(a: number, b: number): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}

/** Undirected edges of a tour, sorted. */
export function tourEdges(order: ArrayLike<number>): string[] {
  const out: string[] = [];
  for (let p = 0; p < order.length; p++) out.push(edgeKey(order[p], order[(p + 1) % order.length]));
  return out.sort();
}

/** The tour's order is a permutation and its position index agrees with it. */
export function consistent(t: ArrayTour): boolean {
  const seen = new Uint8Array(t.n);
  for (let p = 0; p < t.n; p++) {
    const c = t.order[p];
    if (seen[c] || t.pos[c] !== p) return false;
    seen[c] = 1;
  }
  return true;
}

/** The edges after the move (a multiset, as sorted keys): the tour's, less the removed, plus the added. */
export function edgesAfter(order: ArrayLike<number>, t: ArrayLike<number>, k: number): string[] {
  const out = tourEdges(order);
  for (let i = 1; i <= k; i++) out.splice(out.indexOf(edgeKey(t[2 * i - 1], t[2 * i])), 1);
  for (let i = 1; i < k; i++) out.push(edgeKey(t[2 * i], t[2 * i + 1]));
  out.push(edgeKey(t[2 * k], t[1]));
  return out.sort();
}

/** Brute force: the edges form one Hamiltonian cycle (every city of degree 2, one component, no repeated edge). */
export function isOneCycle(n: number, edges: string[]): boolean {
  if (new Set(edges).size !== edges.length) return false;
  const adjacent: number[][] = Array.from({ length: n }, () => []);
  for (const e of edges) {
    const [a, b] = e.split('-').map(Number);
    if (a === b) return false;
    adjacent[a].push(b);
    adjacent[b].push(a);
  }
  if (adjacent.some((list) => list.length !== 2)) return false;
  let length = 0;
  for (let previous = -1, c = 0; length === 0 || c !== 0; length++) {
    const next = adjacent[c][0] === previous ? adjacent[c][1] : adjacent[c][0];
    previous = c;
    c = next;
  }
  return length === n;
}
