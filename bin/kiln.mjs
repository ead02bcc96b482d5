#!/usr/bin/env node
// Runs the bundled CLI (dist/cli/kiln.mjs, see build/cli.mjs) in this very process, so that Kiln is
// one process: signals (SIGKILL included) and exit codes are its own, and no orphan outlives a
// wrapper. The bundle is built here when it is missing or older than the sources (a fresh clone, an
// edit, a pull), once, in about a second; every later start loads plain JavaScript.
import { pathToFileURL } from 'node:url';
import { CLI_ENTRY, buildCli, isStale } from '../build/cli.mjs';

if (isStale()) {
  try {
    await buildCli();
  } catch (error) {
    console.error(`kiln: cannot build the CLI (${error.message.split('\n')[0]}); run 'npm install' in the Kiln folder, then retry`);
    process.exit(1);
  }
}
await import(pathToFileURL(CLI_ENTRY).href);
