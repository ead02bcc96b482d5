/**
 * The control center's invite dialog against the real `kiln serve`: Create invite shows the join
 * link, the one-line command, and a QR code of exactly that link, of the smallest size that holds it.
 */
import { expect, test } from '@playwright/test';
import { create } from 'qrcode';
import { serveKiln, type ServedKiln } from './serve-kiln.ts';

/** Byte-mode capacity of QR versions 1-10 at error correction M (ISO/IEC 18004, table 7). */
const BYTES_AT_M = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213];

let kiln: ServedKiln;

test.use({ viewport: { width: 1440, height: 900 } });

test.beforeAll(async () => {
  kiln = await serveKiln(0);
});

test.afterAll(async () => {
  await kiln?.close();
});

/** Reads the dialog's path (one `M x y h n v1 h-n z` per run of dark modules) back into a module matrix. */
function modulesOf(path: string, size: number): Uint8Array {
  const modules = new Uint8Array(size * size);
  for (const [, x, y, run] of path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    for (let i = 0; i < Number(run); i++) modules[Number(y) * size + Number(x) + i] = 1;
  }
  return modules;
}

test('Create invite shows the link, the command and a QR code of the link', async ({ page }) => {
  await page.goto(kiln.uiUrl);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-phase', 'open');
  await page.getByTestId('create-invite').click();

  const link = await page.getByTestId('invite-link').inputValue();
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/join#invite=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  // The link travels in an environment variable, never in argv (which every local user can read).
  await expect(page.getByTestId('invite-command')).toHaveValue(`KILN_JOIN='${link}' kiln worker --join env`);
  // Plain http: no certificate to compare.
  await expect(page.getByTestId('invite-fingerprint')).toHaveCount(0);

  // Copy puts the link on the clipboard and says so.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy' }).first().click();
  await expect(page.getByTestId('copy-status')).toHaveText('Link copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);

  const qr = page.getByTestId('invite-qr');
  await expect(qr).toBeVisible();
  const size = Number(await qr.getAttribute('data-modules'));
  const version = (size - 17) / 4;
  // The smallest version whose capacity holds the link (all ASCII: one byte per character).
  expect(version).toBe(BYTES_AT_M.findIndex((capacity) => capacity >= link.length) + 1);
  expect(await qr.getAttribute('viewBox')).toBe(`-4 -4 ${size + 8} ${size + 8}`);

  // The drawn modules are those of the link's encoding, module for module (finder patterns included).
  const drawn = modulesOf((await qr.locator('path').getAttribute('d'))!, size);
  expect(Buffer.from(drawn).equals(Buffer.from(create(link, { errorCorrectionLevel: 'M' }).modules.data))).toBe(true);
  expect(drawn.subarray(0, 7).every((bit) => bit === 1)).toBe(true);

  const box = (await qr.boundingBox())!;
  expect(box.width).toBeGreaterThanOrEqual(150);

  // A modal over the whole page, not a box inside the Machines panel: the QR code and the command
  // are in view at 1440 x 900 without scrolling anything.
  const dialog = page.getByTestId('invite-dialog');
  expect(await dialog.evaluate((element) => element.matches('dialog:modal'))).toBe(true);
  for (const element of [qr, page.getByTestId('invite-command'), page.getByTestId('invite-link')]) await expect(element).toBeInViewport({ ratio: 1 });
  expect(await dialog.evaluate((element) => element.scrollHeight <= element.clientHeight)).toBe(true);
  // Escape closes it, like its Close button.
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});

test('a join link stays listed after its dialog is closed, and can be revoked from the list', async ({ page, browser }) => {
  await page.goto(kiln.uiUrl);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-phase', 'open');
  await page.getByTestId('create-invite').click();
  const link = await page.getByTestId('invite-link').inputValue();
  const inviteId = /#invite=([^.]+)\./.exec(link)![1]!;
  await page.getByRole('button', { name: 'Close' }).click();

  const row = page.locator(`[data-testid="join-link-row"][data-invite-id="${inviteId}"]`);
  await expect(row).toBeVisible();
  // A second window (another look at the same Kiln) lists it too.
  const other = await browser.newPage();
  await other.goto(kiln.uiUrl);
  await expect(other.locator(`[data-testid="join-link-row"][data-invite-id="${inviteId}"]`)).toBeVisible();
  await other.close();

  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toHaveCount(0);
  // The link no longer admits anyone.
  const donor = await browser.newPage();
  await donor.goto(`${link}&threads=1`);
  await expect(donor.getByTestId('status')).toHaveAttribute('data-phase', 'refused');
  await expect(donor.getByTestId('problem')).toContainText('invite revoked');
  await donor.close();
});
