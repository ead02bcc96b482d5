/** annealSlice's contract: valid permutations for every size, determinism by seed, budgets, stop requests. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createInstance, randomUniformProblem, tourLength } from '../../shared/tsp/instance.ts';
import { annealSlice, type Method, type SliceInput } from '../../shared/tsp/kernel.ts';
import { buildNeighbourLists } from '../../shared/tsp/neighbours.ts';
import { Rng } from '../../shared/tsp/random.ts';
import { defaultTemperature } from '../../shared/tsp/schedule.ts';
import type { Instance, NeighbourLists } from '../../shared/tsp/types.ts';
import { cpuMs } from '../helpers/cpu-time.ts';

const methods: Method[] = ['anneal', 'lsmc', 'lk'];

function setup(n: number, seed: number): { inst: Instance; nb: NeighbourLists; tour: Int32Array } {
  const inst = createInstance(randomUniformProblem(n, seed, 10_000));
  const rng = new Rng(seed ^ 0x5eed);
  const tour = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [tour[i], tour[j]] = [tour[j], tour[i]];
  }
  return { inst, nb: buildNeighbourLists(inst, 8), tour };
}

function isPermutation(t: Int32Array, n: number): boolean {
  return t.length === n && new Set(t).size === n && t.every((c) => c >= 0 && c < n);
}

/** A clock that advances by `step` ms whenever it is read. */
function fakeClock(step: number): { now: () => number; reads: () => number } {
  let t = 0;
  let reads = 0;
  return {
    now: () => {
      reads++;
      return (t += step);
    },
    reads: () => reads,
  };
}

