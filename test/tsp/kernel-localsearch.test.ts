/** The don't-look-bit descent ends in a local optimum of its neighbourhood; temperatures are planned sanely. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArrayTour } from '../../shared/tsp/arraytour.ts';
import { createInstance, randomUniformProblem, tourLength } from '../../shared/tsp/instance.ts';
import { LocalSearch } from '../../shared/tsp/localsearch.ts';
import { orOptDelta, twoOptDelta } from '../../shared/tsp/moves.ts';
import { buildNeighbourLists } from '../../shared/tsp/neighbours.ts';
import { edgeScale, planSchedule, sliceTemperature, TEMPERATURE_SCALE, temperatureAt, temperatureForAcceptance } from '../../shared/tsp/schedule.ts';

describe('LocalSearch', () => {
  // Don't-look bits are approximate (a city is not re-activated when its neighbours' edges change), so the
  // exact property is checked at the fixed point where a pass over every city finds nothing.
  it('descends, tracking the length exactly, to a fixed point with no improving candidate 2-opt or Or-opt move', () => {
    fc.assert(
      fc.property(fc.integer({ min: 8, max: 120 }), fc.integer(), (n, seed) => {
        const inst = createInstance(randomUniformProblem(n, seed, 1000));
        const { k, neighbours: nbr } = buildNeighbourLists(inst, 6);
        const start = Int32Array.from({ length: n }, (_, i) => i);
        const tour = new ArrayTour(start);
        const search = new LocalSearch(inst, { k, neighbours: nbr }, tour);
        let total = 0;
        for (let delta = -1; delta < 0;) {
          search.pushAll();
          delta = search.run(null);
          total += delta;
        }
        expect(tourLength(inst, tour.order)).toBe(tourLength(inst, start) + total);
        const dist = inst.dist;
        for (let a = 0; a < n; a++) {
          for (let r = 0; r < k; r++) {
            const c = nbr[a * k + r];
            for (const forward of [true, false]) {
              const b = forward ? tour.succ(a) : tour.pred(a);
              const d = forward ? tour.succ(c) : tour.pred(c);
              if (c === b || d === a || dist(a, c) >= dist(a, b)) continue;
              expect(twoOptDelta(dist, a, b, c, d)).toBeGreaterThanOrEqual(0);
            }
            // Move a next to c, on either side of c.
            const p = tour.pred(a);
            const q = tour.succ(a);
            if (c === p || c === q || dist(a, c) >= dist(p, a) + dist(a, q) - dist(p, q)) continue;
            expect(orOptDelta(dist, p, a, a, q, c, tour.succ(c), false)).toBeGreaterThanOrEqual(0);
            expect(orOptDelta(dist, p, a, a, q, tour.pred(c), c, false)).toBeGreaterThanOrEqual(0);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('schedule', () => {
  it('cools geometrically, linearly to 0 when end is 0, and splits a run into contiguous slices', () => {
    expect(temperatureAt({ start: 100, end: 1 }, 0.5)).toBeCloseTo(10);
    expect(temperatureAt({ start: 100, end: 0 }, 0.25)).toBe(75);
    expect(temperatureAt({ start: 0, end: 5 }, 0.5)).toBe(0);
    const run = { start: 1000, end: 1 };
    const slices = [0, 1, 2].map((i) => sliceTemperature(run, i, 3));
    expect(slices[0].start).toBe(1000);
    expect(slices[0].end).toBeCloseTo(100);
    expect(slices[1].start).toBe(slices[0].end);
    expect(slices[2].end).toBeCloseTo(1);
  });

  it('finds the temperature that accepts a given share of uphill deltas', () => {
    const deltas = Float64Array.of(10, 20, 30, 40);
    const t = temperatureForAcceptance(deltas, 0.5);
    const mean = deltas.reduce((s, d) => s + Math.exp(-d / t), 0) / deltas.length;
    expect(mean).toBeCloseTo(0.5, 6);
    expect(temperatureForAcceptance(new Float64Array(0), 0.5)).toBe(0);
  });

  it('plans temperatures in units of the instance edge scale', () => {
    const inst = createInstance(randomUniformProblem(500, 3, 1000));
    const nb = buildNeighbourLists(inst, 8);
    const scale = edgeScale(inst, nb);
    // 500 uniform cities in 1000 x 1000: the optimal tour's mean edge is about 0.7124 * 1000 / sqrt(500) = 32.
    expect(scale).toBeGreaterThan(15);
    expect(scale).toBeLessThan(40);
    for (const method of ['anneal', 'lsmc', 'lk'] as const) {
      const planned = planSchedule(inst, nb, method);
      expect(planned.start).toBeCloseTo(TEMPERATURE_SCALE[method].start * scale);
      expect(planned.end).toBeCloseTo(TEMPERATURE_SCALE[method].end * scale);
      expect(planned.start).toBeGreaterThan(planned.end);
    }
  });
});
