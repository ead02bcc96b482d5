/**
 * The run history against the real `kiln serve`: runs are kept in its state directory, survive the
 * process being killed (SIGKILL: no clean shutdown) and restarted, and reopen with their city set, best
 * tour and convergence; two runs' curves overlay; a run exports and deletes; a new run continues from a
 * past best tour; the cap the user sets drops the oldest.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { createInstance, tourLength } from '../shared/tsp/instance.ts';
import { parseTour } from '../shared/tsp/tour.ts';
import { randomProblem } from '../renderer/src/lib/randomProblem.ts';
import { openControlCenter, serveKiln, type ServedKiln } from './serve-kiln.ts';

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1440, height: 900 } });

const stateDir = mkdtempSync(join(tmpdir(), 'kiln-history-'));
let kiln: ServedKiln | undefined;

test.afterAll(async () => {
  await kiln?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

async function solveRandom(page: Page, seed: number, seconds: number, methodName = 'Default (LK)'): Promise<number> {
  await page.getByTestId('random-count').fill('300');
  await page.getByLabel('Method').selectOption({ label: methodName });
  await page.getByTestId('random-seed').fill(String(seed));
  await page.getByTestId('random-generate').click();
  await page.getByTestId('budget-seconds').fill(String(seconds));
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-phase')).toHaveText('running');
  await expect(page.getByTestId('run-phase')).toHaveText('finished', { timeout: 20_000 });
  return Number(await page.getByTestId('best-length').getAttribute('data-value'));
}

test('runs are kept across a crash and restart of kiln serve, reopen, overlay, export, delete, continue and obey the cap', async ({ page }) => {
  test.setTimeout(180_000);
  kiln = await serveKiln(2, { stateDir });
  await openControlCenter(page, kiln);
  await expect(page.getByTestId('runs-empty')).toBeVisible();
  const firstBest = await solveRandom(page, 5, 2);
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  const secondBest = await solveRandom(page, 6, 2, '2-opt/Or-opt');
  // The box shows a short name; its tooltip says what the method is.
  await expect(page.getByLabel('Method')).toHaveAttribute('title', 'Annealing over 2-opt/Or-opt local optima (LSMC)');
  await expect(page.getByTestId('run-row')).toHaveCount(2);

  // Killed without a chance to clean up, then started again on the same state directory.
  await kiln.kill();
  kiln = await serveKiln(2, { stateDir });
  await openControlCenter(page, kiln);
  const rows = page.getByTestId('run-row');
  await expect(rows).toHaveCount(2);
  // Newest first: seed 6, then seed 5.
  await expect(rows.nth(0).getByTestId('run-best')).toHaveText(secondBest.toLocaleString('en-US'));
  await expect(rows.nth(1).getByTestId('run-best')).toHaveText(firstBest.toLocaleString('en-US'));

  // Reopen the older one: its cities and best tour on the map, its curve in the chart.
  await rows.nth(1).getByTestId('run-open').click();
  await expect(page.getByTestId('opened-run')).toBeVisible();
  await expect(page.getByTestId('problem-summary')).toContainText('random300-seed5');
  await expect(page.getByTestId('map-message')).toHaveCount(0);
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-tour-cities', '300');
  await expect(page.getByTestId('opened-run')).toContainText(/local \d+/);
  await expect(page.getByTestId('convergence-chart')).toHaveAttribute('data-legend', /random300-seed5 · /);
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export-tour').click();
  const tourFile = readFileSync(await (await downloading).path(), 'utf8');
  const problem = randomProblem(300, 5);
  expect(tourLength(createInstance(problem), parseTour(tourFile, 300, 'exported').tour)).toBe(firstBest);

  // Overlay both runs' curves.
  await rows.nth(0).getByTestId('run-compare').check();
  await rows.nth(1).getByTestId('run-compare').check();
  await expect(page.getByTestId('convergence-chart')).toHaveAttribute(
    'data-legend',
    /random300-seed6 · .*random300-seed5 · |random300-seed5 · .*random300-seed6 · /,
  );

  // Export a whole run as JSON.
  const exporting = page.waitForEvent('download');
  await rows.nth(0).getByTestId('run-export').click();
  const exported = JSON.parse(readFileSync(await (await exporting).path(), 'utf8')) as {
    method: string;
    bestLength: number;
    tour: number[];
    convergence: unknown[];
    problem: { n: number };
  };
  expect(exported.bestLength).toBe(secondBest);
  expect(exported.method).toBe('lsmc');
  expect(exported.tour).toHaveLength(300);
  expect(exported.problem.n).toBe(300);
  expect(exported.convergence.length).toBeGreaterThan(0);

  // Continue from the opened run's best tour: the new run can only match or beat it.
  await expect(page.getByTestId('start-from-tour')).toBeChecked();
  await page.getByTestId('budget-seconds').fill('2');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-phase')).toHaveText('finished', { timeout: 20_000 });
  expect(Number(await page.getByTestId('best-length').getAttribute('data-value'))).toBeLessThanOrEqual(firstBest);
  await expect(rows).toHaveCount(3);
  // It did start from that tour (a run from scratch may happen to end as short): its curve begins at the past best.
  const continuedId = (await rows.nth(0).getAttribute('data-run-id'))!;
  const exportingContinued = page.waitForEvent('download');
  await rows.nth(0).getByTestId('run-export').click();
  const continued = JSON.parse(readFileSync(await (await exportingContinued).path(), 'utf8')) as { continued: boolean; convergence: Array<[number, number]> };
  expect(continued.continued).toBe(true);
  expect(continued.convergence[0][1]).toBe(firstBest);

  // Delete the seed-6 run, then keep only the newest one.
  await page.locator('[data-testid="run-row"]', { hasText: 'random300-seed6' }).getByTestId('run-delete').click();
  await expect(rows).toHaveCount(2);
  await expect(page.locator('[data-testid="run-row"]', { hasText: 'random300-seed6' })).toHaveCount(0);
  await page.getByTestId('runs-keep').fill('1');
  await page.getByTestId('runs-keep').press('Enter');
  await expect(rows).toHaveCount(1);
  // The newest, the continued run, stays (the run it continued is on the same set, with the same name).
  await expect(rows.nth(0)).toHaveAttribute('data-run-id', continuedId);
  // The cap holds for runs that end later: the next one replaces it.
  await solveRandom(page, 7, 1);
  await expect(rows).toHaveCount(1);
  await expect(rows.nth(0)).toContainText('random300-seed7');
});
