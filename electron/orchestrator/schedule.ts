/**
 * How a run's time is cut into slices and how hot each slice runs. Slices start from the run's best
 * tour; temperatures are relative to the mean edge of that tour, so one schedule fits every instance.
 */

/** Slice length: long enough that per-slice setup (O(n) tour transfer and preparation) is noise, short
 * enough that improvements are shared often and a stop or a lost worker costs little. */
export function defaultSliceMs(n: number, budgetMs: number): number {
  const bySize = Math.min(5000, Math.max(250, n * 0.05));
  // At least four rounds per run, so workers build on each other's results.
  return Math.max(50, Math.min(bySize, budgetMs / 4));
}

/** Temperature band for a slice dispatched at `fraction` (0..1) of the run, as [start, end]. */
export function temperatureBand(meanEdge: number, fraction: number, bandFraction: number): { start: number; end: number } {
  const HOT = 0.05;
  const COLD = 0.0005;
  const at = (f: number) => meanEdge * HOT * Math.pow(COLD / HOT, Math.min(1, Math.max(0, f)));
  return { start: at(fraction), end: at(fraction + bandFraction) };
}
