/**
 * Credit for donors against the real `kiln serve` (no local compute) and two real donor pages, one
 * with two threads and one with one (which joins, and gives, first): the control center's leaderboard
 * ranks the one that gave more first, each donor page shows its own contribution and rank, and a donor picks a display name that
 * must be unique in the room.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { Procedures, REALM } from '../shared/protocol/uris.ts';
import type { CreatedInvite, RunResult, RunState } from '../shared/protocol/wire.ts';
import { problemToWire } from '../shared/protocol/codecs.ts';
import { randomUniformProblem } from '../shared/tsp/instance.ts';
import type { WampSession } from '../shared/wamp.ts';
import { openWampClient, type WampClient } from '../electron/wamp/client.ts';
import { openControlCenter, serveKilnForSpec } from './serve-kiln.ts';

test.describe.configure({ mode: 'serial' });

const served = serveKilnForSpec(0);

function controller(): Promise<{ client: WampClient; session: WampSession }> {
  return new Promise((resolve, reject) => {
    const client = openWampClient({
      url: served().routerUrl,
      realm: REALM,
      credentials: served().uiCredentials,
      onOpen: (session) => resolve({ client, session }),
      onClose: (reason, message) => reject(new Error(`${reason}: ${message ?? ''}`)),
    });
  });
}

async function openDonor(browser: Browser, link: string, threads: number): Promise<{ page: Page; workerId: string }> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${link}&threads=${threads}`);
  await expect(page.getByTestId('status')).toHaveAttribute('data-phase', 'joined');
  return { page, workerId: (await page.getByTestId('worker-id').textContent())! };
}

async function solve(session: WampSession, budgetMs: number): Promise<RunResult> {
  const started = await session.call<RunState>(Procedures.solveStart, [], {
    problem: problemToWire(randomUniformProblem(400, 9)),
    budgetMs,
    params: { sliceMs: 250 },
  } as unknown as Record<string, unknown>);
  return session.call<RunResult>(Procedures.solveResult, [started.runId]);
}

test('the leaderboard ranks the donor that gave more first; each donor sees its rank and picks a unique name', async ({ browser, page }) => {
  test.setTimeout(120_000);
  const { client, session } = await controller();
  try {
    const invite = await session.call<CreatedInvite>(Procedures.lanCreateInvite, [], {});
    const slow = await openDonor(browser, invite.link, 1);
    await openControlCenter(page, served());
    await expect(page.getByTestId('leaderboard-empty')).toBeVisible();
    await expect(page.getByTestId('machines-totals')).toHaveAttribute('data-machines', '1');
    // The slow donor gives first, alone: it is on the board before the fast one arrives, so a board kept in
    // order of arrival (not ranked) would list it first.
    const warmUp = await solve(session, 1500);
    expect(Object.keys(warmUp.slicesByWorker)).toEqual([slow.workerId]);
    await expect(page.getByTestId('leaderboard-row')).toHaveCount(1);
    const fast = await openDonor(browser, invite.link, 2);
    await expect(page.getByTestId('machines-totals')).toHaveAttribute('data-machines', '2');
    // A short run for the fast donor's start-up (its first slice fetches the set and warms its threads, which on a loaded
    // machine can outlast the grace a first slice gets), then the run the ranking is about.
    await solve(session, 1500);

    const result = await solve(session, 8000);
    expect(
      result.slicesByWorker[fast.workerId],
      JSON.stringify({ fast: fast.workerId, slow: slow.workerId, result: { ...result, tour: undefined } }),
    ).toBeGreaterThan(0);
    expect(result.slicesByWorker[slow.workerId]).toBeGreaterThan(0);

    // Two threads gave about twice the CPU time of one (more than the slow donor's warm-up, the short run and its share of
    // this run): first on the board, and on its own page.
    const rows = page.getByTestId('leaderboard-row');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toHaveAttribute('data-worker-id', fast.workerId);
    await expect(rows.nth(1)).toHaveAttribute('data-worker-id', slow.workerId);
    // A name or id too long for the column ends in an ellipsis, not cut mid-letter.
    for (const line of await rows.nth(0).locator('.who > *').all()) await expect(line).toHaveCSS('text-overflow', 'ellipsis');
    // The run's own board (the run the page follows, the last): the same order.
    await page.getByTestId('leaderboard-run').click();
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toHaveAttribute('data-worker-id', fast.workerId);
    await page.getByTestId('leaderboard-session').click();
    await expect(fast.page.getByTestId('my-rank')).toHaveAttribute('data-rank', '1');
    await expect(fast.page.getByTestId('my-rank')).toHaveText('#1 of 2');
    await expect(slow.page.getByTestId('my-rank')).toHaveText('#2 of 2');
    expect(Number(await fast.page.getByTestId('my-cpu').textContent())).toBeGreaterThan(Number(await slow.page.getByTestId('my-cpu').textContent()));

    // A display name, cleaned, shown on the board; the same name (any case) is refused to the other donor.
    await fast.page.getByTestId('display-name').fill('  Speedy\u202e Gonzales ');
    await fast.page.getByTestId('display-name-save').click();
    await expect(fast.page.getByTestId('my-name')).toHaveText('Shown as Speedy Gonzales');
    await expect(rows.nth(0).getByTestId('leaderboard-name')).toHaveText('Speedy Gonzales');
    await slow.page.getByTestId('display-name').fill('speedy gonzales');
    await slow.page.getByTestId('display-name-save').click();
    await expect(slow.page.getByTestId('name-error')).toContainText('taken');
    await slow.page.getByTestId('display-name').fill('Tortoise');
    await slow.page.getByTestId('display-name-save').click();
    await expect(rows.nth(1).getByTestId('leaderboard-name')).toHaveText('Tortoise');
    await fast.page.context().close();
    await slow.page.context().close();
  } finally {
    await client.close();
  }
});
