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

/** Quadrants around a query city, half-open so that every other city is in exactly one. */
export const QUADRANTS = 4;
const ALL = -1;

/**
 * Which quadrant of (qx, qy) the point (x, y) lies in: 0 right/up, 1 left/up, 2 left/down, 3 right/down,
 * each owning one of its boundary rays; a city on top of the query city counts as quadrant 0.
 */
export function quadrantOf(dx: number, dy: number): number {
  if (dx > 0) return dy >= 0 ? 0 : 3;
  if (dx < 0) return dy <= 0 ? 2 : 1;
  return dy > 0 ? 1 : dy < 0 ? 3 : 0;
}

export class KdTree {
  private readonly pts: Float64Array;
  private readonly lowerBound: (sq: number) => number;
  private readonly dist: (i: number, j: number) => number;
  /** Quadrant queries need planar coordinates (the embedding's x and y are then the city's own). */
  readonly planar: boolean;
  /** City indices, reordered so that every node owns a contiguous range [lo, hi). */
  private readonly perm: Int32Array;
  /** Per node (heap numbering from 1; children 2v, 2v+1): split axis and live cities below. */
  private readonly axis: Uint8Array;
  private readonly live: Int32Array;
  /** Per node: bounding box, min x y z then max x y z, for pruning by distance and by quadrant. */
  private readonly box: Float64Array;
  /** Per city: its leaf, so that remove() can walk up to the root. */
  private readonly leafOf: Int32Array;
  private readonly removed: Uint8Array;
  // Query state, kept on the object rather than in closures so that queries allocate nothing.
  private q = 0;
  private qx = 0;
  private qy = 0;
  private qz = 0;
  private quadrant = ALL;
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
    this.planar = instance.data.edgeWeightType !== 'GEO';
    this.perm = new Int32Array(n);
    for (let c = 0; c < n; c++) this.perm[c] = c;
    let depth = 0;
    for (let s = n; s > LEAF; s = Math.ceil(s / 2)) depth++;
    const nodes = 2 << depth;
    this.axis = new Uint8Array(nodes);
    this.live = new Int32Array(nodes);
    this.box = new Float64Array(6 * nodes);
    this.leafOf = new Int32Array(n);
    this.removed = new Uint8Array(n);
    this.build(1, 0, n);
  }

  private build(node: number, lo: number, hi: number): void {
    this.live[node] = hi - lo;
    const { pts, perm, box } = this;
    // Split the widest axis at the median: balanced, and robust to clustered instances.
    let widest = 0;
    for (let a = 0; a < 3; a++) {
      let min = Infinity;
      let max = -Infinity;
      for (let p = lo; p < hi; p++) {
        const v = pts[3 * perm[p] + a];
        if (v < min) min = v;
        if (v > max) max = v;
      }
      box[6 * node + a] = min;
      box[6 * node + 3 + a] = max;
      if (max - min > box[6 * node + 3 + widest] - box[6 * node + widest]) widest = a;
    }
    if (hi - lo <= LEAF) {
      for (let p = lo; p < hi; p++) this.leafOf[perm[p]] = node;
      return;
    }
    const mid = (lo + hi) >> 1;
    this.select(lo, hi - 1, mid, widest);
    this.axis[node] = widest;
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
   * out[offset ...]. Returns how many were found (fewer than k only when fewer are live). With a
   * quadrant (0..3, planar instances only) just the cities in that quadrant around q count.
   */
  nearest(q: number, k: number, out: Int32Array, offset = 0, quadrant = ALL): number {
    if (quadrant !== ALL && !this.planar) throw new Error('quadrant queries need planar coordinates');
    if (this.best.k !== k) this.best = new KBest(k);
    this.best.clear();
    this.q = q;
    this.qx = this.pts[3 * q];
    this.qy = this.pts[3 * q + 1];
    this.qz = this.pts[3 * q + 2];
    this.quadrant = quadrant;
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
    const { box, best, qx, qy } = this;
    const b = 6 * node;
    // Ties count: a city at exactly the k-th distance but with a lower index would still displace it.
    if (best.full && this.lowerBound(this.boxDistanceSq(b)) > best.worst) return;
    const quadrant = this.quadrant;
    if (quadrant !== ALL && !this.boxMeetsQuadrant(b, quadrant)) return;
    if (hi - lo <= LEAF) {
      const { perm, removed, dist, q, pts } = this;
      for (let p = lo; p < hi; p++) {
        const c = perm[p];
        if (c === q || removed[c] !== 0) continue;
        if (quadrant !== ALL && quadrantOf(pts[3 * c] - qx, pts[3 * c + 1] - qy) !== quadrant) continue;
        best.offer(dist(q, c), c);
      }
      return;
    }
    const mid = (lo + hi) >> 1;
    const a = this.axis[node];
    // The child on q's side of the split first: it fills the heap with close cities, which prunes the other.
    const left = 2 * node;
    const splitAt = box[6 * (left + 1) + a];
    if ((a === 0 ? qx : a === 1 ? qy : this.qz) < splitAt) {
      this.search(left, lo, mid);
      this.search(left + 1, mid, hi);
    } else {
      this.search(left + 1, mid, hi);
      this.search(left, lo, mid);
    }
  }

  /**
   * Squared distance from q to the node's box. Each gap is a difference of two stored coordinates, and float
   * rounding is monotone, so no city inside can have a smaller computed squared distance.
   */
  private boxDistanceSq(b: number): number {
    const box = this.box;
    return (
      gapSq(box[b] - this.qx, this.qx - box[b + 3]) + gapSq(box[b + 1] - this.qy, this.qy - box[b + 4]) + gapSq(box[b + 2] - this.qz, this.qz - box[b + 5])
    );
  }

  /** Whether the box can hold a city in the quadrant (conservative; the leaf test is exact). */
  private boxMeetsQuadrant(b: number, quadrant: number): boolean {
    const box = this.box;
    const { qx, qy } = this;
    const minX = box[b];
    const minY = box[b + 1];
    const maxX = box[b + 3];
    const maxY = box[b + 4];
    const holdsQ = minX <= qx && qx <= maxX && minY <= qy && qy <= maxY;
    switch (quadrant) {
      case 0:
        return (maxX > qx && maxY >= qy) || holdsQ;
      case 1:
        return minX <= qx && maxY > qy;
      case 2:
        return minX < qx && minY <= qy;
      default:
        return maxX >= qx && minY < qy;
    }
  }
}

/** The squared gap along one axis, given (box min - q) and (q - box max); 0 when q is within. */
function gapSq(below: number, above: number): number {
  const gap = below > 0 ? below : above > 0 ? above : 0;
  return gap * gap;
}
