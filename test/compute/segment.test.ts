import { describe, expect, it } from 'vitest';
import { pathFromSubTour, pathLength, segmentCities, segmentProblem } from '../../shared/compute/segment.ts';
import { SliceRunner } from '../../shared/compute/slice-runner.ts';
import { SegmentRounds } from '../../electron/orchestrator/segments.ts';
import { createInstance, randomUniformProblem, tourLength } from '../../shared/tsp/instance.ts';
import { constructTour } from '../../shared/tsp/construct.ts';
import { buildNeighbourLists } from '../../shared/tsp/neighbours.ts';

describe('segment slices', () => {
  const data = randomUniformProblem(4000, 7);
  const instance = createInstance(data);
  const start = constructTour(instance, buildNeighbourLists(instance, 8));

  it('keeps the anchor edge so the sub-tour is a path between the fixed ends', () => {
    const cities = segmentCities(start, { start: 3990, length: 600 }); // wraps past the end
    expect(cities[0]).toBe(start[3990]);
    expect(cities[599]).toBe(start[589]);
    const sub = segmentProblem(data, cities, 8);
    expect(sub.instance.dist(0, 599)).toBeLessThan(-1e11);
    expect(sub.instance.dist(0, 1)).toBe(instance.dist(cities[0], cities[1]));
    // A sub-tour visiting 0 .. m-1 in reverse still yields the path from the first to the last city.
    const reversed = Int32Array.from({ length: 600 }, (_, i) => 599 - i);
    expect(Array.from(pathFromSubTour(reversed, cities)!)).toEqual(Array.from(cities));
    // Without the anchor edge there is no path to read.
    const broken = Int32Array.from({ length: 600 }, (_, i) => (i * 7) % 600);
    expect(pathFromSubTour(broken, cities)).toBeNull();
  });

  it('improves a stretch on a compute thread and splices back into a shorter valid tour', () => {
    const runner = new SliceRunner();
    runner.addProblem('cafe0001', data);
    const segment = { start: 1000, length: 1500 };
    const outcome = runner.run(
      { id: 1, problemHash: 'cafe0001', tour: start, temperature: { start: 0, end: 0 }, budget: { moves: 3000 }, seed: 1, segment },
      () => false,
    );
    const before = segmentCities(start, segment);
    expect(outcome.tour[0]).toBe(before[0]);
    expect(outcome.tour[1499]).toBe(before[1499]);
    expect(outcome.length).toBe(pathLength(instance, outcome.tour));
    expect(outcome.length).toBeLessThan(pathLength(instance, before));

    const rounds = new SegmentRounds(instance, () => 0.5);
    expect(rounds.startRound(2)).toHaveLength(2);
    const tour = Int32Array.from(start);
    const delta = rounds.splice(tour, segment, outcome.tour);
    expect(delta).toBeLessThan(0);
    expect(tourLength(instance, tour)).toBe(tourLength(instance, start) + delta);
    expect(new Set(tour).size).toBe(4000);
  });

  it('refuses a stretch that is not the same cities with the same ends', () => {
    const rounds = new SegmentRounds(instance);
    const segment = { start: 0, length: 100 };
    const path = segmentCities(start, segment);
    const tour = Int32Array.from(start);
    const swappedEnds = Int32Array.from(path).reverse();
    expect(rounds.splice(tour, segment, swappedEnds)).toBe(0);
    const foreign = Int32Array.from(path);
    foreign[50] = start[500];
    expect(rounds.splice(tour, segment, foreign)).toBe(0);
    expect(rounds.splice(tour, segment, path.subarray(0, 99))).toBe(0);
    expect(Array.from(tour)).toEqual(Array.from(start));
  });

  it('cuts small tours into no stretches and large ones into disjoint ones covering every position', () => {
    expect(new SegmentRounds(createInstance(randomUniformProblem(2000, 1))).startRound(4)).toEqual([]);
    const segments = new SegmentRounds(instance, () => 0.25).startRound(3);
    expect(segments.map((s) => s.length).reduce((a, b) => a + b)).toBe(4000);
    const covered = new Set<number>();
    for (const s of segments) for (let i = 0; i < s.length; i++) covered.add((s.start + i) % 4000);
    expect(covered.size).toBe(4000);
  });
});
