/**
 * One live line chart (chart.js) on a canvas: the same code draws on the page (`?charts=main`, or a
 * browser without OffscreenCanvas) and in the charts' worker (chart-worker.ts, on the page canvas's
 * OffscreenCanvas). It takes plain inputs (inputs.ts), redraws in a frame of its own (frames.ts),
 * and reports what it drew (legend, lines, tooltip) for the page's data-* attributes.
 */
import { Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartDataset, type ChartOptions, type Plugin } from 'chart.js';
import type { FrameQueue } from './frames.ts';
import type { ChartColours, ChartInputs, ChartReport, ChartSetup, LegendEntry, LineSeries, PointerInput } from './inputs.ts';

// Register only what the line charts use, so the bundles leave the rest of chart.js out.
Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip);

interface XY {
  x: number;
  y: number;
}
type LineChart = Chart<'line', XY[], string>;
type LineDataset = ChartDataset<'line', XY[]>;

/** What chart.js keeps that its types leave out: the legend's hit boxes, and the event entry point its DOM listeners call. */
interface ChartInternals {
  legend?: { legendItems?: Array<{ text: string; hidden?: boolean }>; legendHitBoxes?: Array<{ left: number; top: number; width: number; height: number }> };
  tooltip?: { opacity: number; title: string[]; body: Array<{ lines: string[] }>; getActiveElements(): unknown[] };
  _eventHandler(event: { type: string; native: { type: string }; x: number; y: number }): void;
  canvas: { width: number; height: number };
}

export class LiveChart {
  readonly #chart: LineChart;
  /** On the page chart.js sizes the canvas from its element; in the worker from the inputs. */
  readonly #sizedByInputs: boolean;
  readonly #inputs: ChartInputs = { series: [], xMin: 0, xMax: 1, colours: null, width: 0, height: 0, dpr: 1 };
  /** Datasets by line key: kept across updates, so chart.js keeps each line's hidden state. */
  readonly #datasets = new Map<string, LineDataset>();
  #appliedColours: ChartColours | null = null;
  #drawnSeries: string[] = [];
  /** Pointer events not yet handed to chart.js (moves coalesced), and the frame-queue key of their turn. */
  #events: PointerInput[] = [];
  readonly #pointerTurn = {};
  #lastReport = '';

  constructor(
    canvas: HTMLCanvasElement | OffscreenCanvas,
    setup: ChartSetup,
    private readonly frames: FrameQueue,
    private readonly onReport: (report: ChartReport) => void,
  ) {
    this.#sizedByInputs = !(typeof HTMLCanvasElement !== 'undefined' && canvas instanceof HTMLCanvasElement);
    // Its own chart argument: the first draw happens inside chart.js's constructor, before #chart is set.
    const reporter: Plugin<'line'> = { id: 'kilnReport', afterDraw: (chart) => this.#report(chart as unknown as ChartInternals) };
    // chart.js runs on an OffscreenCanvas (its BasicPlatform), though its types name only DOM items.
    this.#chart = new Chart(canvas as HTMLCanvasElement, {
      type: 'line',
      data: { datasets: [] },
      options: lineOptions(setup, !this.#sizedByInputs),
      plugins: [reporter],
    });
  }

