// Bundles the headless CLI into dist/cli/: kiln.mjs (electron/cli.ts with every command, the router,
// orchestrator and compute) and slice-thread.mjs (a compute thread's entry, which kiln.mjs's pool
// starts through the KILN_THREAD_ENTRY define). Plain JavaScript starts in milliseconds where tsx
// compiled every module in every process and thread. bin/kiln.mjs builds it when it is missing or
// older than the sources (isStale), so a clone needs no build step and an edit is never run stale.
//
// dist/cli/ sits as deep as electron/app/, so the sources' `new URL('../../dist/renderer/',
// import.meta.url)` finds the UI from the bundle too.
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const CLI_DIR = join(root, 'dist', 'cli');
export const CLI_ENTRY = join(CLI_DIR, 'kiln.mjs');
/** What the bundle is made of: a change to any of these makes it stale. */
const SOURCES = ['electron', 'shared', 'package.json', 'package-lock.json', 'build/cli.mjs'];

/** The thread entries every bundle that runs Kiln carries beside its main file (see the defines below). */
export const THREAD_ENTRIES = {
  'slice-thread': 'electron/compute/slice-thread.ts',
  'crossover-thread': 'electron/orchestrator/crossover-thread.ts',
  'candidates-thread': 'electron/orchestrator/candidates-thread.ts',
};

/**
 * esbuild options for ES module bundles run by plain Node, with THREAD_ENTRIES beside them (also
 * build/bench.mjs's). `external`: build/electron.mjs's OPTIONAL_EXTERNALS, passed in because importing
 * it needs esbuild, which an installed copy may lack.
 */
export function nodeModuleBundle(external) {
  return {
    absWorkingDir: root,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    external,
    define: {
      KILN_THREAD_ENTRY: JSON.stringify('./slice-thread.mjs'),
      KILN_CROSSOVER_ENTRY: JSON.stringify('./crossover-thread.mjs'),
      KILN_CANDIDATES_ENTRY: JSON.stringify('./candidates-thread.mjs'),
    },
    // Dependencies written as CommonJS (ws, autobahn) require Node's builtins, which an ES module has
    // no `require` for: give each bundle one.
    banner: { js: "import { createRequire as __kilnCreateRequire } from 'node:module'; const require = __kilnCreateRequire(import.meta.url);" },
  };
}

export async function buildCli() {
  // Imported here: an installed copy without development dependencies still checks isStale.
  const [{ build }, { OPTIONAL_EXTERNALS }] = await Promise.all([import('esbuild'), import('./electron.mjs')]);
  const { outputFiles } = await build({
    ...nodeModuleBundle(OPTIONAL_EXTERNALS),
    entryPoints: { kiln: 'electron/cli.ts', ...THREAD_ENTRIES },
    outdir: CLI_DIR,
    write: false,
  });
  // Several kiln processes may find the bundle stale at once (a test suite starting workers): each
  // file is written aside and renamed into place, so none ever loads a half-written one. Source maps
  // first, the thread entry before the CLI that starts it.
  mkdirSync(CLI_DIR, { recursive: true });
  const order = (file) => (file.path.endsWith('.map') ? 0 : basename(file.path) === 'kiln.mjs' ? 2 : 1);
  for (const file of [...outputFiles].sort((a, b) => order(a) - order(b))) {
    const aside = `${file.path}.${process.pid}.tmp`;
    writeFileSync(aside, file.contents);
    renameSync(aside, file.path);
  }
}

/** Whether dist/cli/kiln.mjs is missing or older than any source it is built from. */
export function isStale() {
  let built;
  try {
    built = statSync(CLI_ENTRY).mtimeMs;
  } catch {
    return true;
  }
  return SOURCES.some((source) => newerThan(join(root, source), built));
}

function newerThan(path, time) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return false;
  if (!stat.isDirectory()) return stat.mtimeMs > time;
  return readdirSync(path, { withFileTypes: true }).some((entry) => newerThan(join(path, entry.name), time));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildCli();
}
