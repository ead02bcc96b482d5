#!/usr/bin/env node
// Launches electron/cli.ts under tsx. It re-executes Node with `--import tsx` rather than registering
// tsx in this process, because forked children inherit execArgv (and so load TypeScript too).
// Worker threads do not: on Node 20.20 with tsx 4.23 a Worker cannot load a .ts entry even when its
// parent runs with `--import tsx`; a Worker needs a small .mjs entry that calls tsx's register()
// (from 'tsx/esm/api') and then imports the .ts module.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../electron/cli.ts', import.meta.url));
// Resolved from here, not from the caller's working directory, so `npx kiln` works anywhere.
const tsx = import.meta.resolve('tsx');

const child = spawn(process.execPath, ['--import', tsx, cli, ...process.argv.slice(2)], { stdio: 'inherit' });

// A terminal's Ctrl-C reaches both processes (one process group); a SIGTERM from a supervisor reaches
// only this one. Forwarding both is safe: commands treat a repeated signal as the same request.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}

// The shell convention for a child that died of a signal: 128 + its number.
child.on('exit', (code, signal) => {
  process.exitCode = code ?? 128 + (signal === null ? 0 : constants.signals[signal]);
});
