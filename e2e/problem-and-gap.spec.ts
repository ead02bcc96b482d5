/**
 * The city set and its reference length against the real `kiln serve`: a best known length typed for
 * any set gives runs their gap (and the chart a legend entry), and kiln serve keeps it for that set
 * (every browser sees it, also after a restart); with no reference there is neither gap nor legend entry. Bad files leave no doubt about what Start solves,
 * binary bytes never reach the page, and a fresh page shows a run only with its city set.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { problemHash } from '../shared/tsp/problem.ts';
import { randomProblem } from '../renderer/src/lib/randomProblem.ts';
import { openControlCenter as openPage, serveKiln, serveKilnForSpec } from './serve-kiln.ts';

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

test('a best known length typed for a city set gives its runs a gap, is kept by kiln serve for that set, and survives its restart', async ({ browser }) => {
  // Five pages, three runs and a restart of kiln serve, on a busy machine.
  test.setTimeout(240_000);
  // A kiln serve of its own, on a state directory that outlives it.
  const stateDir = mkdtempSync(join(tmpdir(), 'kiln-best-known-'));
  let kiln = await serveKiln(1, { stateDir });
  const contexts: BrowserContext[] = [];
  const freshPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await openPage(page, kiln);
    return page;
  };
  try {
    const page = await freshPage();
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
    // Read together: an ended run's collected slices may still bring its last progress (after "finished"), with both.
    const shown = (): Promise<{ best: number; gap: number }> =>
      page.evaluate(() => ({
        best: Number(document.querySelector('[data-testid=best-length]')!.getAttribute('data-value')),
        gap: Number(document.querySelector('[data-testid=gap]')!.getAttribute('data-value')),
      }));
    await expect
      .poll(async () => {
        const { best, gap } = await shown();
        return Math.abs(gap - ((best - bestKnown) / bestKnown) * 100);
      })
      .toBeLessThan(1e-9);
    await expect(page.getByTestId('convergence-chart')).toHaveAttribute('data-legend', 'best length, best known');

    // Another browser (its own storage): kiln serve knows the length for these cities, and not for others.
    const other = await freshPage();
    await randomSet(other, 200, 7);
    await expect(other.getByTestId('best-known')).toHaveValue(String(bestKnown));
    // A change in one window shows in the other at once.
    const closer = bestKnown + 1;
    await page.getByTestId('best-known').fill(String(closer));
    await page.getByTestId('best-known').press('Enter');
    await expect(other.getByTestId('best-known')).toHaveValue(String(closer));
    await randomSet(other, 200, 8);
    await expect(other.getByTestId('best-known')).toHaveValue('');

    // A nonsense length is refused, and the one in force stays.
    await page.getByTestId('best-known').fill('-3');
    await page.getByTestId('best-known').press('Enter');
    await expect(page.getByTestId('best-known')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('problem-summary')).toContainText(`best known ${closer.toLocaleString('en-US')}`);

    // A length an older Kiln kept in this browser's localStorage moves to kiln serve once.
    const legacyHash = problemHash(randomProblem(200, 9));
    const migrating = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    contexts.push(migrating);
    await migrating.addInitScript(([key, value]) => localStorage.setItem(key, value), [`kiln.bestKnown.${legacyHash}`, '12345'] as const);
    const legacy = await migrating.newPage();
    await openPage(legacy, kiln);
    await randomSet(legacy, 200, 9);
    await expect(legacy.getByTestId('best-known')).toHaveValue('12345');
    await expect.poll(() => legacy.evaluate((key) => localStorage.getItem(key), `kiln.bestKnown.${legacyHash}`)).toBeNull();

    // kiln serve stops and starts again on the same state directory: a new page still knows both lengths.
    for (const context of contexts.splice(0)) await context.close();
    await kiln.close();
    kiln = await serveKiln(1, { stateDir });
    const after = await freshPage();
    await randomSet(after, 200, 7);
    await expect(after.getByTestId('best-known')).toHaveValue(String(closer));
    await expect(after.getByTestId('problem-summary')).toContainText(`best known ${closer.toLocaleString('en-US')}`);
    await randomSet(after, 200, 9);
    await expect(after.getByTestId('best-known')).toHaveValue('12345');
  } finally {
    for (const context of contexts) await context.close();
    await kiln.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
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

  // Long enough for a window to open on a busy machine: the test stops the run itself.
  await runFor(page, 120);
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
