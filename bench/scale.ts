/**
 * `npm run bench:scale [-- --workers 1,2,4,8,14] [--seeds 3] [--instance pr2392] [--budget 10s] [--warmup 1s]
 * [--method M] [--scheme S] [--baseline-method M] [--baseline-scheme S] [--baseline-workers 1,14] [--pin auto|off]
 * [--json FILE] [--report FILE]`: N `kiln worker --threads 1` processes behind the shared kiln.anneal registration, for each
 * N in --workers, a fresh cluster per seed (so every run pays its own precomputation), each after a warm-up
 * run on a280 (JIT, thread start) that leaves the measured instance uncached. Prints per N the mean over
 * the seeds of moves/s, moves/s against N x one worker, the gap, and the gap against N = 1's. Issue 10's
 * goal: on a 16-core machine the gap falls with N and N = 14 ends at most a third of N = 1's.
 * With taskset on PATH and at least max N + 2 cores, each worker is pinned to its own core and this
 * process (router and orchestrator) to cores 0 and 1. --baseline-* measures the same rows with other
 * solve parameters (the previous scheme or method) in the same run, seed for seed. --json saves every run as
 * it ends; --report prints the tables from such a file (a run cut short) without measuring.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import type { SolveParams } from '../shared/protocol/wire.ts';
import type { ProblemData } from '../shared/tsp/types.ts';
import { Cluster, solveRequest } from '../test/helpers/cluster.ts';
import { parseDuration } from '../electron/commands/options.ts';
import { describeParams, type VariantParams } from './quality-plan.ts';
import { loadBenchTsplib } from './tsplib.ts';

const cores = cpus().length;
const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: [1, 2, 4, 8, 14].filter((n) => n <= cores).join(',') },
    seeds: { type: 'string', default: '3' },
    instance: { type: 'string', default: 'pr2392' },
    budget: { type: 'string', default: '10s' },
    warmup: { type: 'string', default: '1s' },
    'warmup-instance': { type: 'string', default: 'a280' },
    method: { type: 'string' },
    scheme: { type: 'string' },
    'baseline-method': { type: 'string' },
    'baseline-scheme': { type: 'string' },
    'baseline-workers': { type: 'string' },
    pin: { type: 'string', default: 'auto' },
    json: { type: 'string' },
    report: { type: 'string' },
  },
});

function usage(message: string): never {
  console.error(`bench:scale: ${message}`);
  process.exit(2);
}

interface Variant {
  variant: 'candidate' | 'baseline';
  params: VariantParams;
  workers: number[];
}

interface Run {
  variant: Variant['variant'];
  workers: number;
  seed: number;
  movesPerSecond: number;
  gapPercent: number;
  slices: number;
}

/** What --json writes and --report reads. */
interface ScaleFile {
  bench: 'scale';
  instance: string;
  budgetMs: number;
  seeds: number;
  pinned: boolean;
  variants: Variant[];
  runs: Run[];
}

function integers(list: string, what: string): number[] {
  const parsed = list.split(',').map((item) => (/^[1-9]\d*$/.test(item) ? Number(item) : usage(`${what}: '${item}' is not a positive integer`)));
  return [...new Set(parsed)].sort((a, b) => a - b);
}

function pick(method: string | undefined, scheme: string | undefined): VariantParams {
  return { ...(method !== undefined && { method }), ...(scheme !== undefined && { scheme }) };
}

/** Pins this process (every thread: -a) to cores 0 and 1 when the workers can each have a core of their own. */
function pinning(variants: Variant[]): boolean {
  const most = Math.max(...variants.flatMap((v) => v.workers));
  if (values.pin === 'off') return false;
  if (cores < most + 2) {
    console.log(`not pinned: ${cores} cores, fewer than ${most} workers + 2 (router and orchestrator)`);
    return false;
  }
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '0,1', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    console.log('not pinned: taskset is not available');
    return false;
  }
}

