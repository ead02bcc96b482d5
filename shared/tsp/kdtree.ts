/**
 * A static k-d tree over an instance's cities, answering "the k nearest cities to q" exactly by the
 * instance's own integer dist (ties broken by lower index), with optional removal of cities (for nearest-
 * neighbour construction). Memory is O(n): never an n x n matrix.
 *
 * Exactness: cities are embedded in a Euclidean space (the plane for EUC_2D/CEIL_2D/ATT, the unit sphere for
 * GEO) where the TSPLIB distance is a non-decreasing function of Euclidean distance. A subtree is skipped only
 * when that function, applied to the distance to its splitting plane, exceeds the current k-th best distance.
 */
import { geoRadians } from './instance.ts';
import type { Instance } from './types.ts';

/** Cities per leaf: small enough to prune well, large enough that the tree stays shallow. */
const LEAF = 8;
/** GEO distances come through acos, whose rounding near 1 reaches ~1e-8 rad; bounds keep a margin for it. */
const GEO_ANGLE_MARGIN = 1e-7;
const GEO_RRR = 6378.388;

/** Bounded max-heap keeping the k best (distance, index) pairs, in lexicographic order. */
export class KBest {
  readonly d: Float64Array;
  readonly i: Int32Array;
  size = 0;

  constructor(readonly k: number) {
    this.d = new Float64Array(k);
    this.i = new Int32Array(k);
  }

  get full(): boolean {
    return this.size === this.k;
  }

  /** The current k-th best distance (Infinity until k are held). */
  get worst(): number {
    return this.size === this.k ? this.d[0] : Infinity;
  }

  clear(): void {
    this.size = 0;
  }

  offer(dist: number, index: number): void {
    const { d, i } = this;
    if (this.size < this.k) {
      // Sift up from the new leaf.
      let c = this.size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!worse(dist, index, d[p], i[p])) break;
        d[c] = d[p];
        i[c] = i[p];
        c = p;
      }
      d[c] = dist;
      i[c] = index;
      return;
    }
    if (!worse(d[0], i[0], dist, index)) return;
    // Replace the root (the worst) and sift down.
    const n = this.size;
    let c = 0;
    for (;;) {
      let m = 2 * c + 1;
      if (m >= n) break;
      if (m + 1 < n && worse(d[m + 1], i[m + 1], d[m], i[m])) m++;
      if (!worse(d[m], i[m], dist, index)) break;
      d[c] = d[m];
      i[c] = i[m];
      c = m;
    }
    d[c] = dist;
    i[c] = index;
  }

  /** Writes the held indices nearest first into out[offset ...]; empties the heap. Returns how many. */
  drainSorted(out: Int32Array, offset: number): number {
    const count = this.size;
    // Insertion sort of k <= a few dozen entries beats popping the heap.
    const { d, i } = this;
    for (let a = 1; a < count; a++) {
      const da = d[a];
      const ia = i[a];
      let b = a - 1;
      while (b >= 0 && worse(d[b], i[b], da, ia)) {
        d[b + 1] = d[b];
        i[b + 1] = i[b];
        b--;
      }
      d[b + 1] = da;
      i[b + 1] = ia;
    }
    for (let a = 0; a < count; a++) out[offset + a] = i[a];
    this.size = 0;
    return count;
  }
}

function worse(d1: number, i1: number, d2: number, i2: number): boolean {
  return d1 > d2 || (d1 === d2 && i1 > i2);
}

interface Embedding {
  /** Three coordinates per city (z = 0 in the plane). */
  pts: Float64Array;
  /** A lower bound on dist(a, b) for any cities whose embedded squared distance is at least sq. */
  lowerBound(sq: number): number;
}

/**
 * The Euclidean embedding of an instance with coordinate-based distances, or null for EXPLICIT ones
 * (their display coordinates, if any, say nothing about distances).
 */
function embed(instance: Instance): Embedding | null {
  const { xs, ys, edgeWeightType } = instance.data;
  if (edgeWeightType === 'EXPLICIT' || !xs || !ys) return null;
  const n = instance.n;
  const pts = new Float64Array(3 * n);
  if (edgeWeightType === 'GEO') {
    for (let c = 0; c < n; c++) {
      const lat = geoRadians(xs[c]);
      const lon = geoRadians(ys[c]);
      pts[3 * c] = Math.cos(lat) * Math.cos(lon);
      pts[3 * c + 1] = Math.cos(lat) * Math.sin(lon);
      pts[3 * c + 2] = Math.sin(lat);
    }
    return {
      pts,
      lowerBound(sq) {
        const angle = 2 * Math.asin(Math.min(1, Math.sqrt(sq) / 2)) - GEO_ANGLE_MARGIN;
        return Math.trunc(GEO_RRR * Math.max(0, angle) + 1);
      },
    };
  }
  for (let c = 0; c < n; c++) {
    pts[3 * c] = xs[c];
    pts[3 * c + 1] = ys[c];
  }
  // Planar bounds need no margin: the plane offset is a difference of two stored coordinates, and float
  // rounding is monotone, so the computed dist of any city beyond the plane is at least this bound.
  switch (edgeWeightType) {
    case 'EUC_2D':
      return { pts, lowerBound: (sq) => Math.floor(Math.sqrt(sq) + 0.5) };
    case 'CEIL_2D':
      return { pts, lowerBound: (sq) => Math.ceil(Math.sqrt(sq)) };
    case 'ATT':
      return {
        pts,
        lowerBound(sq) {
          const r = Math.sqrt(sq / 10);
          const t = Math.floor(r + 0.5);
          return t < r ? t + 1 : t;
        },
      };
  }
}

