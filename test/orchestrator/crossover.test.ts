/** Crossover off the event loop (electron/orchestrator/crossover.ts): the thread answers as the inline crossover does. */
import { describe, expect, it } from 'vitest';
import { crossoverFor } from '../../electron/orchestrator/crossover.ts';
import { partitionCrossover } from '../../shared/tsp/gpx.ts';
import { createInstance, randomUniformProblem, tourLength } from '../../shared/tsp/instance.ts';
import { annealSlice } from '../../shared/tsp/kernel.ts';
import { buildNeighbourLists } from '../../shared/tsp/neighbours.ts';

describe('crossoverFor', () => {
  const instance = createInstance(randomUniformProblem(1500, 5));
  const neighbours = buildNeighbourLists(instance, 8);
  const start = annealSlice(instance, neighbours, {
    tour: Int32Array.from({ length: 1500 }, (_, i) => i),
    temperature: { start: 0, end: 0 },
    budget: { moves: 0 },
    seed: 1,
  }).tour;
  const parent = (seed: number) => annealSlice(instance, neighbours, { tour: start, temperature: { start: 0, end: 0 }, budget: { moves: 200 }, seed }).tour;
  const a = parent(2);
  const b = parent(3);
  const lengthA = tourLength(instance, a);
  const lengthB = tourLength(instance, b);

  it('crosses on a thread of its own above the inline size, with the same child as in the event loop', async () => {
    const service = crossoverFor(instance, 1000);
    try {
      const child = service.cross(a, lengthA, b, lengthB);
      expect(child).toBeInstanceOf(Promise);
      const threaded = await child;
      expect(Array.from(threaded.tour)).toEqual(Array.from(partitionCrossover(instance, a, b, lengthA, lengthB).tour));
      // The parents stay with the caller (copied to the thread, not moved).
      expect(a.length).toBe(1500);
    } finally {
      service.close();
    }
  });

  it('rejects crossovers asked for after the run ended', async () => {
    const service = crossoverFor(instance, 1000);
    service.close();
    await expect(service.cross(a, lengthA, b, lengthB)).rejects.toThrow(/the run has ended/);
  });

  it('crosses in the event loop up to the inline size', () => {
    const service = crossoverFor(instance);
    const child = service.cross(a, lengthA, b, lengthB);
    expect(child).not.toBeInstanceOf(Promise);
    service.close();
  });
});
