import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'electron/**/*.test.ts', 'shared/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Router and worker tests open real sockets and spawn processes: keep files in separate forks.
    pool: 'forks',
    globalSetup: ['test/helpers/build-cli.ts'],
  },
});
