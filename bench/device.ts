/**
 * The measurements of issue 10 on a many-core machine, in one go and inside one time budget (bench/device.sh
 * runs it from the device kit's bundles, dist/bench/device.mjs):
 *   scale    bench:scale on pr2392, 10 s, N = 1, 2, 4, 8, 14 (as many as the cores allow beside two for the
 *            router and orchestrator), 3 seeds; the previous method and scheme beside it, seed for seed, on
 *            as many N as the budget leaves room for (all, else N = 1 and the largest, else none);
 *   quality  bench:quality, every tier (pla85900 included), 3 seeds, its cells spread over disjoint pairs of
 *            cores (taskset -c 2k,2k+1), each pair a 2-core development machine, then one report of them all;
 *   crowd    bench:crowd with 1,000 simulated donors, on the last pair of cores before its quality cells (the
 *            control center on two cores, as on the development machine).
 * It prints a time plan first: each step's estimate, and what is skipped because it would overrun. Each step
 * runs under a deadline (its estimate with a margin, never past the budget); a step cut short still reports
 * what it measured. Everything lands in $OUT (at most 8 files: the device tool returns no more).
 *
 * Environment: OUT (default ./device-out), DEVICE_BUDGET_S (seconds for the whole script, default 520),
 * DEVICE_QUICK=1 (tiny budgets for a dry run of every step), DEVICE_STEPS (comma list, default
 * scale,quality,crowd), DEVICE_CANDIDATE and DEVICE_BASELINE (solve parameters as method=M,scheme=S; by default
 * scheme=population and method=lsmc,scheme=whole; an empty DEVICE_CANDIDATE is the orchestrator's defaults,
 * DEVICE_BASELINE=none measures no baseline), DEVICE_CROWD_ARGS (more bench:crowd arguments), DEVICE_PLAN_ONLY=1
 * (print the plan, measure nothing; DEVICE_CORES=16 then plans for that many cores).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseSolveRequest } from '../shared/protocol/validate.ts';
import { benchScriptArgs } from './bench-script.ts';
import { QUALITY_TIERS, describeParams, tierOf, type VariantParams } from './quality-plan.ts';
import { benchInstanceNames, benchInstanceSize } from './tsplib.ts';

const started = Date.now();
const quick = process.env.DEVICE_QUICK === '1';
const budgetS = Number(process.env.DEVICE_BUDGET_S ?? 520);
if (!(budgetS > 0)) fail(`DEVICE_BUDGET_S must be a positive number of seconds, got '${process.env.DEVICE_BUDGET_S}'`);
const OUT = resolve(process.env.OUT || 'device-out');
const steps = (process.env.DEVICE_STEPS ?? 'scale,quality,crowd').split(',');
for (const step of steps) if (!['scale', 'quality', 'crowd'].includes(step)) fail(`DEVICE_STEPS: no step '${step}' (scale, quality, crowd)`);
/** DEVICE_CORES: plan for another machine's core count (with DEVICE_PLAN_ONLY=1 only: nothing can run on cores that are not there). */
const cores = process.env.DEVICE_CORES ? Number(process.env.DEVICE_CORES) : cpus().length;
if (process.env.DEVICE_CORES && (process.env.DEVICE_PLAN_ONLY !== '1' || !(cores >= 1))) fail('DEVICE_CORES needs DEVICE_PLAN_ONLY=1 and a positive count');

/**
 * The parameters judged (issue 10's new scheme, explicitly, while 'auto' is not it yet), and the previous
 * ones measured beside them (the defaults before issue 10).
 */
const candidate = parseParams(process.env.DEVICE_CANDIDATE ?? 'scheme=population', 'DEVICE_CANDIDATE');
const baseline = process.env.DEVICE_BASELINE === 'none' ? null : parseParams(process.env.DEVICE_BASELINE ?? 'method=lsmc,scheme=whole', 'DEVICE_BASELINE');

function fail(message: string): never {
  console.error(`device: ${message}`);
  process.exit(2);
}

function parseParams(text: string, what: string): VariantParams {
  const params: VariantParams = {};
  for (const pair of text.split(',').filter(Boolean)) {
    const [key, value] = pair.split('=');
    if ((key !== 'method' && key !== 'scheme') || !value) fail(`${what}: expected method=M,scheme=S, got '${pair}'`);
    params[key] = value;
  }
  // The orchestrator's own checks, on a 3-city stand-in: a name it does not know stops the run here, not on the machine.
  try {
    parseSolveRequest({ problem: { name: 'check', n: 3, edgeWeightType: 'EUC_2D', xs: [0, 1, 2], ys: [0, 1, 0] }, budgetMs: 1000, params });
  } catch (error) {
    fail(`${what}: ${(error as Error).message}`);
  }
  return params;
}