describe('annealSlice', () => {
  it('returns a fresh valid permutation whose length is reported exactly, for any size (1..60) and method', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer(), fc.constantFrom(...methods), fc.boolean(), (n, seed, method, polish) => {
        const { inst, nb, tour } = setup(n, seed);
        const input: SliceInput = { tour, temperature: { start: 50, end: 1 }, budget: { moves: 300 }, seed, method, polish };
        const out = annealSlice(inst, nb, input);
        expect(out.tour).not.toBe(tour);
        expect(isPermutation(out.tour, n)).toBe(true);
        expect(out.length).toBe(tourLength(inst, out.tour));
        expect(out.length).toBeLessThanOrEqual(out.stats.startLength);
        expect(out.stats.startLength).toBe(tourLength(inst, tour));
      }),
      { numRuns: 150 },
    );
  });

  it('keeps tiny tours (4..8 cities) valid and exact, every seed and method', () => {
    for (let n = 4; n <= 8; n++) {
      for (let seed = 0; seed < 40; seed++) {
        const { inst, nb, tour } = setup(n, seed);
        for (const method of methods) {
          const out = annealSlice(inst, nb, { tour, temperature: { start: 1000, end: 10 }, budget: { moves: 200 }, seed, method, polish: true });
          expect(isPermutation(out.tour, n)).toBe(true);
          expect(out.length).toBe(tourLength(inst, out.tour));
        }
      }
    }
  });

  it('handles n = 1, 2, 3 without moves', () => {
    for (const n of [1, 2, 3]) {
      const { inst, nb, tour } = setup(n, 7);
      const out = annealSlice(inst, nb, { tour, temperature: { start: 1, end: 1 }, budget: { moves: 1000 }, seed: 1 });
      expect(Array.from(out.tour)).toEqual(Array.from(tour));
      expect(out.stats.movesTried).toBe(0);
    }
  });

  it('is deterministic by seed with a moves budget, and seeds differ', () => {
    const { inst, nb, tour } = setup(200, 3);
    for (const method of methods) {
      const input: SliceInput = { tour, temperature: { start: 200, end: 5 }, budget: { moves: method === 'anneal' ? 30_000 : 300 }, seed: 42, method };
      const a = annealSlice(inst, nb, input);
      const b = annealSlice(inst, nb, input);
      const c = annealSlice(inst, nb, { ...input, seed: 43 });
      expect(b.tour).toEqual(a.tour);
      expect({ ...b.stats, elapsedMs: 0 }).toEqual({ ...a.stats, elapsedMs: 0 });
      expect(c.tour).not.toEqual(a.tour);
    }
  });

  it('improves a random tour a lot, with every method', () => {
    const { inst, nb, tour } = setup(300, 5);
    const start = defaultTemperature(inst, nb, tour, 0.5);
    const annealed = annealSlice(inst, nb, {
      tour,
      temperature: { start, end: start / 1000 },
      budget: { moves: 200_000 },
      seed: 1,
      method: 'anneal',
      polish: true,
    });
    const chained = annealSlice(inst, nb, { tour, temperature: { start: 0, end: 0 }, budget: { moves: 500 }, seed: 1, method: 'lsmc' });
    const lk = annealSlice(inst, nb, { tour, temperature: { start: 0, end: 0 }, budget: { moves: 500 }, seed: 1, method: 'lk' });
    // A random tour of 300 uniform cities is ~12x the optimum; a decent one is within ~10% of 0.7124 sqrt(n A).
    const estimate = 0.7124 * Math.sqrt(300 * 10_000 * 10_000);
    for (const out of [annealed, chained, lk]) {
      expect(out.length).toBeLessThan(out.stats.startLength / 5);
      expect(out.length).toBeLessThan(1.1 * estimate);
      expect(out.stats.improvements).toBeGreaterThan(0);
    }
  });

  it('tries exactly the moves budget', () => {
    const { inst, nb, tour } = setup(100, 9);
    for (const method of methods) {
      for (const moves of [0, 1, 257, 1000]) {
        const out = annealSlice(inst, nb, { tour, temperature: { start: 10, end: 1 }, budget: { moves }, seed: 2, method });
        expect(out.stats.movesTried).toBe(moves);
      }
    }
  });

  it('ends on the ms budget by its injected clock, within one poll of it', () => {
    const { inst, nb, tour } = setup(100, 11);
    for (const method of methods) {
      const clock = fakeClock(0.01);
      const out = annealSlice(inst, nb, { tour, temperature: { start: 10, end: 1 }, budget: { ms: 5 }, seed: 2, method }, { now: clock.now });
      expect(out.stats.elapsedMs).toBeGreaterThanOrEqual(5);
      expect(out.stats.elapsedMs).toBeLessThan(5.1);
      expect(out.stats.movesTried).toBeGreaterThan(0);
      expect(isPermutation(out.tour, 100)).toBe(true);
    }
  });

  it('with the real clock, a short ms budget ends close to it', () => {
    const { inst, nb, tour } = setup(500, 12);
    for (const method of methods) {
      const cpuBefore = cpuMs();
      const out = annealSlice(inst, nb, { tour, temperature: { start: 10, end: 1 }, budget: { ms: 30 }, seed: 2, method });
      expect(out.stats.elapsedMs).toBeGreaterThanOrEqual(30);
      // Wall time stretches on a loaded machine; the work done does not: at most one poll beyond 30 ms of it.
      expect(cpuMs() - cpuBefore).toBeLessThan(30 + 50);
    }
  });

  it('stops when shouldStop says so, with a valid tour, before the moves budget', () => {
    const { inst, nb, tour } = setup(300, 13);
    for (const method of methods) {
      let asked = 0;
      const out = annealSlice(
        inst,
        nb,
        { tour, temperature: { start: 10, end: 1 }, budget: { moves: 1e9 }, seed: 2, method, polish: true },
        { shouldStop: () => ++asked > 20 },
      );
      expect(out.stats.movesTried).toBeLessThan(1e9);
      expect(isPermutation(out.tour, 300)).toBe(true);
      expect(out.length).toBe(tourLength(inst, out.tour));
    }
  });

  it('a stop lands within 50 ms of work even mid-descent on a random 20,000-city tour', () => {
    const { inst, nb, tour } = setup(20_000, 15);
    for (const method of methods) {
      // Measured in this process's CPU time, which a loaded machine does not stretch: a stop set at any
      // moment waits at most for the next poll (the longest gap between polls), then for the exit.
      const started = cpuMs();
      let lastPoll = started;
      let longestGap = 0;
      let stoppedAt = 0;
      const out = annealSlice(
        inst,
        nb,
        { tour, temperature: { start: 1e6, end: 1e5 }, budget: { moves: 1e9 }, seed: 3, method, polish: true },
        {
          shouldStop: () => {
            const now = cpuMs();
            longestGap = Math.max(longestGap, now - lastPoll);
            lastPoll = now;
            if (now - started <= 20) return false;
            stoppedAt ||= now;
            return true;
          },
        },
      );
      const exit = cpuMs() - stoppedAt;
      expect(stoppedAt).toBeGreaterThan(0);
      expect(longestGap + exit).toBeLessThan(50);
      expect(out.length).toBe(tourLength(inst, out.tour));
    }
  });

  it('keeps the best tour seen when the chain ends hot', () => {
    const { inst, nb, tour } = setup(150, 14);
    const good = annealSlice(inst, nb, { tour, temperature: { start: 0, end: 0 }, budget: { moves: 200 }, seed: 1, method: 'lsmc' });
    const hot = annealSlice(inst, nb, { tour: good.tour, temperature: { start: 1e6, end: 1e6 }, budget: { moves: 5000 }, seed: 1, method: 'anneal' });
    expect(hot.length).toBe(good.length);
    expect(hot.length).toBe(tourLength(inst, hot.tour));
    expect(hot.stats.movesAccepted).toBeGreaterThan(1000);
  });

  it('rejects a tour that is not a permutation, a missing budget and an unknown method', () => {
    const { inst, nb, tour } = setup(10, 1);
    const bad = tour.slice();
    bad[0] = bad[1];
    expect(() => annealSlice(inst, nb, { tour: bad, temperature: { start: 1, end: 1 }, budget: { moves: 1 }, seed: 1 })).toThrow(RangeError);
    expect(() => annealSlice(inst, nb, { tour: tour.subarray(1), temperature: { start: 1, end: 1 }, budget: { moves: 1 }, seed: 1 })).toThrow(RangeError);
    expect(() => annealSlice(inst, nb, { tour, temperature: { start: 1, end: 1 }, budget: {}, seed: 1 })).toThrow(RangeError);
    expect(() => annealSlice(inst, nb, { tour, temperature: { start: 1, end: 1 }, budget: { moves: 1 }, seed: 1, method: 'lkh' as Method })).toThrow(
      /unknown method lkh/,
    );
  });
});

