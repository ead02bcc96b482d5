/**
 * How a run's time is cut into slices and how hot each slice runs. Slices start from the run's best
 * tour; temperatures follow the kernel's measured schedule (TEMPERATURE_SCALE, in units of an edge)
 * cooled geometrically over the whole run, with the best tour's mean edge as the unit.
 */
import { DEFAULT_METHOD, type Method } from '../../shared/tsp/kernel.ts';
import { TEMPERATURE_SCALE, temperatureAt, type Temperature } from '../../shared/tsp/schedule.ts';
import type { SolveScheme } from '../../shared/protocol/wire.ts';

/**
 * Cities from which 'auto' deals segment rounds; below, whole-tour slices. Measured on the 2-core machine under load
 * (docs/benchmarks.md, "Quality and scale", 2026-12-01): up to usa13509 'whole' was as good as or better than
 * 'population' (3 seeds); on pla85900 'segments' ended at 1.47 % where whole-tour slices ended at 2.4 % (their
 * alpha lists had not come in 120 s) and 'population' at 11.9 % (one seed each).
 */
export const AUTO_SEGMENTS_MIN_CITIES = 50_000;

/** The scheme a run uses: the one asked for, or for 'auto' (and none) the one measured best for its size. */
export function runScheme(scheme: SolveScheme | undefined, n: number): Exclude<SolveScheme, 'auto'> {
  if (scheme !== undefined && scheme !== 'auto') return scheme;
  return n >= AUTO_SEGMENTS_MIN_CITIES ? 'segments' : 'whole';
}

/** Slice length: long enough that per-slice setup (O(n) tour transfer and preparation) is noise, short
 * enough that improvements are shared often and a stop or a lost worker costs little. */
export function defaultSliceMs(n: number, budgetMs: number): number {
  const bySize = Math.min(5000, Math.max(250, n * 0.05));
  // At least four rounds per run, so workers build on each other's results.
  return Math.max(50, Math.min(bySize, budgetMs / 4));
}

/**
 * Slices one run dispatches per second at most. Every slice is a call in and a result out through the
 * control center's one event loop; with a crowd (1,000 donors x 2 slots at 250 ms would be 8,000 a
 * second) slices grow instead, so the control center's messages do not grow with the crowd
 * (docs/benchmarks.md, "A crowd of donors").
 */
export const MAX_SLICES_PER_SECOND = 1000;

/** The slice length for `slots` callee slots: `baseMs`, or longer where the crowd would exceed MAX_SLICES_PER_SECOND. */
export function crowdSliceMs(baseMs: number, slots: number, budgetMs: number): number {
  const forCrowd = (slots * 1000) / MAX_SLICES_PER_SECOND;
  // Never fewer than four rounds per run (as defaultSliceMs).
  return Math.round(Math.max(baseMs, Math.min(forCrowd, budgetMs / 4)));
}

/** A fill that deals more slices than this at once spreads their lengths (spreadSliceMs). */
export const SPREAD_FROM_SLICES = 32;

/**
 * The length of the `index`-th of `burst` slices dealt at once. A crowd's first fill deals thousands of
 * slices together; at one length they would all come back together, every round, as a burst of answers
 * that stalls the control center (a controller's call waits behind it) and leaves the progress events
 * bunched. Spread evenly over [planned / 2, 3 planned / 2] (the same mean), the answers arrive at the
 * steady rate from the first round on, and each slot's later slices (dealt one at a time as answers
 * come back) keep the spacing. Small bursts (a few local threads) keep the planned length.
 */
export function spreadSliceMs(plannedMs: number, index: number, burst: number): number {
  if (burst <= SPREAD_FROM_SLICES) return plannedMs;
  return Math.round(plannedMs * (0.5 + Math.min(index, burst - 1) / burst));
}

/**
 * The temperature band of a slice that covers run progress [fraction, fraction + bandFraction].
 * `meanEdge` (best length / n) stands in for the kernel's edge scale (mean distance to the two nearest
 * neighbours): on good tours the two are within about 10 %, and it costs the orchestrator nothing.
 */
export function temperatureBand(meanEdge: number, fraction: number, bandFraction: number, method: Method = DEFAULT_METHOD): Temperature {
  const { start, end } = TEMPERATURE_SCALE[method];
  // Callees refuse negative or non-finite temperatures: EXPLICIT matrices may have negative weights,
  // and limits.ts keeps lengths finite, but a schedule that cannot be sent would fail every slice.
  const unit = Number.isFinite(meanEdge) ? Math.abs(meanEdge) : 0;
  const run: Temperature = { start: start * unit, end: end * unit };
  return { start: temperatureAt(run, Math.min(1, fraction)), end: temperatureAt(run, Math.min(1, fraction + bandFraction)) };
}
