/** Neighbour lists equal brute force exactly (ties by lower index), for every distance type and awkward layouts. */
import { describe, expect, it } from 'vitest';
import { createInstance, randomUniformProblem } from '../../shared/tsp/instance.ts';
import { buildNeighbourLists, buildQuadrantNeighbourLists } from '../../shared/tsp/neighbours.ts';
import { Rng } from '../../shared/tsp/random.ts';
import type { EdgeWeightType, Instance, ProblemData } from '../../shared/tsp/types.ts';
import { parseTsplib } from '../../shared/tsp/tsplib.ts';
import { largeTsplibText, loadTsplib } from '../helpers/tsplib-fixtures.ts';

function bruteForceNeighbours(inst: Instance, k: number): Int32Array {
  const out = new Int32Array(inst.n * k);
  for (let c = 0; c < inst.n; c++) {
    const others = [...Array(inst.n).keys()].filter((j) => j !== c);
    others.sort((a, b) => inst.dist(c, a) - inst.dist(c, b) || a - b);
    out.set(others.slice(0, k), c * k);
  }
  return out;
}

/** Quadrant lists by definition: perQ nearest per half-open quadrant, then nearest others up to k. */
function bruteForceQuadrants(inst: Instance, k: number, perQ: number): Int32Array {
  const { xs, ys } = inst.data;
  const quadrant = (c: number, j: number) => {
    const dx = xs![j] - xs![c];
    const dy = ys![j] - ys![c];
    if (dx > 0) return dy >= 0 ? 0 : 3;
    if (dx < 0) return dy <= 0 ? 2 : 1;
    return dy > 0 ? 1 : dy < 0 ? 3 : 0;
  };
  const out = new Int32Array(inst.n * k);
  for (let c = 0; c < inst.n; c++) {
    const byDist = [...Array(inst.n).keys()].filter((j) => j !== c).sort((a, b) => inst.dist(c, a) - inst.dist(c, b) || a - b);
    const chosen = new Set<number>();
    for (let q = 0; q < 4; q++)
      byDist
        .filter((j) => quadrant(c, j) === q)
        .slice(0, perQ)
        .forEach((j) => chosen.add(j));
    for (const j of byDist) if (chosen.size < k) chosen.add(j);
    out.set(
      byDist.filter((j) => chosen.has(j)),
      c * k,
    );
  }
  return out;
}

function problem(type: EdgeWeightType, n: number, seed: number, coord: (rng: Rng) => [number, number]): ProblemData {
  const rng = new Rng(seed);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) [xs[i], ys[i]] = coord(rng);
  return { name: `${type}-${seed}`, n, edgeWeightType: type, xs, ys };
}

const layouts: Record<string, (rng: Rng) => [number, number]> = {
  uniform: (r) => [r.nextFloat() * 1000, r.nextFloat() * 1000],
  // A small integer grid: many exact ties and duplicate cities.
  grid: (r) => [r.nextInt(12), r.nextInt(12)],
  // Tight clusters far apart, as in drilling (pcb, pla) instances.
  clustered: (r) => {
    const cx = r.nextInt(4) * 10_000;
    return [cx + r.nextFloat() * 50, r.nextInt(3) * 7000 + r.nextFloat() * 50];
  },
  // Collinear cities: every split is degenerate on one axis.
  line: (r) => [r.nextInt(500), 3],
};

