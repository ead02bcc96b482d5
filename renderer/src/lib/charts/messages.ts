import type { ChartInputs, ChartReport, ChartSetup, PointerInput } from './inputs.ts';

/**
 * Page -> charts worker. One worker draws all the page's charts, each by its id; a chart's canvas
 * comes once, first. Series points arrive as copies (the page keeps its own).
 */
export type ToChartWorker =
  | { type: 'create'; id: number; canvas: OffscreenCanvas; setup: ChartSetup }
  | { type: 'update'; id: number; inputs: Partial<ChartInputs> }
  | { type: 'pointer'; id: number; event: PointerInput }
  | { type: 'close'; id: number };

/** Charts worker -> page: what a chart shows now, sent when it changed. */
export type FromChartWorker = { type: 'report'; id: number; report: ChartReport };
