/**
 * Where a benchmark finds a sibling script to run in a child process: bench/<name>.ts through tsx from the
 * sources, or dist/bench/<name>.mjs from the bundles (build/bench.mjs), which run on machines that have
 * Node and the production dependencies only (the device kit, ../shared/tools/device-kit).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);

/** Node's arguments (before the script's own) to run the benchmark script <name>. */
export function benchScriptArgs(name: string): string[] {
  return here.endsWith('.mjs') ? [join(dirname(here), `${name}.mjs`)] : ['--import', 'tsx', join(dirname(here), `${name}.ts`)];
}
