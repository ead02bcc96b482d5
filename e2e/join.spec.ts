/**
 * The join page against a real Kiln (startKiln as `kiln serve` runs it): browser donors (Chromium
 * pages, one Web Worker each) join through invites made by kiln.lan.createInvite, receive kiln.anneal
 * calls, add to a run without hurting it, show in the control center's Machines table with their live load, lose no work when closed mid-run or revoked, may only
 * compute, show an expired, revoked or unknown invite clearly, and fit a phone screen.
 */
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { Procedures } from '../shared/protocol/uris.ts';
import type { CreatedInvite, RunResult, RunState } from '../shared/protocol/wire.ts';
import { problemToWire } from '../shared/protocol/codecs.ts';
import type { ProblemData } from '../shared/tsp/types.ts';
import { DEFAULT_UI_DIR } from '../electron/app/kiln.ts';
import { loadTsplib } from '../test/helpers/tsplib-fixtures.ts';
import { join } from '../test/helpers/kiln-process.ts';
import { startJoinKiln, type JoinKiln } from './join-kiln.ts';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const SCREENSHOTS = `${REPO}test-results/join/`;

function berlin52(): ProblemData {
  return loadTsplib('berlin52');
}

/** Every kiln.anneal call is accounted for once the run has settled. */
function expectAccounted(result: RunResult): void {
  expect(result.slicesDispatched).toBe(result.slicesDone + result.slicesFailed + result.slicesDiscarded + result.slicesInFlight);
}

/** A 5 s berlin52 run in 400 ms slices, started without waiting for it. */
function startRun(seed: number): Promise<RunState> {
  return kiln.controller.call<RunState>(Procedures.solveStart, [], { problem: problemToWire(berlin52()), budgetMs: 5000, params: { sliceMs: 400, seed } });
}

/** The run finished with `worker`'s slices in it, and every slice is accounted for, late ones included. */
async function expectFinishedWith(runId: string, workerId: string): Promise<RunResult> {
  const result = await kiln.controller.call<RunResult>(Procedures.solveResult, [runId]);
  expect(result.phase).toBe('finished');
  expect(result.slicesByWorker[workerId]).toBeGreaterThan(0);
  expectAccounted(result);
  // Slices cut short at the deadline come back (or are cancelled) after the result: then none is left.
  const settled = async () => kiln.controller.call<RunResult>(Procedures.solveResult, [runId]);
  await expect.poll(async () => (await settled()).slicesInFlight).toBe(0);
  expectAccounted(await settled());
  return result;
}

test.describe.configure({ mode: 'serial' });

let kiln: JoinKiln;
/** The invite most donors join with, and its link capped to one thread (two cores, shared). */
let invite: CreatedInvite;
let joinUrl: string;
const donors: { page: Page; workerId: string }[] = [];

test.beforeAll(async () => {
  if (!existsSync(`${DEFAULT_UI_DIR}join.html`)) execFileSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts'], { cwd: REPO, stdio: 'inherit' });
  // One local thread: the "without donors" baseline, and proof that donors add to local compute.
  kiln = await startJoinKiln(1);
  invite = await kiln.createInvite();
  joinUrl = `${invite.link}&threads=1`;
  await expect.poll(() => kiln.orchestrator.workers.totalConcurrency).toBe(1);
});

test.afterAll(async () => {
  await kiln?.close();
});

