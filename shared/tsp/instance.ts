/**
 * TSPLIB95 distance functions, bit-exact with the reference definitions (Reinelt, "TSPLIB 95", section 2),
 * so that tour lengths agree with published optima. dist() is the annealing kernel's inner loop: each edge
 * weight type gets its own closure over local typed-array references, with no allocation per call.
 */
import { Rng } from './random.ts';
import { ProblemError, type Instance, type ProblemData, type Tour } from './types.ts';

/** TSPLIB's constants for GEO: its own PI and the earth radius in km. */
const GEO_PI = 3.141592;
const GEO_RRR = 6378.388;

/** TSPLIB's nint: round half up. */
export function nint(x: number): number {
  return Math.floor(x + 0.5);
}

/**
 * A GEO coordinate in TSPLIB's DDD.MM form (degrees, then minutes as the fractional part) to radians,
 * with TSPLIB's PI. Degrees are truncated towards zero, as in the reference code.
 */
export function geoRadians(ddmm: number): number {
  const deg = Math.trunc(ddmm);
  const min = ddmm - deg;
  return (GEO_PI * (deg + (5 * min) / 3)) / 180;
}

/** GEO distance between two points already in radians (x = latitude, y = longitude). */
function geoDistance(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const q1 = Math.cos(lon1 - lon2);
  const q2 = Math.cos(lat1 - lat2);
  const q3 = Math.cos(lat1 + lat2);
  // Rounding can push the argument a hair past 1 for coincident points, where acos would give NaN.
  const c = Math.min(1, Math.max(-1, 0.5 * ((1 + q1) * q2 - (1 - q1) * q3)));
  return Math.trunc(GEO_RRR * Math.acos(c) + 1);
}

/** Wraps problem data with its distance function, after checking that the arrays it needs are there. */
export function createInstance(data: ProblemData): Instance {
  const n = data.n;
  if (!Number.isInteger(n) || n < 1) throw new ProblemError(`instance ${data.name}: n must be a positive integer, got ${n}`);
  return { data, n, dist: distanceFunction(data) };
}

function distanceFunction(data: ProblemData): (i: number, j: number) => number {
  const { n, xs, ys } = data;
  if (data.edgeWeightType === 'EXPLICIT') {
    const m = data.matrix;
    if (!m || m.length !== n * n) {
      throw new ProblemError(`instance ${data.name}: EXPLICIT needs an ${n} x ${n} matrix, got ${m ? m.length : 'none'} entries`);
    }
    return (i, j) => m[i * n + j];
  }
  if (!xs || !ys || xs.length !== n || ys.length !== n) {
    throw new ProblemError(`instance ${data.name}: ${data.edgeWeightType} needs ${n} x and y coordinates`);
  }
  switch (data.edgeWeightType) {
    case 'EUC_2D':
      return (i, j) => {
        const dx = xs[i] - xs[j];
        const dy = ys[i] - ys[j];
        return Math.floor(Math.sqrt(dx * dx + dy * dy) + 0.5);
      };
    case 'CEIL_2D':
      return (i, j) => {
        const dx = xs[i] - xs[j];
        const dy = ys[i] - ys[j];
        return Math.ceil(Math.sqrt(dx * dx + dy * dy));
      };
    case 'ATT':
      return (i, j) => {
        const dx = xs[i] - xs[j];
        const dy = ys[i] - ys[j];
        const r = Math.sqrt((dx * dx + dy * dy) / 10);
        const t = Math.floor(r + 0.5);
        return t < r ? t + 1 : t;
      };
    case 'GEO': {
      // Radians once, not per call: the conversion truncates and divides.
      const lat = Float64Array.from(xs, geoRadians);
      const lon = Float64Array.from(ys, geoRadians);
      // TSPLIB's formula gives 1, not 0, from a city to itself; a tour never asks, but neighbour code might.
      return (i, j) => (i === j ? 0 : geoDistance(lat[i], lon[i], lat[j], lon[j]));
    }
    default: {
      const unknown: never = data.edgeWeightType;
      throw new ProblemError(`instance ${data.name}: unsupported edge weight type ${String(unknown)}`);
    }
  }
}

/** The closed tour's length: the sum of its n edges, the last one back to the start. */
export function tourLength(instance: Instance, tour: Tour): number {
  const n = tour.length;
  if (n === 0) return 0;
  let sum = 0;
  let prev = tour[n - 1];
  for (let p = 0; p < n; p++) {
    const c = tour[p];
    sum += instance.dist(prev, c);
    prev = c;
  }
  return sum;
}

/**
 * n EUC_2D cities uniformly in a side x side square, with integer coordinates so that they survive a
 * round trip through TSPLIB or CSV text exactly. Same (n, seed, side), same problem, everywhere.
 */
export function randomUniformProblem(n: number, seed: number, side = 1_000_000): ProblemData {
  const rng = new Rng(seed);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = rng.nextInt(side);
    ys[i] = rng.nextInt(side);
  }
  return { name: `uniform${n}-seed${seed}`, comment: `${n} random cities in a ${side} x ${side} square`, n, edgeWeightType: 'EUC_2D', xs, ys };
}
