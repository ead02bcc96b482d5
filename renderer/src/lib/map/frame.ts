import { nextFrame } from '../next-frame.ts';
import { MapPainter, type DrawStrategy, type MapColors } from './draw.ts';
import type { MapPoints, View } from './view.ts';

/** Everything a map frame shows; each update replaces some of it and asks for one frame. */
export interface MapInputs {
  points: MapPoints | null;
  /** A tour that is not a permutation of `points` (a stale one, mid-switch) is not drawn. */
  tour: Int32Array | null;
  view: View | null;
  colors: MapColors | null;
  /** Canvas size in device pixels, and the device pixel ratio it was measured at. */
  width: number;
  height: number;
  dpr: number;
}

/** What the last frame cost: read by `npm run bench:map`, the e2e tests, and handy when profiling. */
export interface FrameStats {
  draws: number;
  drawMs: number;
  /** Cities of the tour in the last frame (0: the cities alone), so tests can tell a tour is on the map. */
  tourCities: number;
  /** The last frame's size in device pixels: until it matches the canvas's box, the page shows an older frame stretched. */
  width: number;
  height: number;
}

/**
 * One canvas's map, drawn at most once per animation frame however often its inputs change: ten
 * tours a second and every pointer move all land in the next frame, and a tour replaced before that
 * frame is never drawn. The same code draws on the page (`?map=main`) and in the map's worker
 * (map-worker.ts, on the page canvas's OffscreenCanvas).
 */
export class MapFrame {
  readonly #painter: MapPainter;
  readonly #inputs: MapInputs = { points: null, tour: null, view: null, colors: null, width: 0, height: 0, dpr: 1 };
  #pending = false;
  #closed = false;
  readonly stats: FrameStats = { draws: 0, drawMs: 0, tourCities: 0, width: 0, height: 0 };

  constructor(
    private readonly canvas: HTMLCanvasElement | OffscreenCanvas,
    strategy: DrawStrategy,
    private readonly onDrawn: (stats: FrameStats) => void,
  ) {
    this.#painter = new MapPainter(strategy);
  }

  /** The tour the next frame draws. */
  get tour(): Int32Array | null {
    return this.#inputs.tour;
  }

  update(inputs: Partial<MapInputs>): void {
    Object.assign(this.#inputs, inputs);
    const { width, height } = this.#inputs;
    // Resizing clears the canvas, so only on a real change.
    if (width > 0 && height > 0 && (this.canvas.width !== width || this.canvas.height !== height)) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    if (this.#pending || this.#closed) return;
    this.#pending = true;
    nextFrame(() => this.#draw());
  }

  /** The map as a PNG, as last drawn. */
  toPngBlob(): Promise<Blob | null> {
    const canvas = this.canvas;
    if (!(typeof HTMLCanvasElement !== 'undefined' && canvas instanceof HTMLCanvasElement))
      return (canvas as OffscreenCanvas).convertToBlob({ type: 'image/png' });
    return new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
  }

  close(): void {
    this.#closed = true;
  }

  #draw(): void {
    this.#pending = false;
    if (this.#closed) return;
    const { points, tour, view, colors, width, height, dpr } = this.#inputs;
    const context = this.canvas.getContext('2d', { alpha: false }) as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
    if (!context || !points || !view || !colors || width === 0 || height === 0) return;
    const n = points.x.length;
    const shownTour = tour && tour.length === n ? tour : null;
    const started = performance.now();
    this.#painter.draw(context, width, height, {
      points,
      tour: shownTour,
      view,
      colors,
      cityPx: Math.max(1, Math.round((n <= 1000 ? 5 : n <= 10_000 ? 2 : 1) * dpr)),
      // Dense tours stay one device pixel wide even on HiDPI: Skia draws those as hairlines, while
      // wider strokes of a 100k-segment path go through its (far slower) stroker.
      tourPx: n <= 10_000 ? 1.5 * dpr : 1,
    });
    this.stats.drawMs = performance.now() - started;
    this.stats.draws++;
    this.stats.tourCities = shownTour ? n : 0;
    this.stats.width = width;
    this.stats.height = height;
    this.onDrawn(this.stats);
  }
}
