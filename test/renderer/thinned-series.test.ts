import { describe, expect, it } from 'vitest';
import { ThinnedSeries } from '../../renderer/src/lib/charts/thinned-series.ts';

describe('the convergence curve thinned for drawing', () => {
  it('keeps every sample of a short run (fewer than its buckets)', () => {
    const series = new ThinnedSeries();
    series.reset(30);
    for (let i = 0; i < 300; i++) series.add(i / 10, 1000 - i);
    expect(series.points).toHaveLength(300);
    expect(series.points[299]).toEqual({ x: 29.9, y: 701 });
  });

  it("draws an hour's run at ten samples a second with at most 2,000 points, keeping each bucket's first and latest sample", () => {
    const series = new ThinnedSeries();
    series.reset(3600);
    const samples: Array<[number, number]> = [];
    for (let i = 0; i < 36_000; i++) samples.push([i / 10, 1_000_000 - i]);
    for (const [x, y] of samples) series.add(x, y);
    expect(series.points.length).toBeLessThanOrEqual(2000);
    // The curve's ends are exact: the first sample and the latest (the best shown).
    expect(series.points[0]).toEqual({ x: 0, y: 1_000_000 });
    expect(series.points.at(-1)).toEqual({ x: 3599.9, y: 1_000_000 - 35_999 });
    // Within a bucket (3.6 s) of any sample there is a point at or below it, and every point is a sample: the curve is not moved.
    const sampled = new Set(samples.map(([x, y]) => `${x},${y}`));
    expect(series.points.filter((p) => !sampled.has(`${p.x},${p.y}`))).toEqual([]);
    for (let i = 0; i < samples.length; i += 997) {
      const [x, y] = samples[i];
      expect(series.points.some((p) => Math.abs(p.x - x) <= 3.6 && p.y <= y)).toBe(true);
    }
    // In time order.
    for (let i = 1; i < series.points.length; i++) expect(series.points[i].x).toBeGreaterThan(series.points[i - 1].x);
  });

  it('starts over in place for a new run', () => {
    const series = new ThinnedSeries();
    const points = series.points;
    series.reset(10);
    series.add(1, 5);
    series.add(1.001, 4);
    series.add(1.002, 3);
    expect(series.points).toEqual([
      { x: 1, y: 5 },
      { x: 1.002, y: 3 },
    ]);
    series.reset(100);
    expect(series.points).toBe(points);
    expect(points).toEqual([]);
    series.add(0, 9);
    expect(points).toEqual([{ x: 0, y: 9 }]);
  });
});
