/**
 * Pixels of a PNG (a screenshot, or a canvas's PNG export) counted for the e2e tests. Decoded by the
 * page (createImageBitmap), since Node has no PNG decoder of its own; only the counts come back.
 */
import type { Page } from '@playwright/test';

export type Rgb = readonly [number, number, number];

export interface PngPixels {
  width: number;
  height: number;
  /** Pixels from row `fromRow` down that differ from the first of them (a background's colour). */
  painted: number;
  /** Pixels within `tolerance` (the sum of the channels' differences) of `near`; 0 without it. */
  near: number;
}

export function pngPixels(
  page: Page,
  png: Buffer,
  { fromRow = 0, near = null, tolerance = 12 }: { fromRow?: number; near?: Rgb | null; tolerance?: number } = {},
): Promise<PngPixels> {
  return page.evaluate(
    async ({ base64, fromRow, near, tolerance }) => {
      // From bytes, not a data: URL, which the page's Content-Security-Policy refuses to fetch.
      const image = await createImageBitmap(new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type: 'image/png' }));
      const context = new OffscreenCanvas(image.width, image.height).getContext('2d')!;
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      const first = fromRow * image.width * 4;
      let painted = 0;
      let close = 0;
      for (let i = first; i < data.length; i += 4) {
        if (data[i] !== data[first] || data[i + 1] !== data[first + 1] || data[i + 2] !== data[first + 2]) painted++;
        if (near && Math.abs(data[i] - near[0]) + Math.abs(data[i + 1] - near[1]) + Math.abs(data[i + 2] - near[2]) <= tolerance) close++;
      }
      return { width: image.width, height: image.height, painted, near: close };
    },
    { base64: png.toString('base64'), fromRow, near, tolerance },
  );
}
