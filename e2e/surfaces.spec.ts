/**
 * The map's and the charts' canvases as surfaces (renderer/src/lib/canvas-size.ts, lib/map/surface.ts,
 * lib/charts/surface.ts): their bitmaps follow the device pixel ratio when it changes without their CSS box
 * (a window moved to a HiDPI screen, here emulated through CDP), drawn in their workers or on the page; and
 * when the workers' scripts do not load, the page draws the map and the charts itself, saying so once.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { fixturePath } from '../test/helpers/tsplib-fixtures.ts';
import { pngPixels } from './pixels.ts';
import { serveKilnForSpec } from './serve-kiln.ts';

test.describe.configure({ mode: 'serial' });
const VIEWPORT = { width: 1440, height: 900 };
test.use({ viewport: VIEWPORT });

const kiln = serveKilnForSpec(2);

async function open(page: Page, search: Record<string, string> = {}): Promise<void> {
  const url = new URL(kiln().uiUrl);
  for (const [name, value] of Object.entries(search)) url.searchParams.set(name, value);
  await page.goto(url.href);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-phase', 'open');
}

/** Whether the canvas was last drawn at its box's size in device pixels at the page's ratio now (give or take the rounding of a fractional layout). */
function drawnAtRatio(canvas: Locator): Promise<{ ratio: number; current: boolean; drawn: string | undefined }> {
  return canvas.evaluate((element: HTMLCanvasElement) => {
    const box = element.getBoundingClientRect();
    const ratio = window.devicePixelRatio;
    const [width, height] = (element.dataset.drawnSize ?? '0x0').split('x').map(Number);
    const current = width > 0 && Math.abs(width - box.width * ratio) <= 1 && Math.abs(height - box.height * ratio) <= 1;
    return { ratio, current, drawn: element.dataset.drawnSize };
  });
}

async function cssSize(canvas: Locator): Promise<{ width: number; height: number }> {
  const { width, height } = (await canvas.boundingBox())!;
  return { width, height };
}

for (const thread of ['worker', 'main'] as const) {
  test(`the map and the charts, drawn ${thread === 'worker' ? 'by their workers' : 'on the page (?map=main&charts=main)'}, follow a change of the device pixel ratio`, async ({
    page,
  }) => {
    await open(page, thread === 'main' ? { map: 'main', charts: 'main' } : {});
    await page.getByTestId('file-input').setInputFiles(fixturePath('berlin52.tsp'));
    const map = page.getByTestId('map-canvas');
    const chart = page.getByTestId('convergence-chart');
    await expect(map).toHaveAttribute('data-thread', thread);
    await expect(chart).toHaveAttribute('data-thread', thread);
    for (const canvas of [map, chart]) await expect.poll(() => drawnAtRatio(canvas)).toMatchObject({ ratio: 1, current: true });
    const before = { map: await map.getAttribute('data-drawn-size'), chart: await chart.getAttribute('data-drawn-size'), chartBox: await cssSize(chart) };

    // Twice the device pixels. Headless Chromium hands a ratio change alone (CDP's deviceScaleFactor) to the
    // page only with the viewport's next change (devicePixelRatio reads 2 at once, but no event fires), so
    // the window also grows one pixel taller; the chart's CSS box stays as it was: only the ratio changed for it.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setDeviceMetricsOverride', { width: VIEWPORT.width, height: VIEWPORT.height + 1, deviceScaleFactor: 2, mobile: false });
    for (const canvas of [map, chart]) await expect.poll(() => drawnAtRatio(canvas)).toMatchObject({ ratio: 2, current: true });
    expect(await cssSize(chart)).toEqual(before.chartBox);
    expect(await map.getAttribute('data-drawn-size')).not.toBe(before.map);
    expect(await chart.getAttribute('data-drawn-size')).not.toBe(before.chart);

    // And back: a ratio change is caught again after the first.
    await cdp.send('Emulation.setDeviceMetricsOverride', { ...VIEWPORT, deviceScaleFactor: 1, mobile: false });
    for (const canvas of [map, chart]) await expect.poll(() => drawnAtRatio(canvas)).toMatchObject({ ratio: 1, current: true });
    await cdp.detach();
  });
}

test("when the map's and the charts' worker scripts do not load, the page draws the map and the charts itself, and says so once", async ({ page }) => {
  const blocked: string[] = [];
  await page.route(/\/assets\/(map|chart)-worker-[^/]*\.js$/, (route) => {
    blocked.push(new URL(route.request().url()).pathname);
    return route.abort();
  });
  const warnings: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'warning' && message.text().startsWith('Kiln:')) warnings.push(message.text());
  });
  await open(page);
  await page.getByTestId('file-input').setInputFiles(fixturePath('berlin52.tsp'));

  const map = page.getByTestId('map-canvas');
  await expect(map).toHaveAttribute('data-thread', 'main');
  await expect(map).toHaveAttribute('data-draws', /^[1-9]\d*$/);
  // The cities are on the canvas drawn on the page (its PNG export reads it back).
  const exportPng = async (): Promise<number> => {
    const saving = page.waitForEvent('download');
    await page.getByTestId('export-png').click();
    return (await pngPixels(page, readFileSync(await (await saving).path()))).painted;
  };
  await expect.poll(exportPng).toBeGreaterThan(0);

  await page.getByTestId('budget-seconds').fill('2');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-phase')).toHaveText(/finished|stopped/, { timeout: 60_000 });
  await expect(map).toHaveAttribute('data-tour-cities', '52');
  const chart = page.getByTestId('convergence-chart');
  await expect(chart).toHaveAttribute('data-thread', 'main');
  await expect(chart).toHaveAttribute('data-legend', 'best length, optimum');
  await expect(chart).toHaveAttribute('data-series', /(^| )best( |$)/);
  for (const load of ['load-chart-moves', 'load-chart-cpu', 'load-chart-inflight']) {
    await expect(page.getByTestId(load)).toHaveAttribute('data-thread', 'main');
    await expect(page.getByTestId(load)).toHaveAttribute('data-series', /(^| )local( |$)/);
  }

  expect(blocked.some((path) => path.includes('/map-worker-'))).toBe(true);
  expect(blocked.some((path) => path.includes('/chart-worker-'))).toBe(true);
  expect(warnings.filter((text) => text.includes("map's worker failed"))).toHaveLength(1);
  expect(warnings.filter((text) => text.includes("charts' worker failed"))).toHaveLength(1);
});
