/**
 * Playwright for Kiln's browser tests (e2e/*.spec.ts): Debian's Chromium, headless, one test at a
 * time (the machine is shared; donor pages run Web Workers that compete for its cores).
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  fullyParallel: false,
  workers: 1,
  timeout: 120_000,
  reporter: 'list',
  // Screenshots the specs take on purpose (and traces of failures) land here; docs/screenshot.png is one of them.
  outputDir: 'test-results',
  use: {
    browserName: 'chromium',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
});