function paramArgs(params: VariantParams, prefix = ''): string[] {
  return Object.entries(params).flatMap(([key, value]) => [`--${prefix}${key}`, value as string]);
}

const hasTaskset = spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' }).status === 0;
const elapsedS = (): number => (Date.now() - started) / 1000;

// ---- The plan: what each step would measure and cost. ----

/** Cost model, seconds (calibrated on dry runs: process and cluster starts, problem loads, stop latency). */
const COST = { clusterStart: 3, perWorker: 0.2, qualityProcess: 4, qualityCell: 1, loadPer100kCities: 8, crowd: quick ? 40 : 90 };

const scaleWorkers = [1, 2, 4, 8, 14].filter((n) => (cores >= 16 ? n + 2 <= cores : n <= Math.max(1, cores)));
const scaleSettings = quick ? { budgetS: 1, warmupS: 0.3, seeds: 1 } : { budgetS: 10, warmupS: 1, seeds: 3 };
const scaleCost = (workers: number[]): number =>
  workers.reduce((sum, n) => sum + scaleSettings.seeds * (scaleSettings.budgetS + scaleSettings.warmupS + COST.clusterStart + COST.perWorker * n), 0);

const pairs = Math.max(1, Math.floor(cores / 2));
const qualitySeeds = quick ? 1 : 3;
const qualityBudgetS = quick ? 0.3 : null;
const qualityCells = benchInstanceNames()
  .map((instance) => ({ instance, n: benchInstanceSize(instance) }))
  .sort((a, b) => b.n - a.n)
  .flatMap(({ instance, n }) => Array.from({ length: qualitySeeds }, (_, i) => ({ instance, n, seed: i + 1 })));
const cellCost = (n: number, variants: number): number =>
  variants * ((qualityBudgetS ?? tierOf(n).budgetMs / 1000) + COST.qualityCell) + (COST.loadPer100kCities * n) / 100_000;

type Cell = (typeof qualityCells)[number];
interface Lane {
  cpus: string;
  crowd: boolean;
  cells: Cell[];
  load: number;
}

/**
 * The pairs of cores, each a 2-core development machine: bench:crowd first on the last pair (when it runs),
 * then every quality cell, longest first, onto the least loaded pair. Lanes with nothing to do are dropped.
 */
function lanes(variants: number, withCells: boolean, withCrowd: boolean): Lane[] {
  const all = Array.from({ length: pairs }, (_, k) => ({ cpus: `${2 * k},${2 * k + 1}`, crowd: false, cells: [] as Cell[], load: 0 }));
  if (withCrowd) Object.assign(all[all.length - 1], { crowd: true, load: COST.crowd });
  if (withCells) {
    for (const cell of [...qualityCells].sort((a, b) => cellCost(b.n, variants) - cellCost(a.n, variants))) {
      const lane = all.reduce((least, next) => (next.load < least.load ? next : least));
      if (lane.cells.length === 0) lane.load += COST.qualityProcess;
      lane.cells.push(cell);
      lane.load += cellCost(cell.n, variants);
    }
  }
  return all.filter((lane) => lane.crowd || lane.cells.length > 0);
}
const makespan = (variants: number, withCells: boolean, withCrowd: boolean): number =>
  Math.max(0, ...lanes(variants, withCells, withCrowd).map((lane) => lane.load));

interface Plan {
  scale: { baselineWorkers: number[] } | null;
  /** What runs on the pairs of cores: quality's cells, bench:crowd, or both. */
  pairs: { cells: boolean; crowd: boolean; withBaseline: boolean } | null;
  lines: string[];
}

/** First what the issue needs (scale, quality, crowd, as asked), then the baselines while the budget lasts. */
function plan(): Plan {
  const lines: string[] = [];
  let left = budgetS - 10; // unpacking is done; this is the margin for reports and stragglers
  const take = (what: string, cost: number, wanted: boolean): boolean => {
    const fits = wanted && cost <= left;
    lines.push(
      `  ${fits ? 'run ' : 'skip'}  ${what.padEnd(78)} ~${Math.round(cost).toString().padStart(4)} s${fits ? '' : wanted ? ' (would overrun the budget)' : ' (not asked)'}`,
    );
    if (fits) left -= cost;
    return fits;
  };
  const result: Plan = { scale: null, pairs: null, lines };
  if (
    take(
      `scale: pr2392 ${scaleSettings.budgetS} s, N = ${scaleWorkers.join(', ')}, ${scaleSettings.seeds} seeds`,
      scaleCost(scaleWorkers),
      steps.includes('scale'),
    )
  )
    result.scale = { baselineWorkers: [] };
  const quality = take(`quality: ${qualityCells.length} cells on ${pairs} pairs of cores`, makespan(1, true, false), steps.includes('quality'));
  const crowd = take(
    `crowd: ${crowdArgs().join(' ')}, on the last pair${quality ? ' before its quality cells' : ''}`,
    makespan(1, quality, true) - makespan(1, quality, false),
    steps.includes('crowd'),
  );
  if (quality || crowd) result.pairs = { cells: quality, crowd, withBaseline: false };
  if (baseline && result.scale) {
    const largest = [scaleWorkers[0], scaleWorkers[scaleWorkers.length - 1]].filter((n, i, all) => all.indexOf(n) === i);
    for (const workers of [scaleWorkers, largest]) {
      if (take(`scale baseline (${describeParams(baseline)}): N = ${workers.join(', ')}`, scaleCost(workers), true)) {
        result.scale.baselineWorkers = workers;
        break;
      }
    }
  }
  if (baseline && quality) result.pairs!.withBaseline = take('quality baseline: every cell again', makespan(2, true, crowd) - makespan(1, true, crowd), true);
  return result;
}

