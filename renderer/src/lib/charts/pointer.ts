import type { PointerInput } from './inputs.ts';

/** A box on screen (DOMRect's fields). */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The page's pointer events a chart forwards, as the event chart.js would have taken from the canvas. */
const CHART_EVENT_OF: Partial<Record<string, PointerInput['type']>> = {
  pointermove: 'mousemove',
  pointerleave: 'mouseout',
  pointercancel: 'mouseout',
  click: 'click',
};

/**
 * A page event on a chart's canvas as chart.js's synthetic event: x and y in the chart's own CSS
 * pixels (chart.js takes an event that has `native` as already placed, getRelativePosition). The
 * canvas may be shown at another size than the chart was last laid out for (a resize on its way to
 * the worker), so the position is scaled to the chart's size. Null: an event the chart does not take,
 * or a canvas not laid out.
 */
export function chartPointerInput(type: string, clientX: number, clientY: number, canvas: Box, chart: { width: number; height: number }): PointerInput | null {
  const chartType = CHART_EVENT_OF[type];
  if (!chartType || !(canvas.width > 0 && canvas.height > 0)) return null;
  const width = chart.width > 0 ? chart.width : canvas.width;
  const height = chart.height > 0 ? chart.height : canvas.height;
  return { type: chartType, x: ((clientX - canvas.left) * width) / canvas.width, y: ((clientY - canvas.top) * height) / canvas.height };
}
