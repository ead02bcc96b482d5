import { describe, expect, it } from 'vitest';
import {
  AUTO_SEGMENTS_MIN_CITIES,
  MAX_SLICES_PER_SECOND,
  SPREAD_FROM_SLICES,
  crowdSliceMs,
  runScheme,
  spreadSliceMs,
} from '../../electron/orchestrator/slice-plan.ts';

describe('slices that grow with the crowd', () => {
  it('keeps the base slice while the callees take fewer than MAX_SLICES_PER_SECOND slices', () => {
    expect(crowdSliceMs(250, 16, 20_000)).toBe(250);
    expect(crowdSliceMs(250, MAX_SLICES_PER_SECOND / 4, 20_000)).toBe(250);
  });

  it('grows slices so a crowd is dealt at most MAX_SLICES_PER_SECOND a second', () => {
    const slots = 2000;
    const sliceMs = crowdSliceMs(250, slots, 20_000);
    expect((slots * 1000) / sliceMs).toBeLessThanOrEqual(MAX_SLICES_PER_SECOND);
    expect(sliceMs).toBeGreaterThan(250);
  });

  it('never leaves a run fewer than four rounds', () => {
    expect(crowdSliceMs(250, 100_000, 8000)).toBe(2000);
  });
});

describe('a burst of slices dealt at once', () => {
  it('keeps the planned length for a few local threads', () => {
    for (let index = 0; index < SPREAD_FROM_SLICES; index++) expect(spreadSliceMs(250, index, SPREAD_FROM_SLICES)).toBe(250);
  });

  it('spreads a crowd over half to one and a half the planned length, with the same mean, so the answers do not come back together', () => {
    const burst = 2000;
    const lengths = Array.from({ length: burst }, (_, index) => spreadSliceMs(2000, index, burst));
    expect(Math.min(...lengths)).toBe(1000);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(3000);
    expect(lengths.reduce((sum, ms) => sum + ms, 0) / burst).toBeCloseTo(2000, -1);
    // Evenly: no 100 ms window of the spread holds more than its share (plus rounding).
    const perWindow = new Map<number, number>();
    for (const ms of lengths) perWindow.set(Math.floor(ms / 100), (perWindow.get(Math.floor(ms / 100)) ?? 0) + 1);
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(burst / 20 + 1);
  });
});

describe("the 'auto' scheme", () => {
  it('is whole-tour slices below AUTO_SEGMENTS_MIN_CITIES and segment rounds from there; a scheme asked for is kept', () => {
    expect(runScheme(undefined, 13509)).toBe('whole');
    expect(runScheme('auto', AUTO_SEGMENTS_MIN_CITIES - 1)).toBe('whole');
    expect(runScheme('auto', AUTO_SEGMENTS_MIN_CITIES)).toBe('segments');
    expect(runScheme(undefined, 85900)).toBe('segments');
    expect(runScheme('population', 85900)).toBe('population');
    expect(runScheme('whole', 85900)).toBe('whole');
    expect(runScheme('segments', 100)).toBe('segments');
  });
});
