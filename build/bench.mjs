// `npm run build:bench`: bundles the benchmarks that run on a many-core machine into dist/bench/ (plain
// JavaScript for Node with the production dependencies only: the device kit, ../shared/tools/device-kit,
// has no tsx), with the thread entries beside them (compute and crossover threads quality.mjs starts), and
// builds the CLI (dist/cli/) that the `kiln worker` processes of scale.mjs run. bench/device.sh runs them.
//
// dist/bench/ sits as deep as test/helpers/ and electron/app/, so their `new URL('../../…', import.meta.url)`
// paths (bin/kiln.mjs for workers) resolve from the bundles too; bench/tsplib.ts looks for the repository upwards.
import { existsSync, rmSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { THREAD_ENTRIES, buildCli, nodeModuleBundle } from './cli.mjs';
import { OPTIONAL_EXTERNALS } from './electron.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
/** dist/bench, or another folder two levels inside the repository (tests build their own: `node build/bench.mjs dist/x`). */
const BENCH_DIR = resolve(root, process.argv[2] ?? join('dist', 'bench'));
if (relative(root, BENCH_DIR).split(sep).length !== 2 || relative(root, BENCH_DIR).startsWith('..'))
  throw new Error(`build:bench: the output folder must be two levels inside the repository, like dist/bench (got ${BENCH_DIR})`);

/** The benchmarks bench/device.sh runs, and the child scripts they start (bench/bench-script.ts). */
const BENCHES = ['device', 'quality', 'scale', 'crowd', 'crowd-donors', 'crowd-controller'];

const missing = BENCHES.filter((name) => !existsSync(join(root, 'bench', `${name}.ts`)));
if (missing.length > 0) throw new Error(`build:bench: no bench/${missing.join('.ts, bench/')}.ts`);

rmSync(BENCH_DIR, { recursive: true, force: true });
await build({
  ...nodeModuleBundle(OPTIONAL_EXTERNALS),
  entryPoints: {
    ...Object.fromEntries(BENCHES.map((name) => [name, `bench/${name}.ts`])),
    ...THREAD_ENTRIES,
  },
  outdir: BENCH_DIR,
});
await buildCli();
console.log(`build:bench: ${BENCHES.map((name) => `${name}.mjs`).join(', ')} in ${relative(root, BENCH_DIR)}/, and dist/cli/`);