// ---- Running the steps: each child in its own process group, so a deadline ends its workers and threads too. ----

const running = new Set<ChildProcess>();

function stopGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const child of running) stopGroup(child, 'SIGKILL');
    process.exit(1);
  });
}

/**
 * Runs `node <bench script> args` (under taskset when `cpus` is given) until it exits or `deadlineS` (seconds
 * since the start) passes; its output goes to `logFile`, and to this output too when `echo`. True when it
 * exited with 0 on its own.
 */
function runBench(script: string, args: string[], options: { logFile: string; echo: boolean; deadlineS: number; cpus?: string }): Promise<boolean> {
  const nodeArgs = [...benchScriptArgs(script), ...args];
  const [command, argv] =
    options.cpus !== undefined && hasTaskset ? ['taskset', ['-c', options.cpus, process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const log = createWriteStream(options.logFile, { flags: 'a' });
  log.write(`$ ${[command, ...argv].join(' ')}\n`);
  const child = spawn(command, argv, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (options.echo) process.stdout.write(chunk);
    });
  }
  let overran = false;
  const timer = setTimeout(
    () => {
      overran = true;
      console.log(`device: ${script} ${args[0] ?? ''} passed its deadline (${Math.round(options.deadlineS)} s into the run): stopped`);
      stopGroup(child, 'SIGTERM');
      setTimeout(() => stopGroup(child, 'SIGKILL'), 5000).unref();
    },
    Math.max(0, options.deadlineS * 1000 - (Date.now() - started)),
  );
  return new Promise((done) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      stopGroup(child, 'SIGKILL'); // workers it left behind, if any
      log.end(`\n(exit ${code ?? 'by signal'}${overran ? ', stopped at its deadline' : ''})\n`, () => done(code === 0 && !overran));
    });
  });
}

/** A step's deadline: its estimate with a margin, never past the whole budget. */
const deadline = (estimateS: number): number => Math.min(elapsedS() + estimateS * 1.25 + 20, budgetS);

async function scaleStep(baselineWorkers: number[]): Promise<string> {
  const json = join(OUT, 'scale.json');
  const logFile = join(OUT, 'scale.txt');
  const args = [
    '--instance',
    'pr2392',
    '--budget',
    `${scaleSettings.budgetS}s`,
    '--warmup',
    `${scaleSettings.warmupS}s`,
    '--seeds',
    String(scaleSettings.seeds),
    '--workers',
    scaleWorkers.join(','),
    ...paramArgs(candidate),
    ...(baseline && baselineWorkers.length > 0 ? [...paramArgs(baseline, 'baseline-'), '--baseline-workers', baselineWorkers.join(',')] : []),
    '--json',
    json,
  ];
  const ok = await runBench('scale', args, { logFile, echo: true, deadlineS: deadline(scaleCost(scaleWorkers) + scaleCost(baselineWorkers)) });
  if (ok) return 'complete';
  if (!existsSync(json)) return 'failed before its first run (see scale.txt)';
  await runBench('scale', ['--report', json], { logFile, echo: true, deadlineS: elapsedS() + 30 });
  return 'cut short: the tables hold the runs it finished';
}