describe('a descended start (an earlier slice answer)', () => {
  for (const method of ['lsmc', 'lk'] as const) {
    it(`${method}: answers a local optimum it says is one, and a slice told so skips the first descent`, () => {
      const { inst, nb, tour } = setup(300, 7);
      const first = annealSlice(inst, nb, { tour, temperature: { start: 0, end: 0 }, budget: { moves: 0 }, seed: 1, method });
      expect(first.stats.descended).toBe(true);
      expect(first.length).toBeLessThan(first.stats.startLength);
      // From a random tour, a slice told (wrongly) that it is descended skips the descent: no moves, no change.
      const skipped = annealSlice(inst, nb, { tour, temperature: { start: 0, end: 0 }, budget: { moves: 0 }, seed: 1, method, descended: true });
      expect(skipped.length).toBe(skipped.stats.startLength);
      // From a true local optimum (don't-look bits are approximate: LK's first descent may leave moves that a second
      // full pass finds, so descend until a pass finds nothing), both ways find nothing in the first descent, and
      // kicks continue from it alike.
      let optimum = first;
      for (let pass = 0; pass < 20; pass++) {
        const next = annealSlice(inst, nb, { tour: optimum.tour, temperature: { start: 0, end: 0 }, budget: { moves: 0 }, seed: 1, method });
        if (next.length === optimum.length) break;
        optimum = next;
      }
      const again = annealSlice(inst, nb, { tour: optimum.tour, temperature: { start: 0, end: 0 }, budget: { moves: 200 }, seed: 3, method, descended: true });
      const redone = annealSlice(inst, nb, { tour: optimum.tour, temperature: { start: 0, end: 0 }, budget: { moves: 200 }, seed: 3, method });
      expect(again.length).toBe(redone.length);
      expect(again.stats.descended).toBe(true);
    });
  }

  it('is not claimed when a stop cuts the first descent short', () => {
    const { inst, nb, tour } = setup(2000, 11);
    const out = annealSlice(inst, nb, { tour, temperature: { start: 0, end: 0 }, budget: { ms: 60_000 }, seed: 1, method: 'lk' }, { shouldStop: () => true });
    expect(out.stats.descended).toBe(false);
  });

  it('a first descent the budget stops is resumed from the cities it had left (pending), so slices shorter than a pass finish it', () => {
    // Each slice gets ~40 polls of its clock: ~640 of the 2,000 cities' searches, less than one pass (16 slow
    // threads on 2 cores on usa13509: ~85 ms of CPU against ~330 ms for a pass over a local optimum).
    const { inst, nb, tour: start } = setup(2000, 13);
    const chain = (resume: boolean) => {
      let tour = start;
      let pending: Int32Array | undefined;
      for (let slice = 0; slice < 60; slice++) {
        const out = annealSlice(
          inst,
          nb,
          { tour, temperature: { start: 0, end: 0 }, budget: { ms: 40 }, seed: slice + 1, method: 'lk', ...(resume && pending && { pending }) },
          { now: fakeClock(1).now },
        );
        expect(isPermutation(out.tour, 2000)).toBe(true);
        if (out.stats.descended) return { slice, kicks: out.stats.movesTried };
        expect(out.pending?.length).toBeGreaterThan(0);
        tour = out.tour;
        pending = out.pending;
      }
      return null;
    };
    // Started over every slice, the descent never gets past the head of the tour.
    expect(chain(false)).toBeNull();
    const resumed = chain(true);
    expect(resumed).not.toBeNull();
    // and the rest of that slice kicks
    expect(resumed!.kicks).toBeGreaterThanOrEqual(0);
  });

  it('searches a city before its clock may end it, however late it starts; a stop request ends it at once', () => {
    // 16 threads on 2 cores on usa13509: a slice's wall-clock budget can pass in set-up, waiting for a CPU and a
    // first LK city run before the JIT compiled it. Stopped at its first poll, it answered every city pending.
    const { inst, nb, tour } = setup(300, 17);
    for (const moveType of [2, 3, 4, 5] as const) {
      let reads = 0;
      // The budget starts at 0; every later read is long past its 10 ms.
      const late = () => (reads++ === 0 ? 0 : 1000);
      const input: SliceInput = { tour, temperature: { start: 0, end: 0 }, budget: { ms: 10 }, seed: 1, method: 'lk', moveType };
      const out = annealSlice(inst, nb, input, { now: late });
      expect(out.stats.elapsedMs).toBe(1000);
      // From a random tour the first city's search finds a move (and leaves the city to search again).
      expect(out.length).toBeLessThan(out.stats.startLength);
      let asked = 0;
      annealSlice(inst, nb, input, { shouldStop: () => (asked++, true) });
      // Asked once: the first poll ended the slice.
      expect(asked).toBe(1);
    }
  });

  it('refuses pending cities out of range', () => {
    const { inst, nb, tour } = setup(50, 3);
    expect(() =>
      annealSlice(inst, nb, { tour, temperature: { start: 0, end: 0 }, budget: { moves: 0 }, seed: 1, method: 'lk', pending: Int32Array.of(3, 50) }),
    ).toThrow(RangeError);
  });

  it('means nothing to simulated annealing', () => {
    const { inst, nb, tour } = setup(100, 5);
    const out = annealSlice(inst, nb, { tour, temperature: { start: 10, end: 1 }, budget: { moves: 500 }, seed: 1, method: 'anneal', descended: true });
    expect(out.stats.descended).toBe(false);
    expect(out.length).toBeLessThan(out.stats.startLength);
  });
});
