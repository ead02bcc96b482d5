/**
 * `npm run bench:startup [-- --runs 5 --budget 1s --instance berlin52]`: how fast `kiln solve` starts,
 * the bundled CLI (bin/kiln.mjs, build/cli.mjs) against the same sources run under tsx (how the CLI
 * and its compute threads ran before the bundle), alternating run by run so both see the same load.
 * Prints, per way, the median wall time of the command, its elapsedMs, the time from its start to
 * the first slice back (firstSliceMs), and how many runs had a slice back within the budget; then
 * the bundle's medians as ratios of the tsx ones.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { fixturePath } from '../test/helpers/tsplib-fixtures.ts';
import { KILN } from '../test/helpers/kiln-process.ts';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    budget: { type: 'string', default: '1s' },
    instance: { type: 'string', default: 'berlin52' },
  },
});
const runs = Number(values.runs);
const file = fixturePath(`${values.instance}.tsp`);
const scratch = mkdtempSync(join(tmpdir(), 'kiln-bench-startup-'));

const ways = {
  tsx: [process.execPath, '--import', 'tsx', 'electron/cli.ts'],
  bundle: [process.execPath, KILN],
} as const;
type Way = keyof typeof ways;

interface Sample {
  wallMs: number;
  elapsedMs: number;
  firstSliceMs: number | null;
  slices: number;
}

async function sample(way: Way): Promise<Sample> {
  const [command, ...prefix] = ways[way];
  const startedAt = performance.now();
  const { stdout } = await run(command, [...prefix, 'solve', file, '--budget', values.budget, '--quiet', '--out', join(scratch, `${way}.tour`)], {
    cwd: new URL('..', import.meta.url),
  });
  const wallMs = performance.now() - startedAt;
  const summary = JSON.parse(stdout) as { elapsedMs: number; firstSliceMs?: number; slices: number };
  return { wallMs, elapsedMs: summary.elapsedMs, firstSliceMs: summary.firstSliceMs ?? null, slices: summary.slices };
}

const median = (xs: number[]) => {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

try {
  // The bundle is built before timing (bin/kiln.mjs would build it on its first run otherwise).
  await run(process.execPath, ['build/cli.mjs'], { cwd: new URL('..', import.meta.url) });
  const samples: Record<Way, Sample[]> = { tsx: [], bundle: [] };
  for (let i = 0; i < runs; i++) {
    for (const way of ['tsx', 'bundle'] as const) {
      const s = await sample(way);
      samples[way].push(s);
      console.log(
        `${way.padEnd(6)} run ${i + 1}: wall ${s.wallMs.toFixed(0)} ms, elapsedMs ${s.elapsedMs}, firstSliceMs ${s.firstSliceMs ?? '-'}, slices ${s.slices}`,
      );
    }
  }
  const summary = (way: Way) => {
    const list = samples[way];
    const firsts = list.flatMap((s) => (s.firstSliceMs === null ? [] : [s.firstSliceMs]));
    return { wall: median(list.map((s) => s.wallMs)), elapsed: median(list.map((s) => s.elapsedMs)), first: median(firsts), withSlice: firsts.length };
  };
  const tsx = summary('tsx');
  const bundle = summary('bundle');
  console.log(`\n${values.instance}, --budget ${values.budget}, ${runs} runs each (medians)`);
  for (const [name, s] of [
    ['tsx', tsx],
    ['bundle', bundle],
  ] as const) {
    console.log(
      `${name.padEnd(6)} wall ${s.wall.toFixed(0)} ms  elapsedMs ${s.elapsed.toFixed(0)}  first slice ${Number.isNaN(s.first) ? '-' : s.first.toFixed(0)} ms  runs with a slice back ${s.withSlice}/${runs}`,
    );
  }
  // A way with no slice back in any run took longer than the budget to start: its ratio is a bound.
  const budgetMs = Math.min(tsx.elapsed, bundle.elapsed);
  const firstRatio =
    tsx.withSlice > 0 && bundle.withSlice > 0
      ? (bundle.first / tsx.first).toFixed(2)
      : bundle.withSlice > 0
        ? `< ${(bundle.first / budgetMs).toFixed(2)} (tsx had no slice back within the budget)`
        : 'n/a (no slice back within the budget)';
  console.log(`bundle / tsx: wall ${(bundle.wall / tsx.wall).toFixed(2)}, first slice ${firstRatio}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