export class KdTree {
  private readonly pts: Float64Array;
  private readonly lowerBound: (sq: number) => number;
  private readonly dist: (i: number, j: number) => number;
  /** City indices, reordered so that every node owns a contiguous range [lo, hi). */
  private readonly perm: Int32Array;
  /** Per node (heap numbering from 1; children 2v, 2v+1): split axis, split value, live cities below. */
  private readonly axis: Uint8Array;
  private readonly split: Float64Array;
  private readonly live: Int32Array;
  /** Per city: its leaf, so that remove() can walk up to the root. */
  private readonly leafOf: Int32Array;
  private readonly removed: Uint8Array;
  // Query state, kept on the object rather than in closures so that queries allocate nothing.
  private q = 0;
  private qx = 0;
  private qy = 0;
  private qz = 0;
  private best: KBest = new KBest(1);

  /** Null when the instance has no coordinate-based metric (EXPLICIT). */
  static forInstance(instance: Instance): KdTree | null {
    const e = embed(instance);
    return e ? new KdTree(instance, e) : null;
  }

  private constructor(instance: Instance, e: Embedding) {
    const n = instance.n;
    this.pts = e.pts;
    this.lowerBound = e.lowerBound;
    this.dist = instance.dist;
    this.perm = new Int32Array(n);
    for (let c = 0; c < n; c++) this.perm[c] = c;
    let depth = 0;
    for (let s = n; s > LEAF; s = Math.ceil(s / 2)) depth++;
    const nodes = 2 << depth;
    this.axis = new Uint8Array(nodes);
    this.split = new Float64Array(nodes);
    this.live = new Int32Array(nodes);
    this.leafOf = new Int32Array(n);
    this.removed = new Uint8Array(n);
    this.build(1, 0, n);
  }

  private build(node: number, lo: number, hi: number): void {
    this.live[node] = hi - lo;
    if (hi - lo <= LEAF) {
      for (let p = lo; p < hi; p++) this.leafOf[this.perm[p]] = node;
      return;
    }
    // Split the widest axis at the median: balanced, and robust to clustered instances.
    const { pts, perm } = this;
    let best = 0;
    let bestSpread = -1;
    for (let a = 0; a < 3; a++) {
      let min = Infinity;
      let max = -Infinity;
      for (let p = lo; p < hi; p++) {
        const v = pts[3 * perm[p] + a];
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (max - min > bestSpread) {
        bestSpread = max - min;
        best = a;
      }
    }
    const mid = (lo + hi) >> 1;
    this.select(lo, hi - 1, mid, best);
    this.axis[node] = best;
    this.split[node] = pts[3 * perm[mid] + best];
    this.build(2 * node, lo, mid);
    this.build(2 * node + 1, mid, hi);
  }

  /** Hoare quickselect: afterwards perm[lo..k) <= perm[k] <= perm(k..hi] on the axis. */
  private select(lo: number, hi: number, k: number, a: number): void {
    const { pts, perm } = this;
    while (hi > lo) {
      const pivot = pts[3 * perm[(lo + hi) >> 1] + a];
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (pts[3 * perm[i] + a] < pivot) i++;
        while (pts[3 * perm[j] + a] > pivot) j--;
        if (i <= j) {
          const t = perm[i];
          perm[i] = perm[j];
          perm[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) hi = j;
      else if (k >= i) lo = i;
      else return;
    }
  }

  /**
   * The up to k nearest live cities to city q (q itself excluded), nearest first, written to
   * out[offset ...]. Returns how many were found (fewer than k only when fewer are live).
   */
  nearest(q: number, k: number, out: Int32Array, offset = 0): number {
    if (this.best.k !== k) this.best = new KBest(k);
    this.best.clear();
    this.q = q;
    this.qx = this.pts[3 * q];
    this.qy = this.pts[3 * q + 1];
    this.qz = this.pts[3 * q + 2];
    this.search(1, 0, this.perm.length);
    return this.best.drainSorted(out, offset);
  }

  /** Takes city c out of all later queries. */
  remove(c: number): void {
    if (this.removed[c]) return;
    this.removed[c] = 1;
    for (let v = this.leafOf[c]; v >= 1; v >>= 1) this.live[v]--;
  }

  private search(node: number, lo: number, hi: number): void {
    if (this.live[node] === 0) return;
    const best = this.best;
    if (hi - lo <= LEAF) {
      const { perm, removed, dist, q } = this;
      for (let p = lo; p < hi; p++) {
        const c = perm[p];
        if (c !== q && removed[c] === 0) best.offer(dist(q, c), c);
      }
      return;
    }
    const mid = (lo + hi) >> 1;
    const a = this.axis[node];
    const diff = (a === 0 ? this.qx : a === 1 ? this.qy : this.qz) - this.split[node];
    const near = diff < 0 ? 2 * node : 2 * node + 1;
    if (diff < 0) this.search(near, lo, mid);
    else this.search(near, mid, hi);
    // Ties count: a city at exactly the k-th distance but with a lower index would still displace it.
    if (best.full && this.lowerBound(diff * diff) > best.worst) return;
    if (diff < 0) this.search(near + 1, mid, hi);
    else this.search(near - 1, lo, mid);
  }
}
