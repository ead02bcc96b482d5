/** The orchestrator's own first tour: greedy while that is quick, the space-filling curve beyond. */
import { describe, expect, it } from 'vitest';
import { QUICK_GREEDY_MAX_CITIES, greedyTour, quickTour, spaceFillingCurveTour } from '../../shared/tsp/construct.ts';
import { createInstance, randomUniformProblem } from '../../shared/tsp/instance.ts';
import { buildNeighbourLists } from '../../shared/tsp/neighbours.ts';

const isPermutation = (tour: Int32Array, n: number) => [...tour].sort((a, b) => a - b).every((city, i) => city === i) && tour.length === n;

describe('quickTour', () => {
  it('is the greedy tour up to QUICK_GREEDY_MAX_CITIES cities', () => {
    const instance = createInstance(randomUniformProblem(QUICK_GREEDY_MAX_CITIES, 3));
    expect(quickTour(instance)).toEqual(greedyTour(instance, buildNeighbourLists(instance)));
  });

  it('is the space-filling curve beyond, a valid tour', () => {
    const instance = createInstance(randomUniformProblem(QUICK_GREEDY_MAX_CITIES + 1, 3));
    const tour = quickTour(instance);
    expect(tour).toEqual(spaceFillingCurveTour(instance));
    expect(isPermutation(tour, instance.n)).toBe(true);
  });
});
