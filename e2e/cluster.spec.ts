/**
 * The control center's page on a shared router (`kiln serve --router`): the page is served with
 * /cluster.json and no secret; it signs in to the cluster's router with credentials of its own (a wrong
 * ticket is refused and said so), solves on its own control center, and never takes another control
 * center's run for its own.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { Topics } from '../shared/protocol/uris.ts';
import { CLUSTER_REALM, startClusterRouter, type ClusterRouter } from '../test/helpers/cluster-router.ts';
import { fixturePath } from '../test/helpers/tsplib-fixtures.ts';
import { join, KilnProcess } from '../test/helpers/kiln-process.ts';

const KILN = fileURLToPath(new URL('../bin/kiln.mjs', import.meta.url));

let router: ClusterRouter;
let serve: KilnProcess;
let uiUrl: string;
let stateDir: string;

test.beforeAll(async () => {
  router = await startClusterRouter();
  stateDir = mkdtempSync(joinPath(tmpdir(), 'kiln-e2e-cluster-'));
  const args = ['serve', '--router', router.url, '--realm', CLUSTER_REALM, '--authid', 'control-1', '--secret-file', router.files.controllerTicket];
  serve = new KilnProcess(
    spawn(process.execPath, [KILN, ...args, '--center', 'alpha', '--threads', '1', '--port', '0', '--state-dir', stateDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  uiUrl = (await serve.line(/^Kiln is serving (\S+)/, 60_000))[1];
  // The operator lets the control center's pages reach the router (Crossbar.io: the transport's allowed_origins).
  router.allowOrigin(new URL(uiUrl).origin);
});

test.afterAll(async () => {
  await serve?.stop();
  await router?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

test('signs in to the cluster with its own ticket, solves on its own control center and ignores the others', async ({ page }) => {
  // The URL the control center prints carries no secret, and neither does anything it logged.
  expect(uiUrl).not.toMatch(/token|ticket/);
  expect(serve.output.join('\n')).not.toContain(router.secrets.controllerTicket);

  await page.goto(uiUrl);
  const status = page.getByTestId('connection-status');
  await expect(status).toHaveAttribute('data-phase', 'signin');
  const form = page.getByTestId('cluster-sign-in');
  await expect(page.getByTestId('cluster-center')).toHaveText('alpha');

  // A wrong ticket: the router refuses, the page says why and asks again.
  await form.getByLabel('Identity (authid)').fill('control-1');
  await form.getByLabel('Ticket', { exact: true }).fill('not-the-ticket');
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(status).toHaveAttribute('data-phase', 'closed');
  await expect(page.getByTestId('connection-error')).toContainText(/authentication_failed|not_authorized/);
  await expect(form).toBeVisible();

  await form.getByLabel('Ticket', { exact: true }).fill(router.secrets.controllerTicket);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(status).toHaveAttribute('data-phase', 'open');
  await expect(form).toBeHidden();

  // It solves on its own control center.
  await page.getByTestId('file-input').setInputFiles(fixturePath('berlin52.tsp'));
  await page.getByTestId('budget-seconds').fill('120');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-phase')).toHaveText('running');
  await expect(page.getByTestId('best-length')).toHaveAttribute('data-value', /^\d+$/);
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('run-phase')).toHaveText('stopped');

  // Every control center's runs are announced to every session on the router: the page follows only its own.
  const { session, client } = await join(
    router.url,
    { method: 'ticket', authid: 'control-1', ticket: router.secrets.controllerTicket },
    undefined,
    CLUSTER_REALM,
  );
  const announce = (runId: string, center: string, problemName: string, phase: string, startedAt: number) =>
    session.publish(
      Topics.runState(runId),
      [{ runId, phase, problemHash: 'x', problemName, n: 10, budgetMs: 600_000, startedAt, elapsedMs: 0, bestLength: null, center }],
      {},
      { acknowledge: true },
    );
  const title = page.locator('#progress-heading + .title strong');
  await announce('ours1', 'alpha', 'ours-later', 'running', Date.now() + 60_000);
  await expect(title).toHaveText('ours-later');
  // A newer run of control center beta, then the end of ours: had the page taken beta's run, it would still show it running.
  await announce('beta1', 'beta', 'theirs', 'running', Date.now() + 120_000);
  await announce('ours1', 'alpha', 'ours-later', 'stopped', Date.now() + 60_000);
  await expect(page.getByTestId('run-phase')).toHaveText('stopped');
  await expect(title).toHaveText('ours-later');
  await client.close();
});