async function measure(): Promise<ScaleFile> {
  const workerCounts = integers(values.workers, '--workers');
  const seeds = /^[1-9]\d*$/.test(values.seeds) ? Number(values.seeds) : usage(`--seeds must be a positive integer, got '${values.seeds}'`);
  const budgetMs = parseDuration(values.budget, '--budget');
  const warmupMs = parseDuration(values.warmup, '--warmup');
  if (values.pin !== 'auto' && values.pin !== 'off') usage("--pin must be 'auto' or 'off'");
  const problem = loadBenchTsplib(values.instance);
  const warmupProblem = loadBenchTsplib(values['warmup-instance']);
  const variants: Variant[] = [{ variant: 'candidate', params: pick(values.method, values.scheme), workers: workerCounts }];
  if (values['baseline-method'] !== undefined || values['baseline-scheme'] !== undefined) {
    const workers = values['baseline-workers'] === undefined ? workerCounts : integers(values['baseline-workers'], '--baseline-workers');
    variants.push({ variant: 'baseline', params: pick(values['baseline-method'], values['baseline-scheme']), workers });
  }
  const pinned = pinning(variants);
  const file: ScaleFile = { bench: 'scale', instance: problem.name, budgetMs, seeds, pinned, variants, runs: [] };
  console.log(
    `bench:scale  ${problem.name} (n = ${problem.n}), ${budgetMs} ms after a ${warmupMs} ms warm-up on ${warmupProblem.name}, ${seeds} seeds, ` +
      `kiln worker --threads 1 x N, ${cores} cores, ${pinned ? 'one core per worker, router and orchestrator on cores 0-1' : 'not pinned'}`,
  );

  const one = async (variant: Variant, workers: number, seed: number): Promise<Run> => {
    const cluster = await Cluster.start();
    try {
      await Promise.all(Array.from({ length: workers }, (_, i) => cluster.addWorker(`w${i + 1}`, 1, pinned ? 2 + i : undefined)));
      await cluster.until(() => cluster.kiln.orchestrator.workers.totalConcurrency >= workers, 30_000, `${workers} workers to join`);
      const session = await cluster.controller();
      const solve = async (of: ProblemData, ms: number) => {
        const request = solveRequest(of, ms);
        request.params = { seed, ...variant.params } as SolveParams;
        return (await cluster.solve(session, request)).result;
      };
      if (warmupMs > 0) await solve(warmupProblem, warmupMs);
      const result = await solve(problem, budgetMs);
      if (result.gapPercent === undefined) throw new Error(`N = ${workers} seed ${seed}: the run ended without a tour (${result.error ?? result.phase})`);
      return {
        variant: variant.variant,
        workers,
        seed,
        movesPerSecond: (result.movesTried * 1000) / result.elapsedMs,
        gapPercent: result.gapPercent,
        slices: result.slicesDone,
      };
    } finally {
      await cluster.stop();
    }
  };

  // The smallest N and the largest first (the goal compares them: a run cut short keeps that), then the rest;
  // seed for seed, the variants alternate, so a drift in the machine's speed touches both alike.
  const counts = [...new Set(variants.flatMap((v) => v.workers))].sort((a, b) => a - b);
  for (const workers of [...new Set([counts[0], counts[counts.length - 1], ...counts])]) {
    for (let seed = 1; seed <= seeds; seed++) {
      for (const variant of variants.filter((v) => v.workers.includes(workers))) {
        const run = await one(variant, workers, seed);
        file.runs.push(run);
        if (values.json !== undefined) writeFileSync(values.json, JSON.stringify(file, null, 1));
        console.log(
          `  N = ${workers} seed ${seed} ${variant.variant}: ${Math.round(run.movesPerSecond).toLocaleString('en')} moves/s, gap ${run.gapPercent.toFixed(3)} %`,
        );
      }
    }
  }
  return file;
}

const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

/** Per variant: one row per N measured (mean over its seeds), then the goals. */
function report({ variants, runs }: ScaleFile): void {
  for (const variant of variants) {
    const rows = variant.workers
      .map((workers) => {
        const mine = runs.filter((run) => run.variant === variant.variant && run.workers === workers);
        return {
          workers,
          movesPerSecond: mean(mine.map((r) => r.movesPerSecond)),
          gaps: mine.map((r) => r.gapPercent),
          slices: mean(mine.map((r) => r.slices)),
        };
      })
      .filter((row) => row.gaps.length > 0);
    if (rows.length === 0) continue;
    const one = rows.find((row) => row.workers === 1);
    console.log('', `${variant.variant} (${describeParams(variant.params)}), mean over the seeds:`);
    console.log('workers | moves/s     | vs N x one worker | gap %  | gap vs N = 1 | gap % by seed        | slices');
    for (const row of rows) {
      const gap = mean(row.gaps);
      console.log(
        `${String(row.workers).padStart(7)} | ${Math.round(row.movesPerSecond).toLocaleString('en').padStart(11)} | ${(one && one.movesPerSecond > 0 ? (row.movesPerSecond / (row.workers * one.movesPerSecond)).toFixed(2) : 'n/a').padStart(17)} | ${gap.toFixed(3).padStart(6)} | ${(one && mean(one.gaps) > 0 ? (gap / mean(one.gaps)).toFixed(2) : 'n/a').padStart(12)} | ${row.gaps
          .map((g) => g.toFixed(3))
          .join(' ')
          .padEnd(20)} | ${Math.round(row.slices)}`,
      );
    }
    const gaps = rows.map((row) => mean(row.gaps));
    const falls = gaps[0] === 0 ? 'n/a (already optimal at the smallest N)' : gaps.every((gap, i) => i === 0 || gap < gaps[i - 1]) ? 'yes' : 'no';
    console.log(`the gap falls with N: ${falls}`);
    const fourteen = rows.find((row) => row.workers === 14);
    if (one && fourteen) console.log(`N = 14 at most a third of N = 1's gap: ${mean(fourteen.gaps) <= mean(one.gaps) / 3 ? 'yes' : 'no'}`);
  }
}

if (values.report !== undefined) {
  const file = JSON.parse(readFileSync(values.report, 'utf8')) as ScaleFile;
  if (file.bench !== 'scale' || !Array.isArray(file.runs)) usage(`${values.report} is not a bench:scale --json file`);
  console.log(`bench:scale  ${file.instance}, ${file.budgetMs} ms, ${file.runs.length} runs read from ${values.report}`);
  report(file);
} else {
  report(await measure());
}
