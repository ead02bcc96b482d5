// Bundles the Electron shell into dist-electron/: main.cjs (the main process with the router,
// orchestrator and compute pool bundled in), slice-thread.cjs (a compute thread's entry, loaded by
// node-threads.ts through the KILN_THREAD_ENTRY define) and preload.cjs (sandboxed: it may require
// only 'electron'). CommonJS because Electron's sandboxed preload cannot be an ES module.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Optional native accelerators that ws requires inside try/catch; absent, ws uses its JS code. */
export const OPTIONAL_EXTERNALS = ['bufferutil', 'utf-8-validate'];

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  external: ['electron', ...OPTIONAL_EXTERNALS],
};

/**
 * The sources are ES modules that locate files with import.meta.url, which CommonJS output lacks:
 * each bundle defines it as its own file's URL, so `new URL('./x', import.meta.url)` finds siblings.
 */
const importMetaUrl = {
  banner: { js: 'const __kilnImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  define: { 'import.meta.url': '__kilnImportMetaUrl' },
};

export async function buildElectron(outdir = 'dist-electron') {
  await Promise.all([
    build({
      ...common,
      ...importMetaUrl,
      define: {
        ...importMetaUrl.define,
        KILN_THREAD_ENTRY: JSON.stringify('./slice-thread.cjs'),
        KILN_CROSSOVER_ENTRY: JSON.stringify('./crossover-thread.cjs'),
        KILN_CANDIDATES_ENTRY: JSON.stringify('./candidates-thread.cjs'),
      },
      entryPoints: {
        main: 'electron/main.ts',
        'slice-thread': 'electron/compute/slice-thread.ts',
        'crossover-thread': 'electron/orchestrator/crossover-thread.ts',
        'candidates-thread': 'electron/orchestrator/candidates-thread.ts',
      },
      outdir,
      outExtension: { '.js': '.cjs' },
    }),
    build({
      ...common,
      // A sandboxed preload runs in a renderer: no Node builtins beyond Electron's small set.
      platform: 'browser',
      external: ['electron'],
      entryPoints: { preload: 'electron/preload.ts' },
      outdir,
      outExtension: { '.js': '.cjs' },
    }),
  ]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildElectron(process.argv[2]);
}
