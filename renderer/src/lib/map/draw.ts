import type { MapPoints, View } from './view.ts';

export interface MapColors {
  background: string;
  city: string;
  tour: string;
}

/**
 * 'batched' is what the map uses: the tour as one path, with off-screen segments culled and points
 * that land on the pen's pixel skipped; small cities (up to MAX_PIXEL_CITY device pixels a side, as
 * dense instances use, also on HiDPI) written straight into an ImageData (rasterising a path of tens
 * of thousands of tiny rects costs far more than the rects' pixels), larger dots as one path of rects. 'naive' (a stroke per segment, a fillRect per city) exists as
 * the baseline that `npm run bench:map` compares against.
 */
export type DrawStrategy = 'batched' | 'naive';

/** Largest city square (device pixels a side) written into an ImageData rather than drawn as rects. */
const MAX_PIXEL_CITY = 4;

/** The 2D contexts the painter draws on: a page's canvas, or an OffscreenCanvas in the map's worker. */
export type MapContext = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

export interface MapScene {
  points: MapPoints;
  tour: Int32Array | null;
  view: View;
  colors: MapColors;
  /** Side of a city's square in device pixels. */
  cityPx: number;
  /** Tour line width in device pixels. */
  tourPx: number;
}

/** Draws scenes onto one canvas, reusing its scratch buffers between frames (no per-frame allocation). */
export class MapPainter {
  #screenX = new Float32Array(0);
  #screenY = new Float32Array(0);
  #occupied = new Uint8Array(0);
  #image: ImageData | null = null;

  constructor(private readonly strategy: DrawStrategy = 'batched') {}

  draw(ctx: MapContext, width: number, height: number, scene: MapScene): void {
    this.#project(scene, width, height);
    if (this.strategy === 'batched' && scene.cityPx <= MAX_PIXEL_CITY) {
      // Dense instances: cities as pixels under the tour.
      this.#putCityPixels(ctx, width, height, scene);
      if (scene.tour) this.#drawTour(ctx, width, height, scene, scene.tour);
      return;
    }
    ctx.fillStyle = scene.colors.background;
    ctx.fillRect(0, 0, width, height);
    if (scene.tour) this.#drawTour(ctx, width, height, scene, scene.tour);
    this.#drawCities(ctx, width, height, scene);
  }

