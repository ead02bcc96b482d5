/** Each chain method reaches the proven optimum of small TSPLIB instances, with a fixed seed and moves budget. */
import { describe, expect, it } from 'vitest';
import { createInstance } from '../../shared/tsp/instance.ts';
import { annealSlice, DEFAULT_METHOD, type Method } from '../../shared/tsp/kernel.ts';
import { buildNeighbourLists } from '../../shared/tsp/neighbours.ts';
import { planSchedule } from '../../shared/tsp/schedule.ts';
import { loadTsplib, optima } from '../helpers/tsplib-fixtures.ts';

function solve(name: string, method: Method, moves: number): number {
  const inst = createInstance(loadTsplib(name));
  const tour = Int32Array.from({ length: inst.n }, (_, i) => i);
  const neighbours = buildNeighbourLists(inst, 10);
  const temperature = planSchedule(inst, neighbours, method);
  return annealSlice(inst, neighbours, { tour, temperature, budget: { moves }, seed: 1, method, polish: true }).length;
}

describe('reaching optima (planned schedule, seed 1, from the identity tour)', () => {
  for (const method of ['lsmc', 'lk'] as const) {
    for (const name of ['eil51', 'berlin52', 'st70', 'ulysses22', 'gr96']) {
      it(`${method}${method === DEFAULT_METHOD ? ' (the default)' : ''}, ${name}: ${optima[name]}`, () => {
        // LK kicks cost ~5x those of 2-opt + Or-opt and need fewer.
        expect(solve(name, method, method === 'lk' ? 1000 : 5000)).toBe(optima[name]);
      });
    }
  }
  it(`anneal, berlin52: ${optima.berlin52}`, () => {
    expect(solve('berlin52', 'anneal', 3_000_000)).toBe(optima.berlin52);
  });
});
