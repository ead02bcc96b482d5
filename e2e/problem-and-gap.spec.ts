/**
 * The city set and its reference length against the real `kiln serve`: a best known length typed for
 * any set gives runs their gap (and the chart a legend entry), and is remembered for that set; with no
 * reference there is neither gap nor legend entry. Bad files leave no doubt about what Start solves,
 * binary bytes never reach the page, and a fresh page shows a run only with its city set.
 */
import { randomBytes } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { openControlCenter as openPage, serveKilnForSpec } from './serve-kiln.ts';

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1440, height: 900 } });

const served = serveKilnForSpec(2);

const openControlCenter = (page: Page) => openPage(page, served());

async function randomSet(page: Page, cities: number, seed: number): Promise<void> {
  await page.getByTestId('random-count').fill(String(cities));
  await page.getByTestId('random-seed').fill(String(seed));
  await page.getByTestId('random-generate').click();
  await expect(page.getByTestId('problem-summary')).toContainText(`${cities} cities`);
}

async function runFor(page: Page, seconds: number): Promise<void> {
  await page.getByTestId('budget-seconds').fill(String(seconds));
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-phase')).toHaveText('running');
}

test('a best known length typed for a city set gives its runs a gap, and is remembered for that set', async ({ page }) => {
  await openControlCenter(page);
  await randomSet(page, 200, 7);
  await expect(page.getByTestId('best-known')).toHaveValue('');
  // No reference: no gap, and the legend lists only the curve.
  await runFor(page, 1);
  await expect(page.getByTestId('run-phase')).toHaveText('finished', { timeout: 15_000 });
  await expect(page.getByTestId('gap')).toHaveCount(0);
  await expect(page.getByTestId('convergence-chart')).toHaveAttribute('data-legend', 'best length');
  const firstBest = Number(await page.getByTestId('best-length').getAttribute('data-value'));

  // A best known length a little under what that run reached: the next run measures against it.
  const bestKnown = Math.round(firstBest * 0.9);
  await page.getByTestId('best-known').fill(String(bestKnown));
  await page.getByTestId('best-known').press('Enter');
  await expect(page.getByTestId('problem-summary')).toContainText(`best known ${bestKnown.toLocaleString('en-US')}`);
  await runFor(page, 1);
  await expect(page.getByTestId('run-phase')).toHaveText('finished', { timeout: 15_000 });
  const best = Number(await page.getByTestId('best-length').getAttribute('data-value'));
  const gap = Number(await page.getByTestId('gap').getAttribute('data-value'));
  expect(gap).toBeCloseTo(((best - bestKnown) / bestKnown) * 100, 9);
  await expect(page.getByTestId('convergence-chart')).toHaveAttribute('data-legend', 'best length, best known');

  // The same cities again, in a new page: the length is still known for them, and not for others.
  const again = await page.context().newPage();
  await openControlCenter(again);
  await randomSet(again, 200, 7);
  await expect(again.getByTestId('best-known')).toHaveValue(String(bestKnown));
  await randomSet(again, 200, 8);
  await expect(again.getByTestId('best-known')).toHaveValue('');
  await again.close();

  // A nonsense length is refused, and the one in force stays.
  await page.getByTestId('best-known').fill('-3');
  await page.getByTestId('best-known').press('Enter');
  await expect(page.getByTestId('best-known')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('problem-summary')).toContainText(`best known ${bestKnown.toLocaleString('en-US')}`);
});

test('random bytes opened as a .tsp are refused with a clean message, and the previous set is closed', async ({ page }) => {
  await openControlCenter(page);
  await randomSet(page, 50, 1);
  await page.getByTestId('file-input').setInputFiles({ name: 'noise.tsp', mimeType: 'application/octet-stream', buffer: randomBytes(4096) });
  const error = page.getByTestId('problem-error');
  await expect(error).toContainText('noise.tsp: not a text file');
  // Only printable characters reach the page.
  expect(await error.textContent()).toMatch(/^[\x20-\x7e\u2026]+$/);
  // Start cannot silently solve the 50 random cities any more.
  await expect(page.getByTestId('problem-summary')).toHaveCount(0);
  await expect(page.getByTestId('start')).toBeDisabled();
  await expect(page.getByTestId('map-message')).toBeVisible();
});

test('a text file that fails to parse also closes the previous set', async ({ page }) => {
  await openControlCenter(page);
  await randomSet(page, 50, 1);
  await page.getByTestId('file-input').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('x,y\n1,2\nthree,4\n') });
  await expect(page.getByTestId('problem-error')).toContainText('bad.csv:3');
  await expect(page.getByTestId('problem-error')).toContainText('random');
  await expect(page.getByTestId('problem-summary')).toHaveCount(0);
  await expect(page.getByTestId('start')).toBeDisabled();
});

test('a fresh page shows a finished run only under Runs, and a running one with its city set on the map', async ({ page, browser }) => {
  await openControlCenter(page);
  await randomSet(page, 300, 3);
  await runFor(page, 1);
  await expect(page.getByTestId('run-phase')).toHaveText('finished', { timeout: 15_000 });

  const fresh = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  await openControlCenter(fresh);
  await expect(fresh.getByTestId('map-message')).toBeVisible();
  await expect(fresh.getByTestId('run-phase')).toHaveCount(0);
  await expect(fresh.getByText('No run yet.')).toBeVisible();

  await runFor(page, 20);
  const joining = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  await openControlCenter(joining);
  await expect(joining.getByTestId('run-phase')).toHaveText('running');
  // The run's own cities are drawn: no "open a city set" over an empty map.
  await expect(joining.getByTestId('problem-summary')).toContainText('300 cities');
  await expect(joining.getByTestId('map-message')).toHaveCount(0);
  await page.getByTestId('stop').click();
  await expect(joining.getByTestId('run-phase')).toHaveText(/stopped|finished/);
  await fresh.context().close();
  await joining.context().close();
});
