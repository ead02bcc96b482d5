/**
 * What a live chart shows, as plain data: the page builds it (from the run, the machines summary, the
 * past runs chosen) and it crosses to the charts' worker by postMessage, so nothing in here may be a
 * function or a DOM object.
 */

/** One line of a chart. */
export interface LineSeries {
  /** Its identity across updates: a line keeps its chart.js dataset, and so whether a legend click hid it. */
  key: string;
  label: string;
  /** x0, y0, x1, y1, ... in x order. Never changed once given: the caller builds a fresh array for each update. */
  points: Float64Array;
  /** Which of the theme's series colours (wraps around). */
  colour: number;
  /** CSS pixels. */
  width: number;
  /** Dash pattern in CSS pixels; none: solid. */
  dash?: number[];
  /** A step at each point (a best-so-far curve) rather than straight segments. */
  stepped?: boolean;
  /** An aggregate rather than one machine: left out of the canvas's `data-series` list. */
  summary?: boolean;
}

/** The theme's colours, resolved on the page (the worker has no stylesheet). */
export interface ChartColours {
  grid: string;
  text: string;
  /** --series-1 .. --series-6. */
  series: string[];
}

/** What a chart is, fixed when it is created. */
export interface ChartSetup {
  xTitle: string;
  yTitle: string;
  /** The y axis starts at zero (loads); lengths sit far from zero and would flatten. */
  yFromZero: boolean;
  /** The legend leaves out lines with no points (a reference that is not drawn). */
  legendSkipsEmpty: boolean;
}

/** Everything a chart draws; each update replaces some of it and asks for one redraw. */
export interface ChartInputs {
  series: LineSeries[];
  xMin: number;
  xMax: number;
  colours: ChartColours | null;
  /** The canvas's CSS size and the device pixel ratio (the worker's chart sizes itself from these; on the page chart.js watches the element). */
  width: number;
  height: number;
  dpr: number;
}

/** A legend entry where it is drawn (CSS pixels from the canvas's top left). */
export interface LegendEntry {
  text: string;
  hidden: boolean;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What a chart drew, as the page shows it in the canvas's data-* attributes (tests, and tools that read the page). */
export interface ChartReport {
  legend: LegendEntry[];
  /** Keys of the lines drawn, summaries left out. */
  series: string[];
  /** The tooltip's text (title and lines, ' · ' between them) while one is shown. */
  tooltip: string | null;
  /** The canvas's size in device pixels when drawn: until it matches the canvas's box, the page shows an older frame stretched. */
  width: number;
  height: number;
}

/** A pointer event as chart.js takes it: the kind it understands, and where, in CSS pixels of the chart. */
export interface PointerInput {
  type: 'mousemove' | 'mouseout' | 'click';
  x: number;
  y: number;
}

/** Points {x, y} as a chart's series takes them (x0, y0, x1, y1, ...). */
export function packPoints(points: ReadonlyArray<{ x: number; y: number }>): Float64Array {
  const flat = new Float64Array(points.length * 2);
  for (let i = 0; i < points.length; i++) {
    flat[2 * i] = points[i].x;
    flat[2 * i + 1] = points[i].y;
  }
  return flat;
}