  #putCityPixels(ctx: MapContext, width: number, height: number, scene: MapScene): void {
    if (!this.#image || this.#image.width !== width || this.#image.height !== height) this.#image = ctx.createImageData(width, height);
    const pixels = new Uint32Array(this.#image.data.buffer);
    pixels.fill(pixelWord(scene.colors.background));
    const city = pixelWord(scene.colors.city);
    const sx = this.#screenX;
    const sy = this.#screenY;
    const n = scene.points.x.length;
    const size = scene.cityPx;
    // The square's top-left corner relative to the city's pixel, so the square is centred on it.
    const back = (size - 1) >> 1;
    for (let i = 0; i < n; i++) {
      if (size === 1) {
        // The common case (dense instances at DPR 1), kept to one store.
        const px = Math.floor(sx[i]);
        const py = Math.floor(sy[i]);
        if (px >= 0 && py >= 0 && px < width && py < height) pixels[py * width + px] = city;
        continue;
      }
      const left = Math.floor(sx[i]) - back;
      const top = Math.floor(sy[i]) - back;
      if (left >= width || top >= height || left + size <= 0 || top + size <= 0) continue;
      const x0 = Math.max(0, left);
      const x1 = Math.min(width, left + size);
      const y1 = Math.min(height, top + size);
      // Plain stores: for squares this small they beat a fill() call per row.
      for (let y = Math.max(0, top); y < y1; y++) {
        const row = y * width;
        for (let x = x0; x < x1; x++) pixels[row + x] = city;
      }
    }
    ctx.putImageData(this.#image, 0, 0);
  }

  #project(scene: MapScene, width: number, height: number): void {
    const { x, y } = scene.points;
    const n = x.length;
    if (this.#screenX.length < n) {
      this.#screenX = new Float32Array(n);
      this.#screenY = new Float32Array(n);
    }
    const { centerX, centerY, scale } = scene.view;
    const halfW = width / 2;
    const halfH = height / 2;
    const sx = this.#screenX;
    const sy = this.#screenY;
    for (let i = 0; i < n; i++) {
      sx[i] = (x[i] - centerX) * scale + halfW;
      sy[i] = halfH - (y[i] - centerY) * scale;
    }
  }

  #drawTour(ctx: MapContext, width: number, height: number, scene: MapScene, tour: Int32Array): void {
    const sx = this.#screenX;
    const sy = this.#screenY;
    const n = tour.length;
    if (n === 0) return;
    ctx.strokeStyle = scene.colors.tour;
    ctx.lineWidth = scene.tourPx;
    if (this.strategy === 'naive') {
      for (let k = 0; k < n; k++) {
        const a = tour[k];
        const b = tour[(k + 1) % n];
        ctx.beginPath();
        ctx.moveTo(sx[a], sy[a]);
        ctx.lineTo(sx[b], sy[b]);
        ctx.stroke();
      }
      return;
    }
    const pad = scene.tourPx;
    ctx.beginPath();
    let prevX = sx[tour[0]];
    let prevY = sy[tour[0]];
    // The pen's last emitted pixel; a point rounding to it adds nothing visible.
    let penX = Math.round(prevX);
    let penY = Math.round(prevY);
    let penDown = false;
    for (let k = 1; k <= n; k++) {
      const city = tour[k === n ? 0 : k];
      const x = sx[city];
      const y = sy[city];
      const offScreen =
        (x < -pad && prevX < -pad) || (y < -pad && prevY < -pad) || (x > width + pad && prevX > width + pad) || (y > height + pad && prevY > height + pad);
      if (offScreen) {
        penDown = false;
      } else {
        const rx = Math.round(x);
        const ry = Math.round(y);
        if (!penDown) {
          penX = Math.round(prevX);
          penY = Math.round(prevY);
          ctx.moveTo(penX, penY);
          penDown = true;
        }
        if (rx !== penX || ry !== penY) {
          ctx.lineTo(rx, ry);
          penX = rx;
          penY = ry;
        }
      }
      prevX = x;
      prevY = y;
    }
    ctx.stroke();
  }

  #drawCities(ctx: MapContext, width: number, height: number, scene: MapScene): void {
    const sx = this.#screenX;
    const sy = this.#screenY;
    const n = scene.points.x.length;
    const size = scene.cityPx;
    const half = size / 2;
    ctx.fillStyle = scene.colors.city;
    if (this.strategy === 'naive') {
      for (let i = 0; i < n; i++) ctx.fillRect(sx[i] - half, sy[i] - half, size, size);
      return;
    }
    // One rect per distinct covered pixel: zoomed out, many cities collapse onto one.
    const cells = width * height;
    if (this.#occupied.length < cells) this.#occupied = new Uint8Array(cells);
    const occupied = this.#occupied;
    occupied.fill(0, 0, cells);
    ctx.beginPath();
    for (let i = 0; i < n; i++) {
      const px = Math.floor(sx[i]);
      const py = Math.floor(sy[i]);
      if (px < 0 || py < 0 || px >= width || py >= height) continue;
      const cell = py * width + px;
      if (occupied[cell]) continue;
      occupied[cell] = 1;
      ctx.rect(px + 0.5 - half, py + 0.5 - half, size, size);
    }
    ctx.fill();
  }
}

/** An rgb()/rgba() colour as one ImageData pixel (RGBA bytes in memory: little-endian ABGR word). */
function pixelWord(colour: string): number {
  const [r = 0, g = 0, b = 0, a = 1] = (colour.match(/[\d.]+/g) ?? []).map(Number);
  return ((Math.round(a * 255) << 24) | (b << 16) | (g << 8) | r) >>> 0;
}
