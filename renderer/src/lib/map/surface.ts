import type { DrawStrategy } from './draw.ts';
import { MapFrame, type FrameStats, type MapInputs } from './frame.ts';
import type { FromMapWorker, ToMapWorker } from './messages.ts';
import { SpareTours } from './spare-tours.ts';

/**
 * Where the map is drawn. 'worker' (the default): the canvas is handed to a Web Worker as an
 * OffscreenCanvas, so drawing a 30,000-city tour never blocks the page. 'main' draws on the page's
 * main thread, as before: browsers without OffscreenCanvas, a page whose map worker failed, and the
 * baseline `npm run bench:ui` compares with (`?map=main`); `npm run bench:map` times the painter there.
 */
export type MapThread = 'worker' | 'main';

/** The page's handle on the map's canvas, wherever it is drawn. */
export interface MapSurface {
  readonly thread: MapThread;
  update(inputs: Partial<MapInputs>): void;
  toPngBlob(): Promise<Blob | null>;
  close(): void;
}

/**
 * `onFailed`: the map's worker failed (its script did not load, or threw), so this canvas, handed to
 * it, shows nothing more and can never be drawn on the page: the caller replaces it and opens a 'main'
 * surface on the new one.
 */
export function createMapSurface(
  canvas: HTMLCanvasElement,
  thread: MapThread,
  strategy: DrawStrategy,
  onDrawn: (stats: FrameStats) => void,
  onFailed: () => void,
): MapSurface {
  if (thread === 'worker' && typeof canvas.transferControlToOffscreen === 'function' && typeof Worker === 'function') {
    return new WorkerMapSurface(canvas, strategy, onDrawn, onFailed);
  }
  const frame = new MapFrame(canvas, strategy, onDrawn);
  return {
    thread: 'main',
    update: (inputs) => frame.update(inputs),
    toPngBlob: () => frame.toPngBlob(),
    close: () => frame.close(),
  };
}

class WorkerMapSurface implements MapSurface {
  readonly thread = 'worker';
  readonly #worker = new Worker(new URL('./map-worker.ts', import.meta.url), { type: 'module', name: 'kiln-map' });
  readonly #pngs = new Map<number, (blob: Blob | null) => void>();
  readonly #spareTours = new SpareTours();
  #nextPng = 0;
  #closed = false;

  constructor(canvas: HTMLCanvasElement, strategy: DrawStrategy, onDrawn: (stats: FrameStats) => void, onFailed: () => void) {
    const offscreen = canvas.transferControlToOffscreen();
    this.#post({ type: 'canvas', canvas: offscreen, strategy }, [offscreen]);
    this.#worker.onmessage = ({ data }: MessageEvent<FromMapWorker>) => {
      if (data.type === 'drawn') return onDrawn(data.stats);
      if (data.type === 'spare') return this.#spareTours.give(data.tour);
      this.#pngs.get(data.id)?.(data.blob);
      this.#pngs.delete(data.id);
    };
    // A worker that failed draws nothing more: say so, answer PNG requests with none, and let the caller draw on the page.
    this.#worker.onerror = (event) => {
      const reason = event instanceof ErrorEvent && event.message ? event.message : 'it did not load';
      console.warn(`Kiln: the map's worker failed (${reason}); the map is drawn on the page's main thread instead.`);
      this.close();
      onFailed();
    };
  }

  update(inputs: Partial<MapInputs>): void {
    // The page keeps its tour (export, "start from this tour"); the worker gets a copy it owns, moved
    // rather than cloned, in a buffer it handed back (see SpareTours). Points are sent once per city set and are cloned.
    const tour = inputs.tour ? this.#spareTours.copyOf(inputs.tour) : null;
    this.#post({ type: 'update', inputs: 'tour' in inputs ? { ...inputs, tour } : inputs }, tour ? [tour.buffer] : []);
  }

  toPngBlob(): Promise<Blob | null> {
    if (this.#closed) return Promise.resolve(null);
    const id = this.#nextPng++;
    return new Promise((resolve) => {
      this.#pngs.set(id, resolve);
      this.#post({ type: 'png', id });
    });
  }

  close(): void {
    this.#closed = true;
    this.#worker.terminate();
    for (const resolve of this.#pngs.values()) resolve(null);
    this.#pngs.clear();
  }

  #post(message: ToMapWorker, transfer: Transferable[] = []): void {
    this.#worker.postMessage(message, transfer);
  }
}
