/**
 * The desktop app itself, through Playwright's Electron driver: a locked-down window (no Node in the
 * page, only window.kiln), File > Open and File > Export through the native dialogs (stubbed in the
 * main process), a solve of berlin52 to its optimum, and a clean quit. Runs where an Electron binary
 * exists (ELECTRON_PATH, or the electron package's download); reported as skipped elsewhere.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';
import { createInstance, tourLength } from '../shared/tsp/instance.ts';
import { parseTour } from '../shared/tsp/tour.ts';
import { parseTsplib } from '../shared/tsp/tsplib.ts';
import { fixturePath } from '../test/helpers/tsplib-fixtures.ts';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const BERLIN52 = fixturePath('berlin52.tsp');
const RESULTS = `${REPO}test-results/electron/`;

/** The Electron executable, or null where it was never downloaded. */
function electronBinary(): string | null {
  if (process.env.ELECTRON_PATH) return existsSync(process.env.ELECTRON_PATH) ? process.env.ELECTRON_PATH : null;
  try {
    // The electron package exports its binary's path, and throws when the download was skipped.
    const path = createRequire(import.meta.url)('electron') as string;
    return existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const SKIP_REASON = 'no Electron binary: it cannot be downloaded in this environment (ELECTRON_SKIP_BINARY_DOWNLOAD)';
test.skip(!binary, SKIP_REASON);
// The list reporter shows a skip without its reason: say it where the run's output shows it.
if (!binary) console.log(`e2e/electron.spec.ts skipped: ${SKIP_REASON}`);

test.beforeAll(() => {
  execFileSync(process.execPath, ['build/electron.mjs'], { cwd: REPO, stdio: 'inherit' });
  rmSync(RESULTS, { recursive: true, force: true });
  mkdirSync(RESULTS, { recursive: true });
});

test('the desktop app solves berlin52 in a locked-down window and quits cleanly', async () => {
  // Chromium refuses its own sandbox to root (containers, CI); the page's sandbox is Electron's setting.
  const rootArgs = process.platform === 'linux' && process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  // Tests keep the app on loopback: no listening on the LAN, no mDNS on this machine's network.
  const app = await electron.launch({ executablePath: binary!, args: [...rootArgs, REPO], env: { ...process.env, KILN_LOOPBACK_ONLY: '1' } });
  const page = await app.firstWindow();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-phase', 'open');

  // No Node in the page (isolated, sandboxed), only the bridge; no pop-ups; main's CSP header.
  // (The window's webPreferences themselves are checked by test/electron/bundle.test.ts.)
  expect(
    await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      bridge: Object.keys((window as { kiln?: object }).kiln ?? {}).sort(),
      popup: window.open('https://example.org/') === null,
    })),
  ).toEqual({ require: 'undefined', process: 'undefined', bridge: ['authid', 'onMenu', 'openFile', 'routerUrl', 'saveFile', 'ticket'], popup: true });
  expect(await page.evaluate(() => location.hash)).toBe('');
  const csp = await page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
  expect(csp).toContain("frame-ancestors 'none'");

  // File > Open City Set…, with the open dialog answering berlin52.
  await app.evaluate(({ dialog }, path) => {
    dialog.showOpenDialog = async () => ({ canceled: false, filePaths: [path] });
  }, BERLIN52);
  await app.evaluate(({ Menu }) => Menu.getApplicationMenu()?.getMenuItemById('open-problem')?.click());
  await expect(page.getByTestId('problem-summary')).toContainText('berlin52');

  await page.getByTestId('budget-seconds').fill('5');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('best-length')).toHaveAttribute('data-value', '7542', { timeout: 15_000 });
  await expect(page.getByTestId('load-chart-moves')).toHaveAttribute('data-series', /(^| )local( |$)/);
  await page.screenshot({ path: `${RESULTS}berlin52-desktop.png` });

  // File > Export Tour…, with the save dialog answering a path under test-results.
  const target = `${RESULTS}berlin52.tour`;
  await app.evaluate(({ dialog }, path) => {
    dialog.showSaveDialog = async () => ({ canceled: false, filePath: path });
  }, target);
  await app.evaluate(({ Menu }) => Menu.getApplicationMenu()?.getMenuItemById('export-tour')?.click());
  await expect.poll(() => existsSync(target)).toBe(true);
  const problem = parseTsplib(readFileSync(BERLIN52, 'utf8'), 'berlin52.tsp');
  await expect.poll(() => tourLength(createInstance(problem), parseTour(readFileSync(target, 'utf8'), problem.n).tour)).toBe(7542);

  // Quitting waits for Kiln to close: the process ends, and so does its server.
  const origin = new URL(page.url()).origin;
  await app.close();
  await expect(fetch(origin)).rejects.toThrow();
});
