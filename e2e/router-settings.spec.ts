/**
 * Settings > Router in the real page against the real `kiln serve`. In a browser the page says the
 * router is kiln serve's command-line choice. As the desktop app, the page gets `window.kiln` with the
 * settings calls wired to the real store (electron/settings/router-settings-store.ts) in this process,
 * over Playwright's exposeFunction instead of Electron's IPC (no Electron binary here): a bad router URL
 * is refused in the form, a good cluster setting is saved to router.json and is what a reload shows.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { loadRouterSettings, saveRouterSettingsAnswer } from '../electron/settings/router-settings-store.ts';
import type { RouterSettingsView } from '../shared/router-settings.ts';
import { writeSecretFile } from '../test/helpers/secret-files.ts';
import { openControlCenter, serveKilnForSpec } from './serve-kiln.ts';

const kiln = serveKilnForSpec(1);
const stateDir = mkdtempSync(join(tmpdir(), 'kiln-router-settings-'));
test.afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

test('under kiln serve the router form is not offered, and the page says why', async ({ page }) => {
  await openControlCenter(page, kiln());
  await page.getByTestId('router-settings-open').click();
  const dialog = page.getByRole('dialog', { name: 'Router' });
  await expect(dialog.getByTestId('router-settings-served')).toContainText('set on its command line');
  await expect(dialog.getByRole('textbox')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
});

test('the desktop form refuses a bad router URL, saves a cluster setting to router.json and shows it after a reload', async ({ page }) => {
  const secretFile = writeSecretFile(stateDir, 'control.ticket', 's3cret\n');
  const { routerUrl, uiCredentials } = kiln();
  await page.exposeFunction('kilnTestRouterSettings', (): RouterSettingsView => ({
    saved: loadRouterSettings(stateDir).settings,
    active: { mode: 'embedded' },
  }));
  await page.exposeFunction('kilnTestSaveRouterSettings', (value: unknown) => saveRouterSettingsAnswer(stateDir, value));
  // The preload's bridge (electron/preload.ts), its IPC replaced by the functions above.
  await page.addInitScript(
    ({ routerUrl, authid, ticket }) => {
      const exposed = window as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      Object.defineProperty(window, 'kiln', {
        value: {
          routerUrl,
          authid,
          ticket,
          openFile: async () => null,
          saveFile: async () => false,
          onMenu: () => () => {},
          routerSettings: () => exposed.kilnTestRouterSettings(),
          saveRouterSettings: (settings: unknown) => exposed.kilnTestSaveRouterSettings(settings),
        },
      });
    },
    { routerUrl, authid: uiCredentials.authid, ticket: uiCredentials.ticket },
  );
  await page.goto(new URL('/', routerUrl.replace(/^ws/, 'http')).href);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-phase', 'open');

  await page.getByTestId('router-settings-open').click();
  const dialog = page.getByRole('dialog', { name: 'Router' });
  await expect(dialog.getByTestId('router-settings-active')).toHaveText('This launch uses the embedded router.');
  await expect(dialog.getByRole('radio', { name: "Kiln's own embedded router" })).toBeChecked();
  await dialog.getByRole('radio', { name: /external router/ }).check();
  await dialog.getByRole('textbox', { name: 'Router URL' }).fill('http://wamp.example.org/ws');
  await dialog.getByRole('textbox', { name: 'Realm' }).fill('compute.example');
  await dialog.getByRole('textbox', { name: 'Control center name' }).fill('lab1');
  await dialog.getByRole('textbox', { name: 'Identity (authid)' }).fill('control-lab');
  await dialog.getByRole('textbox', { name: 'Secret file (full path)' }).fill(join(stateDir, 'missing.ticket'));
  await dialog.getByRole('button', { name: 'Save' }).click();
  // The shared model's message, on the field, which takes the focus.
  await expect(dialog.getByTestId('router-settings-error-router')).toContainText('ws:// or wss://');
  await expect(dialog.getByRole('textbox', { name: 'Router URL' })).toBeFocused();
  await expect(dialog.getByRole('textbox', { name: 'Router URL' })).toHaveAttribute('aria-invalid', 'true');

  // A good URL: now the store's own check of the secret file answers, naming that field.
  await dialog.getByRole('textbox', { name: 'Router URL' }).fill('wss://wamp.example.org/ws');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByTestId('router-settings-error-secretFile')).toContainText('ENOENT');
  await expect(dialog.getByTestId('router-settings-error-router')).toBeEmpty();
  expect(loadRouterSettings(stateDir).settings).toEqual({ mode: 'embedded' });

  await dialog.getByRole('textbox', { name: 'Secret file (full path)' }).fill(secretFile);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByTestId('router-settings-saved')).toHaveText(
    'Saved: control center lab1 on wss://wamp.example.org/ws (realm compute.example). Restart Kiln to apply.',
  );
  const saved = {
    mode: 'cluster',
    router: 'wss://wamp.example.org/ws',
    realm: 'compute.example',
    center: 'lab1',
    authid: 'control-lab',
    authmethod: 'ticket',
    secretFile,
  };
  expect(JSON.parse(readFileSync(join(stateDir, 'router.json'), 'utf8'))).toEqual(saved);
  expect(readFileSync(join(stateDir, 'router.json'), 'utf8')).not.toContain('s3cret');

  await page.reload();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-phase', 'open');
  await page.getByTestId('router-settings-open').click();
  await expect(dialog.getByRole('radio', { name: /external router/ })).toBeChecked();
  await expect(dialog.getByRole('textbox', { name: 'Router URL' })).toHaveValue('wss://wamp.example.org/ws');
  await expect(dialog.getByRole('textbox', { name: 'Realm' })).toHaveValue('compute.example');
  await expect(dialog.getByRole('textbox', { name: 'Control center name' })).toHaveValue('lab1');
  await expect(dialog.getByRole('textbox', { name: 'Secret file (full path)' })).toHaveValue(secretFile);
});
