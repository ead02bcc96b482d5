/** Distance functions against values worked out by hand from TSPLIB95's definitions, and the seeded helpers. */
import { describe, expect, it } from 'vitest';
import { createInstance, geoRadians, randomUniformProblem, tourLength } from '../../shared/tsp/instance.ts';
import { Rng } from '../../shared/tsp/random.ts';
import { ProblemError, type EdgeWeightType, type ProblemData } from '../../shared/tsp/types.ts';

function pair(edgeWeightType: EdgeWeightType, a: [number, number], b: [number, number]): number {
  const data: ProblemData = { name: 't', n: 2, edgeWeightType, xs: Float64Array.of(a[0], b[0]), ys: Float64Array.of(a[1], b[1]) };
  const inst = createInstance(data);
  expect(inst.dist(1, 0)).toBe(inst.dist(0, 1));
  return inst.dist(0, 1);
}

describe('TSPLIB distances', () => {
  it('EUC_2D rounds half up: nint(sqrt)', () => {
    expect(pair('EUC_2D', [0, 0], [3, 4])).toBe(5);
    expect(pair('EUC_2D', [0, 0], [1, 1])).toBe(1); // 1.414
    expect(pair('EUC_2D', [0, 0], [1, 2])).toBe(2); // 2.236
    expect(pair('EUC_2D', [0, 0], [0.5, 0])).toBe(1); // exactly half rounds up
    expect(pair('EUC_2D', [0, 0], [1.5, 2])).toBe(3); // 2.5
  });

  it('CEIL_2D rounds up', () => {
    expect(pair('CEIL_2D', [0, 0], [1, 1])).toBe(2);
    expect(pair('CEIL_2D', [0, 0], [3, 4])).toBe(5);
    expect(pair('CEIL_2D', [1449000, 672250], [1450000, 672250])).toBe(1000);
  });

  it('ATT is pseudo-Euclidean: sqrt(d^2 / 10), rounded, bumped up when rounding went down', () => {
    // att48 cities 1 and 2: sqrt((4501^2 + 1443^2) / 10) = 1494.699 -> nint 1495 (not below r, no bump).
    expect(pair('ATT', [6734, 1453], [2233, 10])).toBe(1495);
    // r = sqrt(10 / 10) = 1 exactly -> 1; r = sqrt(20 / 10) = 1.414 -> nint 1 < r -> 2.
    expect(pair('ATT', [0, 0], [1, 3])).toBe(1);
    expect(pair('ATT', [0, 0], [2, 4])).toBe(2);
  });

  it('GEO reads DDD.MM with truncated degrees, uses PI = 3.141592 and RRR = 6378.388', () => {
    expect(geoRadians(38.24)).toBeCloseTo((3.141592 * (38 + (5 * 0.24) / 3)) / 180, 15);
    expect(geoRadians(-23.31)).toBeCloseTo((-3.141592 * (23 + (5 * 0.31) / 3)) / 180, 15);
    // ulysses22 and gr96 have no .opt.tour among the fixtures, so GEO is checked here against values worked
    // through the formula by hand (ulysses22 cities 1-2 and 1-4, gr96 cities 1-2 with negative longitudes).
    // Reaching their optima (7013, 55209) is left to the annealing kernel's tests.
    expect(pair('GEO', [38.24, 20.42], [39.57, 26.15])).toBe(509);
    expect(pair('GEO', [38.24, 20.42], [36.26, 23.12])).toBe(312);
    expect(pair('GEO', [14.55, -23.31], [28.06, -15.24])).toBe(1690);
    // Coincident cities: acos(1) = 0, so the formula says 1, never NaN.
    expect(pair('GEO', [10.3, 10.3], [10.3, 10.3])).toBe(1);
  });

  it('GEO city to itself is 0 (the formula alone would say 1)', () => {
    const inst = createInstance({ name: 't', n: 1, edgeWeightType: 'GEO', xs: Float64Array.of(5), ys: Float64Array.of(5) });
    expect(inst.dist(0, 0)).toBe(0);
  });

  it('EXPLICIT reads the full matrix', () => {
    const inst = createInstance({ name: 't', n: 3, edgeWeightType: 'EXPLICIT', matrix: Int32Array.of(0, 5, 7, 5, 0, 9, 7, 9, 0) });
    expect([inst.dist(0, 1), inst.dist(2, 1), inst.dist(0, 2)]).toEqual([5, 9, 7]);
    expect(tourLength(inst, Int32Array.of(0, 1, 2))).toBe(21);
  });

  it('refuses data without the arrays its type needs', () => {
    expect(() => createInstance({ name: 'x', n: 3, edgeWeightType: 'EXPLICIT', matrix: new Int32Array(4) })).toThrow(ProblemError);
    expect(() => createInstance({ name: 'x', n: 3, edgeWeightType: 'EUC_2D', xs: new Float64Array(3) })).toThrow(/coordinates/);
    expect(() => createInstance({ name: 'x', n: 0, edgeWeightType: 'EUC_2D' })).toThrow(/positive/);
  });
});

describe('tourLength', () => {
  it('sums the closed tour, including the edge back to the start', () => {
    const inst = createInstance({ name: 'sq', n: 4, edgeWeightType: 'EUC_2D', xs: Float64Array.of(0, 10, 10, 0), ys: Float64Array.of(0, 0, 10, 10) });
    expect(tourLength(inst, Int32Array.of(0, 1, 2, 3))).toBe(40);
    expect(tourLength(inst, Int32Array.of(0, 2, 1, 3))).toBe(48);
  });
});

describe('seeded randomness', () => {
  it('Rng is reproducible, in range, and roughly uniform', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const counts = new Array(10).fill(0);
    for (let t = 0; t < 10_000; t++) {
      const f = a.nextFloat();
      expect(f).toBe(b.nextFloat());
      expect(f >= 0 && f < 1).toBe(true);
      counts[a.nextInt(10)]++;
      b.nextInt(10);
    }
    for (const c of counts) expect(c).toBeGreaterThan(850);
    expect(new Rng(1).nextUint32()).not.toBe(new Rng(2).nextUint32());
  });

  it('randomUniformProblem gives the same integer cities for the same seed', () => {
    const p = randomUniformProblem(1000, 7);
    const q = randomUniformProblem(1000, 7);
    expect(p.xs).toEqual(q.xs);
    expect(p.ys).toEqual(q.ys);
    expect(p.xs).not.toEqual(randomUniformProblem(1000, 8).xs);
    expect(p.xs!.every((x) => Number.isInteger(x) && x >= 0 && x < 1_000_000)).toBe(true);
    expect(createInstance(p).n).toBe(1000);
  });
});
