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
