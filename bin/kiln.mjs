#!/usr/bin/env node
// Runs electron/cli.ts with tsx's loader registered in this very process, so that Kiln is one
// process: signals (SIGKILL included) and exit codes are its own, and no orphan outlives a wrapper.
// Worker threads do not inherit the loader; they start from a small .mjs entry that registers it
// (electron/compute/slice-thread.mjs). The CLI starts no child processes.
import { register } from 'tsx/esm/api';

register();
await import('../electron/cli.ts');
