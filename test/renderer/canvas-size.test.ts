import { afterEach, describe, expect, it, vi } from 'vitest';
import { trackCanvasSize, type CanvasSize } from '../../renderer/src/lib/canvas-size.ts';

type Box = { inlineSize: number; blockSize: number };

/**
 * The browser as the tracker sees it: a ResizeObserver the test fires by hand (as Chromium does, or
 * as a browser without device-pixel-content-box does), the device pixel ratio, and the resolution
 * media queries, which the test can change the ratio under.
 */
function fakeBrowser({ devicePixelBox = true } = {}) {
  const observers: Array<{ callback: ResizeObserverCallback; box: string | undefined; connected: boolean }> = [];
  const queries: Array<{ media: string; listeners: Set<() => void> }> = [];
  /** The ratio the media queries last matched. */
  let ratio = 1;
  vi.stubGlobal('devicePixelRatio', ratio);
  vi.stubGlobal(
    'ResizeObserver',
    class {
      readonly #record: (typeof observers)[number];
      constructor(callback: ResizeObserverCallback) {
        this.#record = { callback, box: undefined, connected: false };
        observers.push(this.#record);
      }
      observe(_element: Element, options?: ResizeObserverOptions): void {
        if (options?.box === 'device-pixel-content-box' && !devicePixelBox) throw new TypeError('unsupported box');
        this.#record.box = options?.box;
        this.#record.connected = true;
      }
      disconnect(): void {
        this.#record.connected = false;
      }
    },
  );
  vi.stubGlobal('matchMedia', (media: string) => {
    const query = { media, listeners: new Set<() => void>() };
    queries.push(query);
    return {
      media,
      addEventListener: (_type: string, listener: () => void) => query.listeners.add(listener),
      removeEventListener: (_type: string, listener: () => void) => query.listeners.delete(listener),
    };
  });
  return {
    observers,
    /** The observer reports the box: CSS pixels, and the device box where the browser gives one. */
    resize(cssWidth: number, cssHeight: number, device?: Box): void {
      for (const { callback, connected } of observers) {
        if (!connected) continue;
        const entry = { contentRect: { width: cssWidth, height: cssHeight }, devicePixelContentBoxSize: device && devicePixelBox ? [device] : undefined };
        callback([entry as unknown as ResizeObserverEntry], {} as ResizeObserver);
      }
    },
    /** The ratio changes: the query for the old one stops matching. */
    setRatio(next: number): void {
      const old = `(resolution: ${ratio}dppx)`;
      ratio = next;
      vi.stubGlobal('devicePixelRatio', next);
      for (const query of queries) if (query.media === old) for (const listener of [...query.listeners]) listener();
    },
    listening: () => queries.filter((query) => query.listeners.size > 0).map((query) => query.media),
  };
}

const element = {} as Element;

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("trackCanvasSize: a canvas's CSS box and device pixels", () => {
  it("takes the observer's device-pixel box as it is, and the CSS box with it", () => {
    const browser = fakeBrowser();
    const sizes: CanvasSize[] = [];
    trackCanvasSize(element, (size) => sizes.push(size));
    expect(browser.observers[0].box).toBe('device-pixel-content-box');
    browser.setRatio(1.25);
    browser.resize(300.4, 150, { inlineSize: 376, blockSize: 187 });
    expect(sizes).toEqual([{ cssWidth: 300.4, cssHeight: 150, width: 376, height: 187, dpr: 1.25 }]);
  });

  it('follows a change of the ratio alone, which no observer reports, and each one after it', () => {
    const browser = fakeBrowser({ devicePixelBox: false });
    const sizes: CanvasSize[] = [];
    trackCanvasSize(element, (size) => sizes.push(size));
    browser.resize(300, 150);
    browser.setRatio(2);
    browser.setRatio(1.5);
    expect(sizes.map(({ width, height, dpr }) => `${width}x${height}@${dpr}`)).toEqual(['300x150@1', '600x300@2', '450x225@1.5']);
    expect(browser.listening()).toEqual(['(resolution: 1.5dppx)']);
  });

  it("keeps the observer's exact box when it reported the new ratio before the media query did", () => {
    const browser = fakeBrowser();
    const sizes: CanvasSize[] = [];
    trackCanvasSize(element, (size) => sizes.push(size));
    browser.resize(300.4, 150.2, { inlineSize: 300, blockSize: 150 });
    // The observer first, with the box as the layout snaps it, then the query: it stays 600 wide, not 300.4 × 2 rounded.
    vi.stubGlobal('devicePixelRatio', 2);
    browser.resize(300.4, 150.2, { inlineSize: 600, blockSize: 300 });
    browser.setRatio(2);
    expect(sizes.map(({ width, height, dpr }) => `${width}x${height}@${dpr}`)).toEqual(['300x150@1', '600x300@2']);
  });

  it("takes the CSS box times the ratio when the device box disagrees with it (device emulation keeps the real screen's)", () => {
    const browser = fakeBrowser();
    const sizes: CanvasSize[] = [];
    trackCanvasSize(element, (size) => sizes.push(size));
    vi.stubGlobal('devicePixelRatio', 2);
    browser.resize(300.4, 150, { inlineSize: 300, blockSize: 150 });
    expect(sizes).toEqual([{ cssWidth: 300.4, cssHeight: 150, width: 601, height: 300, dpr: 2 }]);
  });

  it('reports nothing before the box is laid out, nor a box unchanged, and nothing once stopped', () => {
    const browser = fakeBrowser();
    const sizes: CanvasSize[] = [];
    const stop = trackCanvasSize(element, (size) => sizes.push(size));
    browser.setRatio(2);
    expect(sizes).toEqual([]);
    browser.resize(100, 50, { inlineSize: 200, blockSize: 100 });
    browser.resize(100, 50, { inlineSize: 200, blockSize: 100 });
    stop();
    browser.resize(120, 50, { inlineSize: 240, blockSize: 100 });
    browser.setRatio(3);
    expect(sizes).toHaveLength(1);
    expect(browser.listening()).toEqual([]);
  });
});
