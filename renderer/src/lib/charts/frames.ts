import { nextFrame } from '../next-frame.ts';

/**
 * Chart redraws, one per animation frame. A chart.js update (layout, ticks, every line, rasterised in
 * software without a GPU) takes the page's main thread 5-15 ms; a machines summary updated the three
 * load charts in one task, and a progress event the convergence chart in the same task as Svelte's
 * update, so on a busy 2-core machine those tasks were what still went past 50 ms during a big run.
 * The charts now draw in their worker (surface.ts), which runs this same queue; `?charts=main` and
 * browsers without OffscreenCanvas run it on the page.
 * Queued here, each chart redraws in a frame of its own, in the order first asked; asking again before
 * its turn only replaces the pending redraw (the latest data is drawn, never a backlog).
 */
export class FrameQueue {
  /** Pending redraws by chart, in the order first asked (Map keeps insertion order; `set` on a key keeps its place). */
  readonly #pending = new Map<object, () => void>();
  #frameRequested = false;

  constructor(private readonly requestFrame: (callback: () => void) => void) {}

  /** Runs `redraw` in a coming frame, in place of any redraw of `key` not yet run. */
  schedule(key: object, redraw: () => void): void {
    this.#pending.set(key, redraw);
    this.#request();
  }

  /** Drops `key`'s pending redraw (its chart is gone). */
  cancel(key: object): void {
    this.#pending.delete(key);
  }

  #request(): void {
    if (this.#frameRequested || this.#pending.size === 0) return;
    this.#frameRequested = true;
    this.requestFrame(() => this.#runOne());
  }

  #runOne(): void {
    this.#frameRequested = false;
    const next = this.#pending.entries().next();
    if (next.done) return;
    const [key, redraw] = next.value;
    this.#pending.delete(key);
    try {
      redraw();
    } finally {
      this.#request();
    }
  }
}

/**
 * This thread's queue (the page's, or the charts worker's): one chart redraw per animation frame (none
 * while the page is hidden: it catches up with the latest data).
 */
export const chartFrames = new FrameQueue(nextFrame);
