/** Initial tours: always a permutation, nearest neighbour exact, and gaps to the known optima within bounds. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constructTour, nearestNeighbourTour, type ConstructionMethod } from '../../shared/tsp/construct.ts';
import { createInstance, tourLength } from '../../shared/tsp/instance.ts';
import { buildNeighbourLists } from '../../shared/tsp/neighbours.ts';
import { checkTour } from '../../shared/tsp/tour.ts';
import type { EdgeWeightType, ProblemData } from '../../shared/tsp/types.ts';
import { parseTsplib } from '../../shared/tsp/tsplib.ts';
import { largeTsplibText, loadTsplib } from '../helpers/tsplib-fixtures.ts';

const methods: ConstructionMethod[] = ['greedy', 'nearest-neighbour', 'space-filling-curve'];

describe('constructTour', () => {
  it('always returns a permutation, for any cities, type, k and method (property)', () => {
    const problem = fc.record({
      type: fc.constantFrom<EdgeWeightType>('EUC_2D', 'CEIL_2D', 'ATT', 'GEO', 'EXPLICIT'),
      // Small integer coordinates force duplicates and ties.
      cities: fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 })), { minLength: 1, maxLength: 120 }),
      k: fc.integer({ min: 1, max: 12 }),
    });
    fc.assert(
      fc.property(problem, fc.constantFrom(...methods), ({ type, cities, k }, method) => {
        const n = cities.length;
        const xs = Float64Array.from(cities, (c) => c[0]);
        const ys = Float64Array.from(cities, (c) => c[1]);
        const data: ProblemData = { name: 'p', n, edgeWeightType: type, xs, ys };
        if (type === 'EXPLICIT') {
          data.matrix = new Int32Array(n * n);
          for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) data.matrix[i * n + j] = Math.abs(xs[i] - xs[j]) + Math.abs(ys[i] - ys[j]);
        }
        const inst = createInstance(data);
        checkTour(constructTour(inst, buildNeighbourLists(inst, k), method), n);
      }),
      { numRuns: 300 },
    );
  });

  it('nearest neighbour is exact: every step goes to a nearest unvisited city (lowest index on ties)', () => {
    const inst = createInstance(loadTsplib('pcb442'));
    // k = 3 makes the k-d tree fallback run often.
    const tour = nearestNeighbourTour(inst, buildNeighbourLists(inst, 3), 0);
    const visited = new Set([tour[0]]);
    for (let p = 1; p < inst.n; p++) {
      const from = tour[p - 1];
      let best = -1;
      for (let j = 0; j < inst.n; j++) {
        if (!visited.has(j) && (best < 0 || inst.dist(from, j) < inst.dist(from, best))) best = j;
      }
      expect(tour[p]).toBe(best);
      visited.add(tour[p]);
    }
  });

  // Measured gaps (see DEFAULT_CONSTRUCTION) with some slack: a regression, not a benchmark.
  const bounds: Record<ConstructionMethod, number> = { greedy: 0.35, 'nearest-neighbour': 0.55, 'space-filling-curve': 0.7 };
  it.each(['berlin52', 'kroA100', 'gr96', 'att532', 'dantzig42', 'ch150', 'a280', 'pcb442'])('%s: every method within its usual gap of the optimum', (name) => {
    const data = loadTsplib(name);
    const inst = createInstance(data);
    const lists = buildNeighbourLists(inst, 10);
    for (const method of methods) {
      const tour = constructTour(inst, lists, method);
      checkTour(tour, inst.n);
      expect(tourLength(inst, tour) / data.optimum!, method).toBeLessThan(1 + bounds[method]);
    }
  });

  it('greedy on 85,900 cities is a permutation within 40% of a lower bound on the optimum', () => {
    const inst = createInstance(parseTsplib(largeTsplibText(85_900), 'large.tsp'));
    const lists = buildNeighbourLists(inst, 10);
    const tour = constructTour(inst, lists);
    checkTour(tour, inst.n);
    // Every city has two tour edges, each at least as long as its nearest and second-nearest neighbour:
    // half the sum of those is a lower bound (about 0.88 of the optimum on uniform cities).
    let twice = 0;
    for (let c = 0; c < inst.n; c++) twice += inst.dist(c, lists.neighbours[c * lists.k]) + inst.dist(c, lists.neighbours[c * lists.k + 1]);
    const ratio = tourLength(inst, tour) / (twice / 2);
    expect(ratio).toBeGreaterThan(1);
    expect(ratio).toBeLessThan(1.4);
  });

  it('refuses a space-filling curve without coordinates', () => {
    const inst = createInstance(loadTsplib('gr17'));
    expect(() => constructTour(inst, buildNeighbourLists(inst), 'space-filling-curve')).toThrow(/needs coordinates/);
  });
});