/** bench:quality's cells and bench:crowd on the pairs of cores, all at once; then one quality report. */
async function pairsStep({ cells, crowd, withBaseline }: NonNullable<Plan['pairs']>): Promise<string> {
  const variants = withBaseline ? 2 : 1;
  const plan = lanes(variants, cells, crowd);
  const stepDeadline = deadline(makespan(variants, cells, crowd));
  console.log(
    `${plan.length} pairs of cores (taskset -c 2k,2k+1), each emulating the 2-core development machine; the longest ~${Math.round(makespan(variants, cells, crowd))} s`,
  );
  const files = plan.map((_, k) => join(scratch, `quality-${k}.json`));
  const outcomes = await Promise.all(
    plan.map(async (lane, k) => {
      const said: string[] = [];
      if (lane.crowd) {
        const ok = await runBench('crowd', crowdArgs(), {
          logFile: join(OUT, 'crowd.txt'),
          echo: false,
          deadlineS: Math.min(stepDeadline, elapsedS() + COST.crowd * 1.5 + 20),
          cpus: lane.cpus,
        });
        said.push(`crowd ${ok ? 'complete' : 'failed or cut short (see crowd.txt)'}`);
      }
      if (lane.cells.length > 0) {
        const args = [
          '--threads',
          '2',
          '--cells',
          lane.cells.map((cell) => `${cell.instance}:${cell.seed}`).join(','),
          ...(qualityBudgetS !== null ? ['--budget', `${qualityBudgetS}s`] : []),
          ...paramArgs(candidate),
          ...(withBaseline && baseline ? paramArgs(baseline, 'baseline-') : []),
          '--json',
          files[k],
        ];
        const ok = await runBench('quality', args, { logFile: join(scratch, `quality-${k}.log`), echo: false, deadlineS: stepDeadline, cpus: lane.cpus });
        if (!ok) said.push(`quality on cores ${lane.cpus} failed or was cut short (see quality-pairs.log)`);
      }
      return said;
    }),
  );
  const summary = outcomes.flat();
  if (crowd) console.log(readLog(join(OUT, 'crowd.txt')));
  if (!cells) return summary.join('; ');
  writeFileSync(
    join(OUT, 'quality-pairs.log'),
    plan.map((lane, k) => `---- cores ${lane.cpus} ----\n${lane.cells.length > 0 ? readLog(join(scratch, `quality-${k}.log`)) : '(crowd only)\n'}`).join('\n'),
  );
  const measured = files.filter((file) => existsSync(file));
  if (measured.length === 0) return [...summary, 'no pair measured a quality cell (see quality-pairs.log)'].join('; ');
  await runBench('quality', ['--merge', measured.join(','), '--json', join(OUT, 'quality.json')], {
    logFile: join(OUT, 'quality.txt'),
    echo: true,
    deadlineS: elapsedS() + 30,
  });
  return [...summary, summary.some((line) => line.startsWith('quality')) ? 'the quality report holds the cells that were finished' : 'quality complete'].join(
    '; ',
  );
}

function readLog(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '(no output)\n';
}

function crowdArgs(): string[] {
  return [...(quick ? ['--donors', '40', '--budget', '2s'] : ['--donors', '1000']), ...(process.env.DEVICE_CROWD_ARGS ?? '').split(' ').filter(Boolean)];
}

// ---- The run. ----

console.log(
  `device: ${cores} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, load average ${loadavg()[0].toFixed(1)}, taskset ${hasTaskset ? 'yes' : 'NO (nothing pinned)'}, ` +
    `budget ${budgetS} s${quick ? ', QUICK (tiny budgets: a dry run, not a measurement)' : ''}, output in ${OUT}`,
);
console.log(`candidate: ${JSON.stringify(candidate)} (empty: the defaults); baseline: ${baseline ? JSON.stringify(baseline) : 'none'}`);
console.log(
  `quality tiers: ${QUALITY_TIERS.map((tier) => `${tier.id}: <= ${tier.maxCities === Number.MAX_SAFE_INTEGER ? 'any' : tier.maxCities} cities at ${tier.budgetMs / 1000} s`).join('; ')}`,
);
const chosen = plan();
console.log(`time plan (estimates; the budget is ${budgetS} s):`);
for (const line of chosen.lines) console.log(line);
if (process.env.DEVICE_PLAN_ONLY === '1') process.exit(0);
mkdirSync(OUT, { recursive: true });
const scratch = mkdtempSync(join(tmpdir(), 'kiln-device-'));

const outcomes: string[] = [];
const step = async (name: string, body: () => Promise<string>): Promise<void> => {
  const from = elapsedS();
  console.log(`\n==== ${name} (at ${Math.round(from)} s) ====`);
  let outcome: string;
  try {
    outcome = await body();
  } catch (error) {
    outcome = `failed: ${(error as Error).message}`;
  }
  outcomes.push(
    `  ${name.padEnd(8)} ${Math.round(elapsedS() - from)
      .toString()
      .padStart(4)} s  ${outcome}`,
  );
};
try {
  if (chosen.scale) await step('scale', () => scaleStep(chosen.scale!.baselineWorkers));
  if (chosen.pairs) await step('pairs', () => pairsStep(chosen.pairs!));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log(`\ndevice: done in ${Math.round(elapsedS())} s of ${budgetS} s`);
for (const line of outcomes) console.log(line);