describe('buildNeighbourLists', () => {
  for (const type of ['EUC_2D', 'CEIL_2D', 'ATT'] as const) {
    for (const [layout, coord] of Object.entries(layouts)) {
      it(`${type} ${layout}: equals brute force`, () => {
        for (const [n, k] of [
          [300, 10],
          [57, 8],
          [9, 10],
          [2, 5],
        ]) {
          const inst = createInstance(problem(type, n, n * 31 + k, coord));
          const lists = buildNeighbourLists(inst, k);
          expect(lists.k).toBe(Math.min(k, n - 1));
          expect(lists.neighbours).toEqual(bruteForceNeighbours(inst, lists.k));
        }
      });
    }
  }

  for (const [layout, coord] of Object.entries(layouts)) {
    it(`quadrant lists, ${layout}: equal their definition`, () => {
      for (const [type, n, k, perQ] of [
        ['EUC_2D', 300, 10, 2],
        ['ATT', 200, 8, 2],
        ['CEIL_2D', 150, 5, 1],
        ['EUC_2D', 7, 10, 2],
      ] as const) {
        const inst = createInstance(problem(type, n, n + k, coord));
        const lists = buildQuadrantNeighbourLists(inst, k, perQ);
        expect(lists.neighbours).toEqual(bruteForceQuadrants(inst, lists.k, perQ));
      }
    });
  }

  it('quadrant lists fall back to plain lists for GEO and EXPLICIT', () => {
    for (const name of ['gr96', 'gr17']) {
      const inst = createInstance(loadTsplib(name));
      expect(buildQuadrantNeighbourLists(inst, 8)).toEqual(buildNeighbourLists(inst, 8));
    }
  });

  it('GEO: equals brute force on the sphere, across the date line and near the poles', () => {
    const geo = (r: Rng): [number, number] => {
      // DDD.MM: whole degrees plus minutes < 60 as hundredths.
      const dm = (deg: number) => Math.sign(deg) * (Math.floor(Math.abs(deg)) + Math.floor(r.nextFloat() * 60) / 100);
      return [dm(r.nextFloat() * 178 - 89), dm(r.nextFloat() * 358 - 179)];
    };
    const near = (r: Rng): [number, number] => [48 + r.nextInt(30) / 100, 11 + r.nextInt(30) / 100];
    for (const [coord, seed] of [
      [geo, 1],
      [near, 2],
    ] as const) {
      const inst = createInstance(problem('GEO', 400, seed, coord));
      expect(buildNeighbourLists(inst, 10).neighbours).toEqual(bruteForceNeighbours(inst, 10));
    }
  });

  it('EXPLICIT: selects from the matrix rows', () => {
    const n = 40;
    const rng = new Rng(5);
    const matrix = new Int32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) matrix[i * n + j] = matrix[j * n + i] = rng.nextInt(20);
    const inst = createInstance({ name: 'm', n, edgeWeightType: 'EXPLICIT', matrix });
    expect(buildNeighbourLists(inst, 8).neighbours).toEqual(bruteForceNeighbours(inst, 8));
  });

  it.each(['att48', 'ulysses22', 'gr96', 'bayg29', 'dantzig42', 'a280', 'pcb442', 'att532'])('TSPLIB %s: equals brute force', (name) => {
    const inst = createInstance(loadTsplib(name));
    expect(buildNeighbourLists(inst, 10).neighbours).toEqual(bruteForceNeighbours(inst, 10));
  });

  it('85,900 cities: exact on a sample, from O(n) arrays (no n x n matrix exists for coordinate instances)', () => {
    const data = parseTsplib(largeTsplibText(85_900), 'large.tsp');
    expect(data.matrix).toBeUndefined();
    const inst = createInstance(data);
    const lists = buildNeighbourLists(inst, 10);
    expect(lists.neighbours.length).toBe(859_000);
    for (const c of [0, 4242, 85_899]) {
      const row = [...Array(inst.n).keys()]
        .filter((j) => j !== c)
        .sort((a, b) => inst.dist(c, a) - inst.dist(c, b) || a - b)
        .slice(0, 10);
      expect([...lists.neighbours.subarray(c * 10, c * 10 + 10)]).toEqual(row);
    }
  });

  it('a single city has no neighbours', () => {
    const inst = createInstance(randomUniformProblem(1, 1));
    expect(buildNeighbourLists(inst).k).toBe(0);
  });

  it('scales: 100,000 uniform cities with linear memory', () => {
    const inst = createInstance(randomUniformProblem(100_000, 3));
    const lists = buildNeighbourLists(inst, 10);
    expect(lists.neighbours.length).toBe(1_000_000);
    // Spot-check a sample against brute force over all cities.
    for (const c of [0, 1234, 99_999]) {
      const row = [...Array(inst.n).keys()]
        .filter((j) => j !== c)
        .sort((a, b) => inst.dist(c, a) - inst.dist(c, b) || a - b)
        .slice(0, 10);
      expect([...lists.neighbours.subarray(c * 10, c * 10 + 10)]).toEqual(row);
    }
  });
});
