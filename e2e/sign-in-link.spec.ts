/**
 * A control center page opened without the link `kiln serve` printed (the bare address, a bookmark),
 * or with the link of an earlier start (each start makes a new token), says what to open instead of
 * showing the router's refusal alone.
 */
import { expect, test } from '@playwright/test';
import { serveKilnForSpec } from './serve-kiln.ts';

const kiln = serveKilnForSpec(0);

test('the bare address asks for the printed link', async ({ page }) => {
  await page.goto(kiln().uiUrl.split('#')[0]);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-phase', 'closed');
  await expect(page.getByTestId('connection-error')).toHaveText(
    'this page needs the link Kiln printed when it started (http://…/#token=…): open that link (wamp.error.no_matching_auth_method)',
  );
});

test("an earlier start's link says that each start prints a new one", async ({ page }) => {
  await page.goto(`${kiln().uiUrl.split('#')[0]}#token=from-an-earlier-start`);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-phase', 'closed');
  await expect(page.getByTestId('connection-error')).toHaveText(
    'this link is not valid for this Kiln: each start of Kiln prints a new one; open the link it printed last (wamp.error.not_authorized)',
  );
});

// Before WELCOME the router reads 64 KiB at most: a bigger AUTHENTICATE used to get a bare WebSocket close, and the page retried it for ever.
test('a link with an oversized token (100 KB) says the link is not valid and stops', async ({ page }) => {
  await page.goto(`${kiln().uiUrl.split('#')[0]}#token=${'x'.repeat(100_000)}`);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-phase', 'closed');
  await expect(page.getByTestId('connection-error')).toHaveText(
    'this link is not valid: its token is far longer than any Kiln prints; open the link Kiln printed when it started (kiln.error.message_too_big)',
  );
});
