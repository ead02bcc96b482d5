/**
 * A page that is already open when a run starts elsewhere (another window, or `kiln solve --router`) follows it with its
 * city set and live tour on the map: it fetches the set when it has none open, or only an earlier
 * followed run's; a set the user opened stays until they ask for the run's instead.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { KILN } from '../test/helpers/kiln-process.ts';
import { fixturePath } from '../test/helpers/tsplib-fixtures.ts';
import { openControlCenter as openPage, serveKilnForSpec } from './serve-kiln.ts';

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1440, height: 900 } });

const served = serveKilnForSpec(2);

async function freshPage(contexts: BrowserContext[], browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  await openPage(page, served());
  return page;
}

async function randomSet(page: Page, cities: number, seed: number): Promise<void> {
  await page.getByTestId('random-count').fill(String(cities));
  await page.getByTestId('random-seed').fill(String(seed));
  await page.getByTestId('random-generate').click();
  await expect(page.getByTestId('problem-summary')).toContainText(`${cities} cities`);
}

/** Starts a run long enough for the other page to follow on a busy machine: the test stops it itself. */
async function startRun(page: Page): Promise<void> {
  await page.getByTestId('budget-seconds').fill('120');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-phase')).toHaveText('running');
}

async function stopRun(page: Page): Promise<void> {
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('run-phase')).toHaveText(/stopped|finished/);
}

/** For `finally`: stops the page's run if it still goes on, so a failed test leaves no run on the shared Kiln. */
async function stopRunIfGoing(page: Page | undefined): Promise<void> {
  if (!page || page.isClosed()) return;
  if ((await page.getByTestId('run-phase').textContent()) === 'running') await stopRun(page);
}

/** The page shows `cities` cities on its map with a whole tour over them (drawn by the map's worker). */
async function showsRunOnMap(page: Page, cities: number): Promise<void> {
  await expect(page.getByTestId('run-phase')).toHaveText('running');
  await expect(page.getByTestId('problem-summary')).toContainText(`${cities} cities`);
  await expect(page.getByTestId('map-message')).toHaveCount(0);
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-tour-cities', String(cities));
  await expect(page.getByTestId('other-run-note')).toHaveCount(0);
}

test('a page open before a run starts in another window shows that run’s cities and live tour, and the next run’s too', async ({ browser }) => {
  const contexts: BrowserContext[] = [];
  try {
    const watcher = await freshPage(contexts, browser);
    await expect(watcher.getByTestId('map-message')).toBeVisible();
    const starter = await freshPage(contexts, browser);

    await randomSet(starter, 300, 5);
    await startRun(starter);
    await showsRunOnMap(watcher, 300);
    // The tour keeps coming: the watcher's best length follows the starter's.
    await expect(watcher.getByTestId('best-length')).toHaveAttribute('data-value', /^\d+$/);
    await stopRun(starter);
    await expect(watcher.getByTestId('run-phase')).toHaveText(/stopped|finished/);
    const final = await starter.getByTestId('best-length').getAttribute('data-value');
    await expect(watcher.getByTestId('best-length')).toHaveAttribute('data-value', final!);

    // The next run, on another set: the set the watcher took from the last run makes way for it.
    await randomSet(starter, 200, 9);
    await startRun(starter);
    await showsRunOnMap(watcher, 200);
    await stopRun(starter);
  } finally {
    for (const context of contexts) await context.close();
  }
});

test('a set opened in the page stays when another window starts a run on another set, until the user asks for the run’s', async ({ browser }) => {
  const contexts: BrowserContext[] = [];
  try {
    const watcher = await freshPage(contexts, browser);
    await randomSet(watcher, 120, 1);
    const starter = await freshPage(contexts, browser);
    await randomSet(starter, 250, 4);
    await startRun(starter);

    await expect(watcher.getByTestId('run-phase')).toHaveText('running');
    await expect(watcher.getByTestId('other-run-note')).toContainText('250 cities) is not the city set shown');
    await expect(watcher.getByTestId('problem-summary')).toContainText('120 cities');
    await watcher.getByTestId('show-run-cities').click();
    await showsRunOnMap(watcher, 250);
    await stopRun(starter);
  } finally {
    for (const context of contexts) await context.close();
  }
});

test('a page open before `kiln solve --router` starts a run on this control center shows its cities and tour', async ({ browser }) => {
  const contexts: BrowserContext[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'kiln-follow-'));
  const { routerUrl, uiCredentials } = served();
  // The page is open, with nothing to show, before the command starts its run.
  const watcher = await freshPage(contexts, browser);
  await expect(watcher.getByTestId('map-message')).toBeVisible();
  // The ticket travels in the environment, as a user would pass it (never in argv).
  const cli = spawn(
    process.execPath,
    [
      KILN,
      'solve',
      fixturePath('berlin52.tsp'),
      '--budget',
      '2m',
      '--router',
      routerUrl,
      '--authid',
      uiCredentials.authid,
      '--quiet',
      '--out',
      join(scratch, 'b.tour'),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KILN_TICKET: uiCredentials.ticket } },
  );
  let output = '';
  cli.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  cli.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)));
  try {
    await showsRunOnMap(watcher, 52);
    await expect(watcher.getByTestId('problem-summary')).toContainText('berlin52');
    // Stopped from the page, the command gets the run's result and exits.
    await stopRun(watcher);
    expect(await exited, output).toBe(0);
    expect(JSON.parse(output.trim().split('\n').at(-1)!)).toMatchObject({ name: 'berlin52', n: 52, state: 'stopped' });
  } finally {
    cli.kill('SIGTERM');
    for (const context of contexts) await context.close();
    rmSync(scratch, { recursive: true, force: true });
  }
});

test('a window whose run feed subscribes only after the run’s last improvement still shows that improvement', async ({ browser }) => {
  const contexts: BrowserContext[] = [];
  let releaseFeed = (): void => {};
  let starter: Page | undefined;
  try {
    // The watcher's run feed worker is held back (its script does not load) until the run has stopped improving:
    // progress events come only with improvements, so none would bring the watcher the final best.
    const watcherContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    contexts.push(watcherContext);
    const feedHeld = new Promise<void>((resolve) => (releaseFeed = resolve));
    let feedRequested = false;
    await watcherContext.route('**/feed-worker-*.js', async (route) => {
      feedRequested = true;
      await feedHeld;
      await route.continue();
    });
    const watcher = await watcherContext.newPage();
    await openPage(watcher, served());
    await expect.poll(() => feedRequested).toBe(true);

    starter = await freshPage(contexts, browser);
    await starter.getByTestId('file-input').setInputFiles(fixturePath('berlin52.tsp'));
    await expect(starter.getByTestId('problem-summary')).toContainText('berlin52');
    await startRun(starter);
    await expect(watcher.getByTestId('run-phase')).toHaveText('running');
    // berlin52's optimum: the run improves no more.
    await expect(starter.getByTestId('best-length')).toHaveAttribute('data-value', '7542', { timeout: 30_000 });

    releaseFeed();
    await expect(watcher.getByTestId('run-phase')).toHaveAttribute('data-feed', 'worker');
    await expect(watcher.getByTestId('best-length')).toHaveAttribute('data-value', '7542');
    await expect(watcher.getByTestId('run-phase')).toHaveText('running');
  } finally {
    // Releasing first lets a held route handler finish whatever failed; stopping ends the 120 s run on the shared Kiln.
    releaseFeed();
    await stopRunIfGoing(starter);
    for (const context of contexts) await context.close();
  }
});
