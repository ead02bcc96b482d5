import { describe, expect, it } from 'vitest';
import { MAX_SLICES_PER_SECOND, crowdSliceMs } from '../../electron/orchestrator/slice-plan.ts';

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
