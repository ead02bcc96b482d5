#!/usr/bin/env node
// Runs a TypeScript entry point under plain Node via tsx's loader, so that worker threads
// and child processes started by it (which inherit execArgv) can load TypeScript too.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: run-ts.mjs ENTRY.ts [args...]');
  process.exit(2);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], {
  stdio: 'inherit',
  cwd: fileURLToPath(new URL('..', import.meta.url)),
});
process.exit(result.status ?? 1);