async function openDonor(browser: Browser, url = joinUrl, viewport?: { width: number; height: number }): Promise<{ page: Page; workerId: string }> {
  const context = await browser.newContext(viewport ? { viewport, deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {});
  const page = await context.newPage();
  await page.goto(url);
  await expect(page.getByTestId('status')).toHaveAttribute('data-phase', 'joined');
  return { page, workerId: (await page.getByTestId('worker-id').textContent())! };
}

async function slicesDone(page: Page): Promise<number> {
  return Number(await page.getByTestId('slices-done').textContent());
}

test('donors receive anneal calls and the run is no worse than local compute alone', async ({ browser }) => {
  const problem = berlin52();
  const alone = await kiln.solve(problem, 3000, 250);

  for (let i = 0; i < 2; i++) donors.push(await openDonor(browser));
  await expect.poll(() => kiln.orchestrator.workers.totalConcurrency).toBe(3);
  expect(await donors[0].page.evaluate(() => crossOriginIsolated)).toBe(true);

  const helped = await kiln.solve(problem, 3000, 250);
  expect(helped.phase).toBe('finished');
  for (const donor of donors) {
    expect(helped.slicesByWorker[donor.workerId], `slices by ${donor.workerId}`).toBeGreaterThan(0);
    await expect.poll(() => slicesDone(donor.page)).toBeGreaterThan(0);
    await expect(donor.page.getByTestId('last-slice')).toContainText('berlin52, 52 cities');
  }
  expect(helped.slicesByWorker.local).toBeGreaterThan(0);
  expectAccounted(helped);
  // Both reach (near) the optimum on berlin52; donors must not make it worse beyond noise.
  expect(helped.gapPercent!).toBeLessThanOrEqual(alone.gapPercent! + 1);
});

test('the control center lists a browser donor beside the machines', async ({ browser }) => {
  const page = await browser.newPage();
  await page.goto(kiln.uiUrl);
  const row = page.locator(`[data-testid="machine-row"][data-worker-id="${donors[0].workerId}"]`);
  await expect(row).toHaveAttribute('data-kind', 'browser');
  await expect(row).toContainText('Browser');
  await expect(page.locator('[data-testid="machine-row"][data-worker-id="local"]')).toHaveAttribute('data-kind', 'node');
  // The donor's row follows its load during a run, as a machine's does (machines.spec.ts), and is idle again after it.
  await expect(row.getByTestId('machine-state')).toHaveText('idle');
  const started = await startRun(7);
  await expect(row.getByTestId('machine-state')).toHaveText('working');
  await expect(row.getByTestId('machine-inflight')).toHaveText('1 / 1');
  await expectFinishedWith(started.runId, donors[0].workerId);
  await expect(row.getByTestId('machine-state')).toHaveText('idle');
  await expect(row.getByTestId('machine-inflight')).toHaveText('0 / 1');
  await page.close();
});

test('closing a donor page mid-run loses no work', async () => {
  const [leaving, staying] = donors;
  const started = await startRun(2);
  const before = await slicesDone(leaving.page);
  await expect.poll(() => slicesDone(leaving.page)).toBeGreaterThan(before);
  await leaving.page.context().close();
  await expect.poll(() => kiln.orchestrator.workers.totalConcurrency).toBe(2);

  const result = await expectFinishedWith(started.runId, leaving.workerId);
  expect(result.slicesByWorker[staying.workerId]).toBeGreaterThan(0);
  donors.shift();
});

test('a page hidden for 30 s leaves, and rejoins when shown again', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.clock.install();
  await page.goto(joinUrl);
  await expect(page.getByTestId('status')).toHaveAttribute('data-phase', 'joined');
  await expect.poll(() => kiln.orchestrator.workers.totalConcurrency).toBe(3);
  const setHidden = (hidden: boolean) =>
    page.evaluate((value) => {
      Object.defineProperty(document, 'visibilityState', { value: value ? 'hidden' : 'visible', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);

  await setHidden(true);
  await page.clock.fastForward(29_000);
  await expect(page.getByTestId('status')).toHaveAttribute('data-phase', 'joined');
  await page.clock.fastForward(2_000);
  await expect(page.getByTestId('status')).toHaveAttribute('data-phase', 'paused');
  await expect.poll(() => kiln.orchestrator.workers.totalConcurrency).toBe(2);

  await setHidden(false);
  await expect(page.getByTestId('status')).toHaveAttribute('data-phase', 'joined');
  await expect.poll(() => kiln.orchestrator.workers.totalConcurrency).toBe(3);
  await context.close();
  await expect.poll(() => kiln.orchestrator.workers.totalConcurrency).toBe(2);
});

test('a donor may only compute: kiln.solve.start is not authorized', async () => {
  const { client, session } = await join(kiln.routerUrl, { method: 'wampcra', authid: `invite:${invite.inviteId}`, secret: invite.secret });
  try {
    // Promise.resolve: autobahn answers with a when.js promise, which expect().rejects does not take.
    await expect(Promise.resolve(session.call(Procedures.solveStart, [], { budgetMs: 1000 }))).rejects.toMatchObject({ error: 'wamp.error.not_authorized' });
  } finally {
    await client.close();
  }
});

async function expectRefused(page: Page, message: string, uri = 'wamp.error.not_authorized'): Promise<void> {
  await expect(page.getByTestId('status')).toHaveAttribute('data-phase', 'refused');
  await expect(page.getByTestId('status')).toContainText('Kiln refused this invite');
  await expect(page.getByTestId('problem')).toContainText(`${message} (${uri}). Ask whoever runs Kiln for a new link.`);
}

test('revoking an invite ends its donor at once; its slices are re-dispatched and the run completes', async ({ browser }) => {
  const revocable = await kiln.createInvite();
  const donor = await openDonor(browser, `${revocable.link}&threads=1`);
  await expect.poll(() => kiln.orchestrator.workers.totalConcurrency).toBe(3);
  const started = await startRun(3);
  const before = await slicesDone(donor.page);
  await expect.poll(() => slicesDone(donor.page)).toBeGreaterThan(before);

  expect(await kiln.revokeInvite(revocable.inviteId)).toEqual({ inviteId: revocable.inviteId, sessionsKilled: 1 });
  await expectRefused(donor.page, 'invite revoked', 'wamp.close.killed');
  await expect.poll(() => kiln.orchestrator.workers.totalConcurrency).toBe(2);

  await expectFinishedWith(started.runId, donor.workerId);

  // The same link, opened again, is refused at the door; other invites are untouched.
  await donor.page.goto('about:blank');
  await donor.page.goto(`${revocable.link}&threads=1`);
  await expectRefused(donor.page, 'invite revoked');
  await donor.page.context().close();
  expect(kiln.orchestrator.workers.totalConcurrency).toBe(2);
});

test('an expired or unknown invite and a link without one say so on the page', async ({ browser }) => {
  const expiring = await kiln.createInvite(1000);
  // Expired is when the control center stops listing it among the live invites.
  await expect
    .poll(async () => (await kiln.controller.call<{ inviteId: string }[]>(Procedures.lanInvites)).some((live) => live.inviteId === expiring.inviteId))
    .toBe(false);
  const page = await browser.newPage();
  await page.goto(`${expiring.link}&threads=1`);
  await expectRefused(page, 'invite expired');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${SCREENSHOTS}join-refused.png` });

  await page.goto('about:blank');
  await page.goto(`${kiln.origin}/join#invite=noSuchInvite.not-the-secret&threads=1`);
  await expectRefused(page, 'unknown invite');

  await page.close();
  // A new tab on /join without a link has nothing to join with.
  const bare = await browser.newPage();
  await bare.goto(`${kiln.origin}/join`);
  await bare.reload();
  await expect(bare.getByTestId('status')).toHaveAttribute('data-phase', 'no-invite');
  await bare.close();
});

test('the invite secret leaves the address bar and history at once, and a reload joins again', async ({ browser }) => {
  const { page, workerId } = await openDonor(browser);
  const secret = invite.secret;
  // Like the control center's ticket: the fragment is gone, the tab's sessionStorage has it.
  expect(page.url()).toBe(`${kiln.origin}/join`);
  expect(await page.evaluate(() => sessionStorage.getItem('kiln.join'))).toContain(secret);
  await page.reload();
  await expect(page.getByTestId('status')).toHaveAttribute('data-phase', 'joined');
  expect(page.url()).not.toContain(secret);
  expect(await page.getByTestId('worker-id').textContent()).not.toBe('');
  expect(workerId).toMatch(/^browser-/);
  await page.context().close();
});

test('the page fits a phone screen (390x844)', async ({ browser }) => {
  const phone = await openDonor(browser, joinUrl, { width: 390, height: 844 });
  await kiln.solve(berlin52(), 1500, 250);
  await expect.poll(() => slicesDone(phone.page)).toBeGreaterThan(0);
  expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await phone.page.screenshot({ path: `${SCREENSHOTS}join-phone.png`, fullPage: true });
  await phone.page.context().close();
});
