/**
 * The pages at the sizes their users have, against the real `kiln serve`: the control center on a 1024 and a
 * 1280 px laptop and a 390 px phone, the join page (opened from an invite link on a phone) at 360x740 and
 * 390x844. Nothing makes the whole page scroll sideways, the controls a user needs are on screen, no
 * column of the Machines table is cut off, the 1024 px laptop shows Start, the progress and the map on its
 * first screen, and the join page's controls are big enough to tap.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { fixturePath } from '../test/helpers/tsplib-fixtures.ts';
import { serveKiln, type ServedKiln } from './serve-kiln.ts';

let kiln: ServedKiln;

test.beforeAll(async () => {
  kiln = await serveKiln(1);
});

test.afterAll(async () => {
  await kiln?.close();
});

async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

/** Scrolled to, it is wholly on screen (not past the right edge, not under another element's clip). */
async function expectOnScreen(control: Locator): Promise<void> {
  await control.scrollIntoViewIfNeeded();
  await expect(control).toBeInViewport({ ratio: 1 });
}

/**
 * Every cell of the table's header and first row lies inside the box that clips its rows (the rows' own
 * scrolling box), shows its whole text, and starts where its column's header does.
 */
async function expectMachineColumnsWhole(page: Page): Promise<void> {
  const cells = await page.getByTestId('machine-list').evaluate((rows) => {
    const clip = rows.getBoundingClientRect();
    const header = [...rows.parentElement!.querySelector('.head')!.children].map((cell) => cell.getBoundingClientRect().left);
    const row = rows.querySelector('[data-testid="machine-row"]')!;
    return [...row.children].map((cell, column) => {
      const box = cell.getBoundingClientRect();
      return { column, cut: box.right > clip.right + 0.5, clipped: cell.scrollWidth > cell.clientWidth, offset: Math.round(box.left - header[column]!) };
    });
  });
  expect(cells).toHaveLength(7);
  for (const cell of cells) expect(cell).toEqual({ column: cell.column, cut: false, clipped: false, offset: 0 });
}

for (const viewport of [
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
]) {
  test(`the control center at ${viewport.width}x${viewport.height}`, async ({ browser }) => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(kiln.uiUrl);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-phase', 'open');
    await page.getByTestId('file-input').setInputFiles(fixturePath('berlin52.tsp'));
    await expect(page.getByTestId('problem-summary')).toContainText('berlin52');
    await expect(page.getByTestId('machine-row')).toHaveAttribute('data-worker-id', 'local');

    await expectNoSidewaysScroll(page);
    for (const testid of ['file-input', 'budget-seconds', 'method', 'start', 'stop', 'map-canvas', 'map-fit', 'convergence-chart', 'create-invite']) {
      await expectOnScreen(page.getByTestId(testid));
    }
    await expect(page.getByTestId('start')).toBeEnabled();
    await expectMachineColumnsWhole(page);
    await context.close();
  });
}

test('at 1024x768 the first screen shows Start, the progress and the map together', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await page.goto(kiln.uiUrl);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-phase', 'open');
  await page.getByTestId('file-input').setInputFiles(fixturePath('berlin52.tsp'));
  await expect(page.getByTestId('problem-summary')).toContainText('berlin52');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-phase')).toHaveText('running');

  // Nothing scrolled: what the user sees as the run starts, without looking for it.
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  await expect(page.getByTestId('start')).toBeInViewport({ ratio: 1 });
  await expect(page.getByRole('region', { name: 'Progress' })).toBeInViewport({ ratio: 1 });
  const map = page.getByTestId('map-canvas');
  const top = (await map.boundingBox())!.y;
  expect(top).toBeGreaterThanOrEqual(0);
  expect(top).toBeLessThan(768);
  await expect(map).toBeInViewport({ ratio: 0.5 });

  await page.getByTestId('stop').click();
  await expect(page.getByTestId('run-phase')).toHaveText('stopped');
  await context.close();
});

test('the join page on phones (360x740, 390x844)', async ({ browser }) => {
  const controlCenter = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await controlCenter.goto(kiln.uiUrl);
  await controlCenter.getByTestId('create-invite').click();
  const link = await controlCenter.getByTestId('invite-link').inputValue();
  await controlCenter.context().close();

  for (const viewport of [
    { width: 360, height: 740 },
    { width: 390, height: 844 },
  ]) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${link}&threads=1`);
    await expect(page.getByTestId('status')).toHaveAttribute('data-phase', 'joined');

    await expectNoSidewaysScroll(page);
    for (const control of [page.getByRole('button', { name: 'Stop donating' }), page.getByTestId('display-name'), page.getByTestId('display-name-save')]) {
      await expectOnScreen(control);
      expect((await control.boundingBox())!.height).toBeGreaterThanOrEqual(32);
    }
    await context.close();
  }
});
