/**
 * A stopped slice returns within a bounded amount of work, whatever the method and tour structure: the loops poll
 * their budget (clock and stop request) at least every POLL_WORK units of work (distance evaluations plus reversal
 * work), counted by an instrumented instance and budget on a generated 85,900-city instance (pla85900's size; the
 * milliseconds this means are measured by `npm run bench:stop`, docs/benchmarks.md); and the stop path that follows
 * the request does little more. Then, through the compute thread's SliceRunner, every kind of slice the schemes deal
 * (a whole tour, a first slice without one, a segment) returns stopped once asked, with a valid answer.
 */
import { describe, expect, it } from 'vitest';
import { SliceRunner } from '../../shared/compute/slice-runner.ts';
import { segmentCities } from '../../shared/compute/segment.ts';
import { ArrayTour } from '../../shared/tsp/arraytour.ts';
import { POLL_SWAPS } from '../../shared/tsp/budget.ts';
import { constructTour } from '../../shared/tsp/construct.ts';
import { createInstance, randomUniformProblem } from '../../shared/tsp/instance.ts';
import { annealSlice, METHODS, type Method } from '../../shared/tsp/kernel.ts';
import { buildNeighbourLists } from '../../shared/tsp/neighbours.ts';
import { Rng } from '../../shared/tsp/random.ts';
import type { TourStructure } from '../../shared/tsp/tour-structure.ts';
import { TwoLevelTour } from '../../shared/tsp/twolevel.ts';
import type { Instance, Tour } from '../../shared/tsp/types.ts';
import { shuffled } from '../helpers/random-tour.ts';

const N = 85_900;
/**
 * Work between two polls at most. Reversal work stops at POLL_SWAPS and may overshoot by one move (n / 2 swaps on
 * the array); LK's cities between polls (16 with 3-opt steps, one with the 5-opt steps this size gets) cost up to 2 sides
 * * 10 steps of candidate evaluations each, far fewer in practice. Everything between two polls is counted, so this
 * also bounds the time between them.
 */
const POLL_WORK = POLL_SWAPS + N + 100_000;
/** Work after the stop request until the slice returns: the poll that sees it ends the loop; a kick is undone. */
const STOP_PATH_WORK = 200_000;
/** Work each slice runs before its stop is requested: several poll intervals. */
const STOP_AFTER = 4 * POLL_SWAPS;

const data = randomUniformProblem(N, 85_900, 1_000_000);
const plain = createInstance(data);
let distances = 0;
const counting: Instance = { ...plain, dist: (i, j) => (distances++, plain.dist(i, j)) };
const neighbours = buildNeighbourLists(plain, 10);

interface Observed {
  /** Largest work between two polls (the first interval, which includes the slice's O(n) setup, too). */
  widestGap: number;
  polls: number;
  /** Work from the poll that saw the stop request to the slice's return. */
  afterStop: number;
  tour: Int32Array;
}

function observe(method: Method, structure: (t: Tour) => TourStructure, start: Tour, descended: boolean): Observed {
  let tour: TourStructure | null = null;
  const work = (): number => distances + (tour === null ? 0 : tour.swaps);
  distances = 0;
  let last = 0;
  let widestGap = 0;
  let polls = 0;
  let stopAt = -1;
  const out = annealSlice(
    counting,
    neighbours,
    { tour: start, temperature: { start: 0, end: 0 }, budget: { ms: 3_600_000 }, seed: 5, method, descended },
    {
      makeTour: (t) => (tour = structure(t)),
      shouldStop: () => {
        const now = work();
        widestGap = Math.max(widestGap, now - last);
        last = now;
        polls++;
        if (stopAt < 0 && now >= STOP_AFTER) stopAt = now;
        return stopAt >= 0;
      },
    },
  );
  expect(stopAt).toBeGreaterThanOrEqual(0);
  return { widestGap, polls, afterStop: work() - stopAt, tour: out.tour };
}

function isPermutation(tour: Int32Array, n: number): boolean {
  const seen = new Uint8Array(n);
  for (const c of tour) {
    if (seen[c]) return false;
    seen[c] = 1;
  }
  return tour.length === n;
}

describe('stop latency on 85,900 cities, in units of work', () => {
  const random = shuffled(N, new Rng(1));
  const greedy = constructTour(plain, neighbours, 'greedy');
  const structures: [string, (t: Tour) => TourStructure][] = [
    ['array', (t) => new ArrayTour(t)],
    ['two-level list', (t) => new TwoLevelTour(t)],
  ];
  for (const [name, structure] of structures) {
    for (const method of METHODS) {
      // From a random tour the first descent (or annealing) meets the longest reversals; from the greedy tour,
      // told it is descended, the chains go straight to kicks.
      const starts: [string, Tour, boolean][] =
        method === 'anneal'
          ? [['random', random, false]]
          : [
              ['random', random, false],
              ['greedy, kicks', greedy, true],
            ];
      for (const [from, start, descended] of starts) {
        it(`${method} on the ${name} from a ${from} tour polls every ${POLL_WORK} units of work at most, and stops within ${STOP_PATH_WORK}`, () => {
          const seen = observe(method, structure, start, descended);
          expect(seen.polls).toBeGreaterThan(1);
          expect(seen.widestGap).toBeLessThanOrEqual(POLL_WORK);
          expect(seen.afterStop).toBeLessThanOrEqual(STOP_PATH_WORK);
          expect(isPermutation(seen.tour, N)).toBe(true);
        });
      }
    }
  }
});

describe('every kind of slice returns once stopped', () => {
  const small = randomUniformProblem(3000, 3, 100_000);
  const instance = createInstance(small);
  const tour = constructTour(instance, buildNeighbourLists(instance, 8));
  const runner = new SliceRunner();
  runner.addProblem('stop0001', small);
  const kinds: [string, { tour: Int32Array | null; segment?: { start: number; length: number } }][] = [
    ['whole-tour (whole, population)', { tour }],
    ['first, without a tour', { tour: null }],
    ['segment', { tour, segment: { start: 2500, length: 1200 } }],
  ];
  for (const method of METHODS) {
    for (const [kind, job] of kinds) {
      it(`${method}, ${kind}: answers stopped with a valid tour after the stop request, with an hour of budget left`, () => {
        let polls = 0;
        let pollsAfterStop = 0;
        // The request comes at the third poll: inside the slice's loops, not before them.
        const outcome = runner.run(
          { id: 1, problemHash: 'stop0001', temperature: { start: 0, end: 0 }, budget: { ms: 3_600_000 }, seed: 2, method, ...job },
          () => {
            polls++;
            if (polls > 3) pollsAfterStop++;
            return polls >= 3;
          },
        );
        expect(outcome.stopped).toBe(true);
        expect(pollsAfterStop).toBe(0);
        if (job.segment) {
          const before = segmentCities(tour, job.segment);
          expect(
            isPermutation(
              Int32Array.from(outcome.tour, (c) => before.indexOf(c)),
              before.length,
            ),
          ).toBe(true);
          expect([outcome.tour[0], outcome.tour[before.length - 1]]).toEqual([before[0], before[before.length - 1]]);
        } else expect(isPermutation(outcome.tour, small.n)).toBe(true);
      });
    }
  }
});
