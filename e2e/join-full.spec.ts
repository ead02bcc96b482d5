/**
 * A full control center (`kiln serve --max-sessions`): a donor page it refuses says so, with the
 * router's reason, instead of a bare connection error, and keeps trying rather than giving up.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { Procedures } from '../shared/protocol/uris.ts';
import type { CreatedInvite } from '../shared/protocol/wire.ts';
import { DEFAULT_UI_DIR, startKiln, type RunningKiln } from '../electron/app/kiln.ts';
import type { WampClient } from '../electron/wamp/client.ts';
import { joinAsController } from '../test/helpers/kiln-process.ts';

const REPO = fileURLToPath(new URL('../', import.meta.url));

let kiln: RunningKiln;
let client: WampClient;

test.beforeAll(async () => {
  if (!existsSync(`${DEFAULT_UI_DIR}join.html`)) execFileSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts'], { cwd: REPO, stdio: 'inherit' });
  // Two sessions: the orchestrator's and the controller's below. Nothing else gets in.
  kiln = await startKiln({ host: '127.0.0.1', port: 0, threads: 0, lan: { discover: false }, routerLimits: { maxSessions: 2 } });
});

test.afterAll(async () => {
  await client?.close();
  await kiln?.close();
});

test('a donor refused by a full Kiln is told why on its page and keeps trying', async ({ page }) => {
  let controller;
  ({ client, session: controller } = await joinAsController(kiln));
  const invite = await controller.call<CreatedInvite>(Procedures.lanCreateInvite, [], {});
  await page.goto(`${invite.link}&threads=1`);
  const status = page.getByTestId('status');
  await expect(page.getByTestId('problem')).toContainText('Kiln is full: this router serves at most 2 sessions (kiln.error.max_sessions_reached)');
  await expect(page.getByTestId('problem')).toContainText('tries again');
  // Not 'refused': a place may free up, so the page waits to rejoin instead of telling the donor to ask for a new link.
  await expect(status).toHaveAttribute('data-phase', 'reconnecting');
});
