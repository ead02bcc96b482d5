/**
 * Map drawing benchmark: opens the built renderer in Chromium, loads a TSPLIB instance (default
 * pla85900, 85,900 cities) and a tour through the page's file input, then pans and zooms with the
 * keyboard and times each redraw. The baseline, measured in the same run, is the map's naive
 * renderer (`?mapDraw=naive`: one stroke per tour segment, one fillRect per city).
 *
 *   npm run bench:map [-- path/to/instance.tsp] [--redraws 60] [--dpr 1]
 *
 * Two figures per redraw: `draw` is the draw call's own time (the canvas records commands);
 * `draw+raster` is from the frame's start until the canvas has also rasterised the drawing (forced
 * with getImageData), which is what a frame pays.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import { benchTsplibPath } from './tsplib.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { redraws: { type: 'string', default: '60' }, dpr: { type: 'string', default: '1' } },
});
const tspPath = positionals[0] ?? benchTsplibPath('pla85900.tsp');
const redraws = Number(values.redraws);
const dpr = Number(values.dpr);
const distDir = join(process.cwd(), 'dist/renderer');

/** City ids in Hilbert-curve order of their coordinates: a tour with the locality of a good one. */
function hilbertTour(text: string): number[] {
  const rows = text
    .slice(text.indexOf('NODE_COORD_SECTION') + 'NODE_COORD_SECTION'.length)
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter((row) => row.length === 3 && row.every(Number.isFinite));
  const xs = rows.map((r) => r[1]);
  const ys = rows.map((r) => r[2]);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const side = 1 << 16;
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const key = (x: number, y: number): number => {
    let px = Math.floor(((x - minX) / span) * (side - 1));
    let py = Math.floor(((y - minY) / span) * (side - 1));
    let d = 0;
    for (let s = side / 2; s >= 1; s /= 2) {
      const rx = px & s ? 1 : 0;
      const ry = py & s ? 1 : 0;
      d += s * s * ((3 * rx) ^ ry);
      if (ry === 0) {
        if (rx === 1) [px, py] = [side - 1 - px, side - 1 - py];
        [px, py] = [py, px];
      }
    }
    return d;
  };
  const keys = rows.map((r) => key(r[1], r[2]));
  return rows.map((r) => r[0]).sort((a, b) => keys[a - 1] - keys[b - 1]);
}

function serve(dir: string): Promise<Server> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = path === '/' ? 'index.html' : path;
    try {
      const body = readFileSync(join(dir, file));
      response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Timing {
  draw: number[];
  raster: number[];
}

async function main(): Promise<void> {
  await build({ configFile: 'renderer/vite.config.ts', logLevel: 'warn' });
  const server = await serve(distDir);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const tspText = readFileSync(tspPath, 'utf8');
  const tour = hilbertTour(tspText);
  const name = /NAME\s*:\s*(\S+)/.exec(tspText)?.[1] ?? 'problem';
  const tourPath = join(mkdtempSync(join(tmpdir(), 'kiln-bench-map-')), `${name}.tour`);
  writeFileSync(tourPath, `NAME : ${name}.tour\nTYPE : TOUR\nDIMENSION : ${tour.length}\nTOUR_SECTION\n${tour.join('\n')}\n-1\nEOF\n`);

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });

  async function measure(strategy: 'batched' | 'naive', withTour: boolean): Promise<Timing> {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: dpr });
    await page.goto(`${base}?map=main&mapDraw=${strategy}`);
    await page.setInputFiles('[data-testid=file-input]', withTour ? [tspPath, tourPath] : [tspPath]);
    await page.waitForFunction(
      (withTour) => document.querySelector('[data-testid=problem-summary]')?.textContent?.includes(withTour ? 'tour opened' : 'cities'),
      withTour,
      {
        timeout: 60_000,
      },
    );
    const timing = await page.evaluate(async (count) => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=map-canvas]')!;
      const context = canvas.getContext('2d')!;
      // No named functions in here: tsx would wrap them in a helper that the page does not have.
      for (let frame = 0; frame < 2; frame++) await new Promise((resolve) => requestAnimationFrame(resolve));
      // Zoom in twice first so that pans also exercise culling, then alternate pans and zooms.
      const keys = ['+', '+'];
      for (let i = 0; keys.length < count + 2; i++) keys.push(['ArrowLeft', 'ArrowUp', '-', 'ArrowRight', 'ArrowDown', '+'][i % 6]);
      const draw: number[] = [];
      const raster: number[] = [];
      for (const [i, key] of keys.entries()) {
        const drawsBefore = canvas.dataset.draws;
        canvas.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
        // Queued after the map's own frame callback, so it runs right after the redraw; the frame's
        // start time is the time stamp all of that frame's callbacks receive.
        await new Promise<void>((resolve) =>
          requestAnimationFrame((frameStart) => {
            context.getImageData(0, 0, 1, 1);
            if (i >= 2) raster.push(performance.now() - frameStart);
            resolve();
          }),
        );
        if (canvas.dataset.draws === drawsBefore) throw new Error('the map did not redraw');
        if (i >= 2) draw.push(Number(canvas.dataset.drawMs));
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
      return { draw, raster };
    }, redraws);
    await page.close();
    return timing;
  }

  const rows: [string, Timing][] = [
    ['batched, cities + tour', await measure('batched', true)],
    ['naive (baseline), cities + tour', await measure('naive', true)],
    ['batched, cities only', await measure('batched', false)],
  ];
  await browser.close();
  server.close();

  const baseline = rows[1][1];
  const p50 = (values: number[]): number =>
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    );
  const p99 = (values: number[]): number =>
    percentile(
      [...values].sort((a, b) => a - b),
      99,
    );
  console.log(`map drawing: ${name} (${tour.length} cities), ${redraws} redraws by pan/zoom, 1440x900 CSS px at DPR ${dpr}, Chromium --disable-gpu`);
  console.log('| renderer | draw p50 ms | draw p99 ms | draw+raster p50 ms | draw+raster p99 ms | p50 vs naive |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [label, timing] of rows) {
    const ratio = p50(timing.raster) / p50(baseline.raster);
    console.log(
      `| ${label} | ${p50(timing.draw).toFixed(2)} | ${p99(timing.draw).toFixed(2)} | ${p50(timing.raster).toFixed(2)} | ${p99(timing.raster).toFixed(2)} | ${ratio.toFixed(3)}x |`,
    );
  }
}

await main();
