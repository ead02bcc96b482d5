import { cssColour } from './theme.svelte.ts';

/** The number of series colours the stylesheet defines (--series-1 .. --series-6). */
const SERIES_COLOURS = 6;

export function seriesColour(element: Element, index: number): string {
  return cssColour(element, `--series-${(index % SERIES_COLOURS) + 1}`);
}
