import { chartFrames } from './frames.ts';
import type { ChartInputs, ChartReport, ChartSetup } from './inputs.ts';
import { LiveChart } from './live-chart.ts';
import type { FromChartWorker, ToChartWorker } from './messages.ts';
import { chartPointerInput } from './pointer.ts';

/**
 * Where the charts are drawn. 'worker' (the default): each chart's canvas is handed to the charts'
 * Web Worker as an OffscreenCanvas, and the page forwards its size, the theme's colours and the
 * pointer events (tooltips, legend clicks). 'main': chart.js on the page's main thread, as before:
 * browsers without OffscreenCanvas, a page whose charts' worker failed, and the baseline
 * `npm run bench:ui` compares with (`?charts=main`).
 */
export type ChartThread = 'worker' | 'main';

/** The page's handle on a chart's canvas, wherever it is drawn. */
export interface ChartSurface {
  readonly thread: ChartThread;
  /** Keeps the series' point arrays (the caller builds fresh ones for each update); the worker gets copies. */
  update(inputs: Partial<ChartInputs>): void;
  close(): void;
}

/**
 * `onFailed`: the charts' worker failed (its script did not load, or threw), so this canvas, handed to
 * it, shows nothing more and can never be drawn on the page: the caller replaces it and opens a surface
 * on the new one, which is then drawn on the page's main thread, as every chart opened after.
 */
export function createChartSurface(
  canvas: HTMLCanvasElement,
  thread: ChartThread,
  setup: ChartSetup,
  onReport: (report: ChartReport) => void,
  onFailed: () => void,
): ChartSurface {
  if (thread === 'worker' && !shared.failed && typeof canvas.transferControlToOffscreen === 'function' && typeof Worker === 'function') {
    return new WorkerChartSurface(canvas, setup, onReport, onFailed);
  }
  const chart = new LiveChart(canvas, setup, chartFrames, onReport);
  return { thread: 'main', update: (inputs) => chart.update(inputs), close: () => chart.close() };
}

/** The one worker that draws all of the page's charts, while any is open; reports go to their chart by id. */
const shared: {
  worker: Worker | null;
  charts: Map<number, { worker: Worker; onReport: (report: ChartReport) => void; onFailed: () => void }>;
  nextId: number;
  /** A worker failed: the page draws its charts itself from then on. */
  failed: boolean;
} = {
  worker: null,
  charts: new Map(),
  nextId: 0,
  failed: false,
};

function chartWorker(): Worker {
  if (!shared.worker) {
    const worker = new Worker(new URL('./chart-worker.ts', import.meta.url), { type: 'module', name: 'kiln-charts' });
    worker.onmessage = ({ data }: MessageEvent<FromChartWorker>) => shared.charts.get(data.id)?.onReport(data.report);
    worker.onerror = (event) => failed(worker, event);
    shared.worker = worker;
  }
  return shared.worker;
}

/**
 * A worker that failed (its script did not load, or threw) draws nothing more: say so once, and have
 * each of its charts drawn on the page instead (a worker that failed to load would fail again).
 */
function failed(worker: Worker, event: Event): void {
  if (!shared.failed) {
    const reason = event instanceof ErrorEvent && event.message ? event.message : 'it did not load';
    console.warn(`Kiln: the charts' worker failed (${reason}); the charts are drawn on the page's main thread instead.`);
  }
  shared.failed = true;
  worker.terminate();
  if (shared.worker === worker) shared.worker = null;
  for (const chart of [...shared.charts.values()]) if (chart.worker === worker) chart.onFailed();
}

/** The page's pointer events a chart forwards to its worker. */
const POINTER_EVENTS = ['pointermove', 'pointerleave', 'pointercancel', 'click'] as const;

class WorkerChartSurface implements ChartSurface {
  readonly thread = 'worker';
  readonly #id = shared.nextId++;
  readonly #worker = chartWorker();
  /** The size last sent: the chart's layout in the worker, which pointer positions are scaled to. */
  #size = { width: 0, height: 0 };
  readonly #forward: (event: PointerEvent | MouseEvent) => void;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    setup: ChartSetup,
    onReport: (report: ChartReport) => void,
    onFailed: () => void,
  ) {
    shared.charts.set(this.#id, { worker: this.#worker, onReport, onFailed });
    const offscreen = canvas.transferControlToOffscreen();
    this.#post({ type: 'create', id: this.#id, canvas: offscreen, setup }, [offscreen]);
    this.#forward = (event) => {
      const input = chartPointerInput(event.type, event.clientX, event.clientY, canvas.getBoundingClientRect(), this.#size);
      if (input) this.#post({ type: 'pointer', id: this.#id, event: input });
    };
    for (const type of POINTER_EVENTS) canvas.addEventListener(type, this.#forward);
  }

  update(inputs: Partial<ChartInputs>): void {
    if (inputs.width !== undefined && inputs.height !== undefined) this.#size = { width: inputs.width, height: inputs.height };
    // Cloned, not transferred: the page keeps the points to draw them itself should the worker fail.
    this.#post({ type: 'update', id: this.#id, inputs });
  }

  close(): void {
    for (const type of POINTER_EVENTS) this.canvas.removeEventListener(type, this.#forward);
    this.#post({ type: 'close', id: this.#id });
    shared.charts.delete(this.#id);
    if (shared.charts.size === 0) {
      shared.worker?.terminate();
      shared.worker = null;
    }
  }

  #post(message: ToChartWorker, transfer: Transferable[] = []): void {
    this.#worker.postMessage(message, transfer);
  }
}
