/**
 * The charts' worker: owns every chart canvas of the page (each transferred as an OffscreenCanvas) and
 * runs chart.js there, so the redraws (layout, ticks, lines, software raster: ~6 ms each) never take
 * the page's main thread. One redraw per animation frame, as on the page (frames.ts).
 */
import { ChartHost } from './chart-host.ts';
import { chartFrames } from './frames.ts';
import { LiveChart } from './live-chart.ts';
import type { FromChartWorker, ToChartWorker } from './messages.ts';

const scope = self as unknown as { onmessage: ((event: MessageEvent<ToChartWorker>) => void) | null; postMessage(message: FromChartWorker): void };
const host = new ChartHost(
  (canvas, setup, onReport) => new LiveChart(canvas, setup, chartFrames, onReport),
  (message) => scope.postMessage(message),
);
scope.onmessage = ({ data }) => host.handle(data);
