import { cssColour } from '../theme.svelte.ts';
import type { ChartColours } from './inputs.ts';

/** The number of series colours the stylesheet defines (--series-1 .. --series-6). */
const SERIES_COLOURS = 6;

/** The theme's chart colours as they apply at `element` (resolved on the page: a worker has no stylesheet). */
export function chartColours(element: Element): ChartColours {
  return {
    grid: cssColour(element, '--chart-grid'),
    text: cssColour(element, '--muted'),
    series: Array.from({ length: SERIES_COLOURS }, (_, i) => cssColour(element, `--series-${i + 1}`)),
  };
}
