/**
 * The benchmark bundles (build/bench.mjs) run under plain Node with nothing but the production dependencies
 * on a machine without tsx (the device kit): bench:quality's compute threads start from the bundle's
 * slice-thread.mjs, bench:scale's `kiln worker` processes join, their --json files feed their reports, and
 * the device script prints its time plan. Instances come from the test fixtures (KILN_BENCH_TSPLIB), never
 * from ../shared.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QualityCell } from '../../bench/quality-plan.ts';
import { fixturesDir } from '../helpers/tsplib-fixtures.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
// Two levels inside the repository, as dist/bench is (build/bench.mjs insists), and this test's own.
const BUNDLES = join(REPO, 'dist', `bench-test-${process.pid}`);
const work = mkdtempSync(join(tmpdir(), 'kiln-bench-'));
const run = promisify(execFile);

/** Runs a bundle as the device machine would: plain node, no loader, fixtures as the benchmark instances. */
async function bench(name: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(process.execPath, [join(BUNDLES, `${name}.mjs`), ...args], {
    cwd: REPO,
    env: { ...process.env, KILN_BENCH_TSPLIB: fixturesDir, NODE_OPTIONS: '', ...env },
    timeout: 60_000,
  });
  return stdout;
}

beforeAll(() => {
  execFileSync(process.execPath, ['build/bench.mjs', BUNDLES], { cwd: REPO, stdio: 'pipe' });
});

afterAll(() => {
  rmSync(BUNDLES, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('benchmark bundles', () => {
  it('quality.mjs solves on compute threads started from the bundle, and --merge reports its cells per tier', async () => {
    const json = join(work, 'quality.json');
    // Budgets of several slices each (250 ms at least): a slice must come back even on a loaded machine.
    await bench('quality', ['--cells', 'berlin52:1,eil51:2', '--threads', '1', '--budget', '1500ms', '--baseline-method', 'anneal', '--json', json]);
    const { cells } = JSON.parse(readFileSync(json, 'utf8')) as { cells: QualityCell[] };
    expect(cells.map((cell) => `${cell.instance}:${cell.seed}:${cell.variant}`)).toEqual([
      'berlin52:1:candidate',
      'berlin52:1:baseline',
      'eil51:2:candidate',
      'eil51:2:baseline',
    ]);
    for (const cell of cells) {
      expect(cell.slicesDone).toBeGreaterThan(0);
      expect(cell.length).toBeGreaterThanOrEqual(cell.optimum);
      expect(cell.tier).toBe(1);
    }
    const report = await bench('quality', ['--merge', json]);
    expect(report).toMatch(/^ {3}1 \| 1-1000 .* \| (yes|no) \(not the goal setting/m);
    expect(report).toMatch(/tier \| candidate mean gap % \| baseline mean gap %/);
  });

  it('scale.mjs measures with `kiln worker` processes it spawns, and --report prints the table from its --json file', async () => {
    const json = join(work, 'scale.json');
    const output = await bench('scale', [
      '--instance',
      'berlin52',
      '--warmup-instance',
      'eil51',
      '--workers',
      '1',
      '--seeds',
      '1',
      '--budget',
      '1500ms',
      '--warmup',
      '300ms',
      '--json',
      json,
    ]);
    expect(output).toMatch(/^ {6}1 \| +[\d,]+ \| +1\.00 \| +\d+\.\d{3} \| +(1\.00|n\/a) \|/m);
    const { runs } = JSON.parse(readFileSync(json, 'utf8')) as { runs: Array<{ workers: number; movesPerSecond: number; slices: number }> };
    expect(runs).toHaveLength(1);
    expect(runs[0].slices).toBeGreaterThan(0);
    expect(runs[0].movesPerSecond).toBeGreaterThan(0);
    expect(await bench('scale', ['--report', json])).toMatch(/candidate \(method default, scheme default\)/);
  });

  it('device.mjs plans every step inside its budget and says what it skips', async () => {
    const roomy = await bench('device', [], { DEVICE_PLAN_ONLY: '1', DEVICE_QUICK: '1', DEVICE_BUDGET_S: '3600', OUT: work });
    expect(roomy).toMatch(/^ {2}run +scale: /m);
    expect(roomy).toMatch(/^ {2}run +quality: /m);
    expect(roomy).toMatch(/^ {2}run +crowd: /m);
    const tight = await bench('device', [], { DEVICE_PLAN_ONLY: '1', DEVICE_BUDGET_S: '60', OUT: work });
    expect(tight).toMatch(/^ {2}skip +quality: .*\(would overrun the budget\)/m);
  });
});
