/**
 * The control center's number fields say what they accept: a budget, slice, city count or seed out of
 * range marks its field invalid, shows the accepted range next to it (the field describes itself with
 * it), and the button it blocks says it in its title; a valid value clears all of that.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { fixturePath } from '../test/helpers/tsplib-fixtures.ts';
import { serveKilnForSpec } from './serve-kiln.ts';

test.use({ viewport: { width: 1440, height: 900 } });

const kiln = serveKilnForSpec(1);

/** Types `bad` into the field: it must be refused with `message`, blocking `button`; then `good` clears it. */
async function expectRefused(page: Page, field: Locator, button: Locator, bad: string, message: string, good: string): Promise<void> {
  await field.fill(bad);
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  const hintId = await field.getAttribute('aria-describedby');
  expect(hintId).toBeTruthy();
  await expect(page.locator(`[id="${hintId}"]`)).toHaveText(message);
  await expect(page.locator(`[id="${hintId}"]`)).toBeVisible();
  await expect(button).toBeDisabled();
  await expect(button).toHaveAttribute('title', message);

  await field.fill(good);
  await expect(field).toHaveAttribute('aria-invalid', 'false');
  await expect(field).not.toHaveAttribute('aria-describedby');
  await expect(page.getByText(message)).toHaveCount(0);
  await expect(button).toBeEnabled();
}

test('a budget, slice, city count or seed out of range says what is accepted, next to its field and on the button it blocks', async ({ page }) => {
  await page.goto(kiln().uiUrl);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-phase', 'open');
  await page.getByTestId('file-input').setInputFiles(fixturePath('berlin52.tsp'));
  await expect(page.getByTestId('problem-summary')).toContainText('berlin52');

  const start = page.getByTestId('start');
  await expectRefused(page, page.getByTestId('budget-seconds'), start, '0.05', 'Budget: 0.1 s to 24 h', '30');
  await expectRefused(page, page.getByTestId('budget-seconds'), start, '86401', 'Budget: 0.1 s to 24 h', '86400');
  await expectRefused(page, page.getByTestId('slice-ms'), start, '5', 'Slice: 20 to 60,000 ms, or empty for auto', '');

  const generate = page.getByTestId('random-generate');
  await expectRefused(page, page.getByTestId('random-count'), generate, '2', 'Cities: a whole number from 3 to 200,000', '1000');
  await expectRefused(page, page.getByTestId('random-count'), generate, '200001', 'Cities: a whole number from 3 to 200,000', '200000');
  await expectRefused(page, page.getByTestId('random-seed'), generate, '1.5', 'Seed: a whole number', '7');
});
