/** The default method reaches the proven optimum of small TSPLIB instances, with a fixed seed and moves budget. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createInstance } from '../../shared/tsp/instance.ts';
import { annealSlice, DEFAULT_METHOD } from '../../shared/tsp/kernel.ts';
import { buildNeighbourLists } from '../../shared/tsp/neighbours.ts';
import { planSchedule } from '../../shared/tsp/schedule.ts';
import { parseTsplib } from '../../shared/tsp/tsplib.ts';

const TSPLIB = new URL('../../../shared/tsplib/', import.meta.url);
const optima = JSON.parse(readFileSync(new URL('optima.json', TSPLIB), 'utf8')) as Record<string, number>;

describe('reaching optima (default method and schedule, seed 1)', () => {
  for (const name of ['eil51', 'berlin52', 'st70', 'ulysses22', 'gr96']) {
    it(`${name}: ${optima[name]}`, () => {
      const inst = createInstance(parseTsplib(readFileSync(new URL(`${name}.tsp`, TSPLIB), 'utf8'), `${name}.tsp`));
      const tour = Int32Array.from({ length: inst.n }, (_, i) => i);
      const neighbours = buildNeighbourLists(inst, 10);
      const temperature = planSchedule(inst, neighbours, DEFAULT_METHOD);
      const out = annealSlice(inst, neighbours, { tour, temperature, budget: { moves: 5000 }, seed: 1 });
      expect(out.length).toBe(optima[name]);
    });
  }
});
