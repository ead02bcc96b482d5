/**
 * The control center's page on a shared router (`kiln serve --router`): the page is served with
 * /cluster.json and no secret; it signs in to the cluster's router with credentials of its own (a wrong
 * ticket is refused and said so), solves on its own control center, and never takes another control
 * center's run for its own. It signs in with a WAMP-Cryptosign key too (typed or from a key file, kept
 * in memory only; a bad or unknown key refused in words), and keeps best known lengths with its control
 * center (kiln.center.NAME.problem.*). Its "Create invite" explains that machines join the cluster with
 * the cluster's credentials, and the command it gives adds a worker that the page then lists.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { expect, test } from '@playwright/test';
import { Topics, centerUris } from '../shared/protocol/uris.ts';
import type { BestKnown } from '../shared/protocol/wire.ts';
import { problemHash } from '../shared/tsp/problem.ts';
import { randomProblem } from '../renderer/src/lib/randomProblem.ts';
import { CLUSTER_REALM, startClusterRouter, type ClusterRouter } from '../test/helpers/cluster-router.ts';
import { fixturePath } from '../test/helpers/tsplib-fixtures.ts';
import { join, KILN, KilnProcess } from '../test/helpers/kiln-process.ts';

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

  // Its own local compute (which joins with the control center's credentials) is listed among the machines.
  await expect(page.locator('[data-testid=machine-row][data-worker-id=alpha-local]')).toBeVisible();

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

test('signs in with a WAMP-Cryptosign key from a key file, refusing bad and unknown keys in words, and keeps best known lengths with its control center', async ({
  page,
}) => {
  await page.goto(uiUrl);
  const status = page.getByTestId('connection-status');
  const form = page.getByTestId('cluster-sign-in');
  await form.getByLabel('Method').selectOption('cryptosign');
  const typedKey = form.getByLabel('Private key (hex seed)');
  const signIn = form.getByRole('button', { name: 'Sign in' });

  // No key, then one that is no key: the form says what is wrong, and nothing is sent.
  await signIn.click();
  await expect(page.getByTestId('sign-in-error')).toHaveText('Give your Ed25519 private key: its seed in hex, or pick its key file.');
  await typedKey.fill('abc123');
  await signIn.click();
  await expect(page.getByTestId('sign-in-error')).toContainText('The private key is not usable: the cryptosign key must be 64 or 128 hex digits');
  await expect(status).toHaveAttribute('data-phase', 'signin');

  // A well-formed key the router does not know: refused by the router, and the page says so.
  await typedKey.fill(randomBytes(32).toString('hex'));
  await signIn.click();
  await expect(status).toHaveAttribute('data-phase', 'closed');
  await expect(page.getByTestId('connection-error')).toContainText(/not_authorized.*no principal is authorized for public key/);

  // A file that holds no key (a ticket) is refused as it is picked, naming the file.
  await typedKey.fill('');
  await form.getByTestId('key-file').setInputFiles(router.files.controllerTicket);
  await expect(page.getByTestId('sign-in-error')).toContainText('The key file controller.ticket is not usable: the cryptosign key must be');

  // The operator's key file (PKCS#8 PEM, owner-only): read in the page, its public key shown.
  await form.getByLabel('Identity (authid)').fill('control-key');
  await form.getByTestId('key-file').setInputFiles(router.files.controllerKeyPem);
  await expect(page.getByTestId('key-file-read')).toContainText('Key from controller.pem: public key');
  await signIn.click();
  await expect(status).toHaveAttribute('data-phase', 'open');
  await expect(form).toBeHidden();
  // Kept in memory only: not in the URL, storage, or the control center's log.
  const kept = await page.evaluate(() => location.href + JSON.stringify(localStorage) + JSON.stringify(sessionStorage));
  expect(kept).not.toContain(router.secrets.controllerKeyHex);
  expect(serve.output.join('\n')).not.toContain(router.secrets.controllerKeyHex);

  // A best known length typed on this page is kept by its control center, and one set elsewhere shows here.
  await page.getByTestId('random-count').fill('30');
  await page.getByTestId('random-seed').fill('3');
  await page.getByTestId('random-generate').click();
  await expect(page.getByTestId('problem-summary')).toContainText('30 cities');
  await page.getByTestId('best-known').fill('12345');
  await page.getByTestId('best-known').press('Enter');
  await expect(page.getByTestId('problem-summary')).toContainText('best known 12,345');
  await expect(page.getByTestId('best-known-error')).toHaveCount(0);
  const hash = problemHash(randomProblem(30, 3));
  const alpha = centerUris('alpha');
  const { session, client } = await join(
    router.url,
    { method: 'ticket', authid: 'control-1', ticket: router.secrets.controllerTicket },
    undefined,
    CLUSTER_REALM,
  );
  try {
    expect(await session.call<BestKnown>(alpha.bestKnown, [], { hash })).toEqual({ hash, length: 12345 });
    await session.call(alpha.setBestKnown, [], { hash, length: 23456 });
    await expect(page.getByTestId('best-known')).toHaveValue('23456');
  } finally {
    await client.close();
  }

  // The run feed worker signed in with the same key: it sends the run's city set and brings its progress.
  await page.getByTestId('budget-seconds').fill('2');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('start')).toHaveAttribute('data-thread', 'worker');
  await expect(page.getByTestId('run-phase')).toHaveText('finished', { timeout: 30_000 });
  await expect(page.getByTestId('run-phase')).toHaveAttribute('data-feed', 'worker');
  await expect(page.getByTestId('gap')).toHaveAttribute('data-value', /^-?\d/);
});

test("Create invite on a cluster explains that machines join with the cluster's credentials, and its command adds a worker", async ({ page }) => {
  await page.goto(uiUrl);
  const form = page.getByTestId('cluster-sign-in');
  await form.getByLabel('Identity (authid)').fill('control-1');
  await form.getByLabel('Ticket', { exact: true }).fill(router.secrets.controllerTicket);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-phase', 'open');

  await expect(page.getByTestId('cluster-lan-note')).toHaveText(
    'This control center is on a router cluster: machines join the cluster with its credentials, not by LAN invitation.',
  );
  await page.getByTestId('create-invite').click();
  const dialog = page.getByTestId('cluster-invite-dialog');
  await expect(dialog.getByTestId('cluster-invite-why')).toContainText(
    `This control center runs on the router cluster ${router.url} (realm ${CLUSTER_REALM}), which admits only the principals its operator configured, so it cannot invite machines with a link or a LAN invitation. Workers join the cluster with the cluster's credentials`,
  );
  const command = dialog.getByTestId('cluster-worker-command');
  await expect(command).toHaveValue(
    `kiln worker --router ${router.url} --realm ${CLUSTER_REALM} --authid AUTHID --authmethod cryptosign --secret-file ~/.config/kiln/worker.key`,
  );
  await expect(dialog.getByRole('button', { name: 'Copy' })).toBeDisabled();
  // The operator's compute principal, and where that machine keeps its key.
  await dialog.getByLabel("Worker's identity (authid)").fill('worker-key');
  await dialog.getByLabel('Secret file on that machine').fill(router.files.computeKey);
  const given = `kiln worker --router ${router.url} --realm ${CLUSTER_REALM} --authid worker-key --authmethod cryptosign --secret-file ${router.files.computeKey}`;
  await expect(command).toHaveValue(given);
  await expect(dialog.getByRole('button', { name: 'Copy' })).toBeEnabled();

  // Run on a machine, that very command adds a worker, which the control center's page lists.
  const worker = new KilnProcess(
    spawn(process.execPath, [KILN, ...given.split(' ').slice(1), '--id', 'invited', '--threads', '1'], { stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  try {
    await worker.line(/joined .* with 1 threads/, 60_000);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.locator('[data-testid=machine-row][data-worker-id=invited]')).toBeVisible();
  } finally {
    await worker.stop();
  }
});
