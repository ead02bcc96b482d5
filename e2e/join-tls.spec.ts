/**
 * The join page from a `kiln serve --tls` invite: a browser cannot pin the link's fingerprint, so it
 * refuses the self-signed certificate until the user accepts it (ignoreHTTPSErrors stands in for
 * that click); then the page joins over wss:// on the same origin and computes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { randomUniformProblem } from '../shared/tsp/instance.ts';
import { loadOrCreateTlsIdentity } from '../electron/tls/tls-identity.ts';
import { startJoinKiln, type JoinKiln } from './join-kiln.ts';

const stateDir = mkdtempSync(join(tmpdir(), 'kiln-join-tls-'));
let kiln: JoinKiln;

test.beforeAll(async () => {
  kiln = await startJoinKiln(0, loadOrCreateTlsIdentity(stateDir));
});

test.afterAll(async () => {
  await kiln?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

test('an https invite link: refused until the certificate is accepted, then the page donates over wss', async ({ browser }) => {
  const invite = await kiln.createInvite();
  expect(invite.link).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/join#invite=\S+&fp=[0-9a-f]{64}$/);

  const wary = await browser.newPage();
  await expect(wary.goto(invite.link)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
  await wary.close();

  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.goto(`${invite.link}&threads=1`);
  await expect(page.getByTestId('status')).toHaveAttribute('data-phase', 'joined');
  // The page cannot pin the certificate: it shows the fingerprint for the user to compare, as browsers show it.
  await expect(page.getByTestId('certificate')).toContainText(invite.tlsFingerprint!.toUpperCase().match(/../g)!.join(':'));
  const workerId = (await page.getByTestId('worker-id').textContent())!;
  const result = await kiln.solve(randomUniformProblem(60, 5), 1500, 250);
  expect(result.slicesByWorker[workerId]).toBeGreaterThan(0);
  await context.close();
});

test('the control center over https shows the certificate fingerprint with each invite, for people to compare', async ({ browser }) => {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.goto(kiln.uiUrl);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-phase', 'open');
  await page.getByTestId('create-invite').click();
  const link = await page.getByTestId('invite-link').inputValue();
  const hex = /&fp=([0-9a-f]{64})$/.exec(link)![1]!;
  await expect(page.getByTestId('invite-fingerprint')).toContainText(hex.toUpperCase().match(/../g)!.join(':'));
  await context.close();
});
