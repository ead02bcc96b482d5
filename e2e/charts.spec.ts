/**
 * The charts, drawn by their Web Worker on OffscreenCanvases (and, as the baseline, by chart.js on
 * the page with `?charts=main`): after a short run of berlin52, hovering the convergence chart shows a
 * tooltip, a legend click hides the best-length line and a second one shows it again, the legend's
 * colour follows the theme, the chart follows its canvas's size, and the load charts list the local
 * machine's line. What the chart drew
 * comes back as the canvas's data-* attributes (ChartCanvas.svelte); the colours are read from a
 * screenshot, since the page cannot read back a canvas drawn in a worker.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { fixturePath } from '../test/helpers/tsplib-fixtures.ts';
import { pngPixels, type Rgb } from './pixels.ts';
import { serveKiln, type ServedKiln } from './serve-kiln.ts';

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1440, height: 900 } });

let kiln: ServedKiln;

test.beforeAll(async () => {
  kiln = await serveKiln(2);
});

test.afterAll(async () => {
  await kiln?.close();
});

interface LegendBox {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

async function legendBox(chart: Locator, text: string): Promise<LegendBox> {
  const boxes = JSON.parse((await chart.getAttribute('data-legend-boxes')) ?? '[]') as LegendBox[];
  const box = boxes.find((entry) => entry.text === text);
  if (!box) throw new Error(`no legend entry "${text}" in ${JSON.stringify(boxes)}`);
  return box;
}

/** Whether the screen shows, inside a legend entry, a pixel of `rgb` (the entry's colour box), within a small tolerance. */
async function legendShowsColour(page: Page, chart: Locator, text: string, rgb: Rgb): Promise<boolean> {
  const canvas = (await chart.boundingBox())!;
  const entry = await legendBox(chart, text);
  const png = await page.screenshot({ clip: { x: canvas.x + entry.x, y: canvas.y + entry.y, width: entry.width, height: entry.height } });
  return (await pngPixels(page, png, { near: rgb })).near > 0;
}

/** --series-1 (the best-length line) in app.css: light-dark(#c2410c, #fb923c). */
const SERIES_1 = { light: [0xc2, 0x41, 0x0c], dark: [0xfb, 0x92, 0x3c] } as const satisfies Record<string, Rgb>;

for (const thread of ['worker', 'main'] as const) {
  test(`charts drawn by the ${thread === 'worker' ? "charts' worker" : "page's main thread (?charts=main)"}: tooltip, legend clicks, theme, resizing`, async ({
    page,
  }) => {
    const url = new URL(kiln.uiUrl);
    if (thread === 'main') url.searchParams.set('charts', 'main');
    await page.goto(url.href);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-phase', 'open');
    await page.getByTestId('theme').selectOption('light');
    await page.getByTestId('file-input').setInputFiles(fixturePath('berlin52.tsp'));
    await expect(page.getByTestId('problem-summary')).toContainText('berlin52');
    await page.getByTestId('budget-seconds').fill('2');
    await page.getByTestId('start').click();
    await expect(page.getByTestId('run-phase')).toHaveText(/finished|stopped/, { timeout: 60_000 });

    const chart = page.getByTestId('convergence-chart');
    await expect(chart).toHaveAttribute('data-thread', thread);
    for (const load of ['load-chart-moves', 'load-chart-cpu', 'load-chart-inflight']) {
      await expect(page.getByTestId(load)).toHaveAttribute('data-thread', thread);
      await expect(page.getByTestId(load)).toHaveAttribute('data-series', /(^| )local( |$)/);
    }
    await expect(chart).toHaveAttribute('data-legend', 'best length, optimum');

    // Hovering over the curve shows the nearest point's tooltip; leaving the canvas hides it.
    const canvas = (await chart.boundingBox())!;
    await page.mouse.move(canvas.x + canvas.width * 0.6, canvas.y + canvas.height * 0.6);
    await expect(chart).toHaveAttribute('data-tooltip', /(best length|optimum): [\d,.]+/);
    await page.mouse.move(canvas.x + canvas.width * 0.6, canvas.y - 40);
    await expect(chart).not.toHaveAttribute('data-tooltip');

    // The theme's colour for the line, in the legend, light then dark.
    await expect.poll(() => legendShowsColour(page, chart, 'best length', SERIES_1.light)).toBe(true);
    await page.getByTestId('theme').selectOption('dark');
    await expect.poll(() => legendShowsColour(page, chart, 'best length', SERIES_1.dark)).toBe(true);
    expect(await legendShowsColour(page, chart, 'best length', SERIES_1.light)).toBe(false);

    // A legend click hides the line, a second one shows it again.
    const entry = await legendBox(chart, 'best length');
    await page.mouse.click(canvas.x + entry.x + entry.width / 2, canvas.y + entry.y + entry.height / 2);
    await expect(chart).toHaveAttribute('data-hidden', 'best length');
    await page.mouse.click(canvas.x + entry.x + entry.width / 2, canvas.y + entry.y + entry.height / 2);
    await expect(chart).toHaveAttribute('data-hidden', '');

    // A window narrow enough for one column (below 900 px) stacks the panels and widens the charts: the chart
    // lays itself out again at the canvas's new size (the legend, centred, moves right), and the pointer still
    // finds its points.
    await page.setViewportSize({ width: 860, height: 900 });
    await expect.poll(async () => (await legendBox(chart, 'best length')).x).toBeGreaterThan(entry.x + 100);
    // Stacked, the charts are below the map: on screen first, for the pointer to reach them.
    await chart.scrollIntoViewIfNeeded();
    const wide = (await chart.boundingBox())!;
    expect(wide.width).toBeGreaterThan(canvas.width + 200);
    // Off the chart first: the tooltip after the hover below is that hover's, not one left from the legend clicks.
    await page.mouse.move(0, 0);
    await expect(chart).not.toHaveAttribute('data-tooltip');
    await page.mouse.move(wide.x + wide.width * 0.9, wide.y + wide.height * 0.6);
    await expect(chart).toHaveAttribute('data-tooltip', /(best length|optimum): [\d,.]+/);
  });
}
