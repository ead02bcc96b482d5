import { describe, expect, it } from 'vitest';
import { pathFromSubTour, pathLength, restrictLists, segmentCities, segmentProblem } from '../../shared/compute/segment.ts';
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
    const sub = segmentProblem(data, cities, buildNeighbourLists(instance, 8));
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

  it("restricts the whole problem's lists to a stretch: same k, its candidates first in their order, the rest its neighbours along it", () => {
    const lists = buildNeighbourLists(instance, 8);
    const cities = segmentCities(start, { start: 3700, length: 600 });
    const local = new Map(Array.from(cities, (city, i) => [city, i]));
    const restricted = restrictLists(lists, cities);
    expect(restricted.k).toBe(8);
    for (let i = 0; i < 600; i++) {
      const row = Array.from(restricted.neighbours.subarray(i * 8, i * 8 + 8));
      expect(new Set(row).size).toBe(8);
      expect(row.every((j) => j >= 0 && j < 600 && j !== i)).toBe(true);
      const inside = Array.from(lists.neighbours.subarray(cities[i] * 8, cities[i] * 8 + 8))
        .map((city) => local.get(city))
        .filter((j) => j !== undefined);
      expect(row.slice(0, inside.length)).toEqual(inside);
    }
    // A city none of whose candidates is in the stretch gets its neighbours along it, nearest first.
    const far = restrictLists(
      { k: 3, neighbours: Int32Array.from({ length: 4000 * 3 }, (_, i) => (Math.floor(i / 3) + 1 + (i % 3)) % 4000) },
      Int32Array.from([7, 100, 200, 300, 400]),
    );
    expect(Array.from(far.neighbours.subarray(0, 3))).toEqual([1, 2, 3]);
    expect(Array.from(far.neighbours.subarray(6, 9))).toEqual([1, 3, 0]);
  });

  it("runs a stretch with the problem's own lists, and skips its first descent when the tour is a local optimum (descended)", () => {
    const segment = { start: 200, length: 1500 };
    const before = segmentCities(start, segment);
    const job = { id: 1, problemHash: 'cafe0002', tour: start, temperature: { start: 0, end: 0 }, budget: { moves: 0 }, seed: 1, segment };
    // Lists holding only each city's tour neighbours propose no move: the stretch stays as it was.
    const runner = new SliceRunner();
    const tourNeighbours = new Int32Array(4000 * 2);
    for (let p = 0; p < 4000; p++) {
      tourNeighbours[start[p] * 2] = start[(p + 3999) % 4000];
      tourNeighbours[start[p] * 2 + 1] = start[(p + 1) % 4000];
    }
    runner.addProblem('cafe0002', { ...data, candidates: { k: 2, neighbours: tourNeighbours }, candidatesRevision: 1 });
    expect(Array.from(runner.run(job, () => false).tour)).toEqual(Array.from(before));

    // With nearest lists the first descent shortens the greedy stretch, unless the tour is said to be descended.
    const nearest = new SliceRunner();
    nearest.addProblem('cafe0002', data);
    const descended = nearest.run(job, () => false);
    expect(descended.length).toBeLessThan(pathLength(instance, before));
    expect(descended.stats.descended).toBe(true);
    expect(Array.from(nearest.run({ ...job, descended: true }, () => false).tour)).toEqual(Array.from(before));
  });

  it('says a round is descended once every stretch of it came back a local optimum, and not after a lost or undescended one', () => {
    const rounds = new SegmentRounds(instance, () => 0.5);
    expect(rounds.roundDescended).toBe(false);
    const tour = Int32Array.from(start);
    let segments = rounds.startRound(2);
    const unchanged = (segment: (typeof segments)[number]) => segmentCities(tour, segment);
    rounds.splice(tour, segments[0], unchanged(segments[0]), true);
    expect(rounds.roundDescended).toBe(false); // one still out
    rounds.splice(tour, segments[1], unchanged(segments[1]), true);
    expect(rounds.roundDescended).toBe(true);
    segments = rounds.startRound(2);
    expect(rounds.roundDescended).toBe(false);
    rounds.splice(tour, segments[0], unchanged(segments[0]), false);
    rounds.splice(tour, segments[1], unchanged(segments[1]), true);
    expect(rounds.roundDescended).toBe(false);
    segments = rounds.startRound(2);
    rounds.splice(tour, segments[0], unchanged(segments[0]), true);
    rounds.abandon();
    expect(rounds.idle).toBe(true);
    expect(rounds.roundDescended).toBe(false);
  });

  it('does not take a refused stretch as a local optimum, whatever its answer claims', () => {
    const tour = Int32Array.from(start);
    const refusals = [
      (path: Int32Array) => path.subarray(0, path.length - 1), // too short
      (path: Int32Array) => Int32Array.from(path).reverse(), // ends swapped
      (path: Int32Array) => Int32Array.from(path).fill(path[0], 1, 2), // a city twice, one missing
    ];
    for (const refuse of refusals) {
      const rounds = new SegmentRounds(instance, () => 0.5);
      const segments = rounds.startRound(2);
      expect(rounds.splice(tour, segments[0], refuse(segmentCities(tour, segments[0])), true)).toBe(0);
      rounds.splice(tour, segments[1], segmentCities(tour, segments[1]), true);
      expect(rounds.idle).toBe(true);
      expect(rounds.roundDescended).toBe(false);
    }
    expect(Array.from(tour)).toEqual(Array.from(start));
  });
});