  update(inputs: Partial<ChartInputs>): void {
    Object.assign(this.#inputs, inputs);
    this.frames.schedule(this, () => this.#redraw());
  }

  /** A pointer event (the worker's chart has no DOM listeners of its own), handled in a coming frame; moves in between are coalesced. */
  pointer(event: PointerInput): void {
    if (event.type === 'mousemove' && this.#events.at(-1)?.type === 'mousemove') this.#events[this.#events.length - 1] = event;
    else this.#events.push(event);
    this.frames.schedule(this.#pointerTurn, () => this.#dispatchPointer());
  }

  close(): void {
    this.frames.cancel(this);
    this.frames.cancel(this.#pointerTurn);
    this.#chart.destroy();
  }

  #redraw(): void {
    const chart = this.#chart;
    const { series, xMin, xMax, colours, width, height, dpr } = this.#inputs;
    if (this.#sizedByInputs) {
      if (width <= 0 || height <= 0) return;
      if (chart.width !== width || chart.height !== height || chart.currentDevicePixelRatio !== dpr) {
        chart.options.devicePixelRatio = dpr;
        chart.resize(width, height);
      }
    }
    if (colours && colours !== this.#appliedColours) applyColours(chart, colours);
    this.#appliedColours = colours;
    chart.data.datasets = this.#syncDatasets(series, colours);
    this.#drawnSeries = series.filter((line) => !line.summary).map((line) => line.key);
    const x = chart.options.scales?.x;
    if (x) {
      x.min = xMin;
      x.max = xMax;
    }
    chart.update('none');
  }

  /** The datasets for `series`, in its order, reusing each key's dataset. */
  #syncDatasets(series: readonly LineSeries[], colours: ChartColours | null): LineDataset[] {
    const wanted = new Set(series.map((line) => line.key));
    for (const key of this.#datasets.keys()) if (!wanted.has(key)) this.#datasets.delete(key);
    return series.map((line) => {
      let dataset = this.#datasets.get(line.key);
      if (!dataset) this.#datasets.set(line.key, (dataset = { data: [] }));
      const colour = colours && colours.series.length > 0 ? colours.series[line.colour % colours.series.length] : undefined;
      Object.assign(dataset, {
        label: line.label,
        data: pointsOf(line.points),
        borderWidth: line.width,
        borderDash: line.dash ?? [],
        stepped: line.stepped ? 'before' : false,
        borderColor: colour,
        backgroundColor: colour,
      });
      return dataset;
    });
  }

  #dispatchPointer(): void {
    const events = this.#events;
    this.#events = [];
    const chart = this.#chart as unknown as ChartInternals;
    for (const { type, x, y } of events) chart._eventHandler({ type, native: { type }, x, y });
  }

  /** After each draw: what it shows, sent on only when it changed. */
  #report(chart: ChartInternals): void {
    const items = chart.legend?.legendItems ?? [];
    const boxes = chart.legend?.legendHitBoxes ?? [];
    const legend: LegendEntry[] = items.map((item, i) => ({
      text: item.text,
      hidden: item.hidden === true,
      x: Math.round(boxes[i]?.left ?? 0),
      y: Math.round(boxes[i]?.top ?? 0),
      width: Math.round(boxes[i]?.width ?? 0),
      height: Math.round(boxes[i]?.height ?? 0),
    }));
    const tip = chart.tooltip;
    const tooltip = tip && tip.opacity > 0 && tip.getActiveElements().length > 0 ? [...tip.title, ...tip.body.flatMap((part) => part.lines)].join(' · ') : null;
    const report: ChartReport = { legend, series: this.#drawnSeries, tooltip, width: chart.canvas.width, height: chart.canvas.height };
    const text = JSON.stringify(report);
    if (text === this.#lastReport) return;
    this.#lastReport = text;
    this.onReport(report);
  }
}

/** {x, y} points as chart.js reads them (`parsing: false`) from x0, y0, x1, y1, ... */
function pointsOf(flat: Float64Array): XY[] {
  const points = new Array<XY>(flat.length >> 1);
  for (let i = 0; i < points.length; i++) points[i] = { x: flat[2 * i], y: flat[2 * i + 1] };
  return points;
}

/** No animation (data arrives every second), no points drawn, nearest-point tooltips; colours come with the inputs. */
function lineOptions(setup: ChartSetup, responsive: boolean): ChartOptions<'line'> {
  return {
    animation: false,
    // The worker's chart has no element to watch: the page sends its size (inputs.ts).
    responsive,
    maintainAspectRatio: false,
    parsing: false,
    normalized: true,
    interaction: { mode: 'nearest', intersect: false },
    elements: { point: { radius: 0 }, line: { borderWidth: 1.5 } },
    scales: {
      x: { type: 'linear', title: { display: true, text: setup.xTitle }, ticks: { maxTicksLimit: 7 } },
      y: { type: 'linear', title: { display: true, text: setup.yTitle }, ticks: { maxTicksLimit: 6 }, beginAtZero: setup.yFromZero },
    },
    plugins: {
      legend: {
        labels: {
          boxWidth: 12,
          ...(setup.legendSkipsEmpty ? { filter: (item, data) => (data.datasets[item.datasetIndex!]?.data.length ?? 0) > 0 } : {}),
        },
      },
      tooltip: { enabled: true },
    },
  };
}

/** The theme's colours into the axes and the legend (the lines take theirs from `colours.series`). */
function applyColours(chart: LineChart, { grid, text }: ChartColours): void {
  for (const scale of Object.values(chart.options.scales ?? {})) {
    if (!scale) continue;
    if (scale.grid) scale.grid.color = grid;
    if (scale.ticks) scale.ticks.color = text;
    if ('title' in scale && scale.title) scale.title.color = text;
  }
  if (chart.options.plugins?.legend?.labels) chart.options.plugins.legend.labels.color = text;
}
