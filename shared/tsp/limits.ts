/**
 * What Kiln can solve, in one place: the file parsers (parseProblemFile), the wire check
 * (problemFromWire) and the UI all refuse the same instances, with the same reasons, so a file that
 * loads is one a run accepts. The bounds keep every length a run computes finite and exact: the
 * schedule's temperatures come from tour lengths, and a non-finite one would make every slice invalid.
 */
import type { ProblemData } from './types.ts';

/** Fewer cities have one tour only: nothing to anneal. */
export const MIN_CITIES = 3;
/** Largest problem accepted (pla85900 is the largest TSPLIB instance Kiln ships for). */
export const MAX_CITIES = 200_000;
/** An n x n Int32 matrix must fit in one message under the router's 16 MiB limit: 4 * 2000^2 = 16 MB. */
export const MAX_EXPLICIT_CITIES = 2_000;
/**
 * Largest coordinate magnitude: an edge is then at most 2.9e9 and a tour of MAX_CITIES at most 5.7e14,
 * well inside the 2^53 where doubles count exactly (coordinates near 1e300 made lengths Infinity).
 */
export const MAX_COORDINATE = 1e9;

/** Why the problem cannot be solved, or undefined when it can. */
export function unsolvableReason(data: ProblemData): string | undefined {
  const { n } = data;
  if (!Number.isInteger(n) || n < MIN_CITIES) return `${n} cities: a tour needs at least ${MIN_CITIES} to be worth solving`;
  if (n > MAX_CITIES) return `${n} cities: at most ${MAX_CITIES} can be solved`;
  if (data.edgeWeightType === 'EXPLICIT' && n > MAX_EXPLICIT_CITIES)
    return `${n} cities with an EXPLICIT matrix: at most ${MAX_EXPLICIT_CITIES} (the n x n matrix travels in one message)`;
  for (const [axis, values] of [
    ['x', data.xs],
    ['y', data.ys],
  ] as const) {
    if (!values) continue;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) return `city ${i + 1} has a non-finite ${axis} coordinate (${v})`;
      if (Math.abs(v) > MAX_COORDINATE)
        return `city ${i + 1}'s ${axis} coordinate ${v} is beyond ±${MAX_COORDINATE}: tour lengths would not be exact (scale the coordinates down)`;
    }
  }
  return undefined;
}
