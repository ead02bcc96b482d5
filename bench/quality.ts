/**
 * `npm run bench:quality [-- --long] [--tier 1,2] [--instances a,b] [--seeds 3] [--threads N] [--method M] [--scheme S]
 * [--baseline-method M] [--baseline-scheme S] [--budget D] [--cells a:1,b:2] [--json FILE] [--merge f1,f2] [--fresh]`:
 * the whole system (router, orchestrator, local compute on --threads threads, default every core) against
 * issue 10's goals per tier of instance size (bench/quality-plan.ts), every shared instance with a known
 * optimum, 3 seeds each. Baselines measured in the same run: the greedy start tour's gap, always, and with
 * --baseline-method / --baseline-scheme the same cells solved with those parameters (the previous method
 * or scheme, say). --cells, --json and --merge let bench/device.ts split the cells over pairs of cores and
 * print one report from all of them (--json saves the cells after each one; --merge reads such files and
 * prints their report without measuring). --fresh: every run in a Kiln of its own, so that each pays its own
 * precomputation (candidate lists; one Kiln keeps a problem's lists for its later runs).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { startKiln } from '../electron/app/kiln.ts';
import { parseDuration } from '../electron/commands/options.ts';
import { constructTour } from '../shared/tsp/construct.ts';
import { createInstance, tourLength } from '../shared/tsp/instance.ts';
import { buildNeighbourLists } from '../shared/tsp/neighbours.ts';
import type { SolveRequest } from '../shared/protocol/wire.ts';
import { problemToWire } from '../shared/protocol/codecs.ts';
import { QUALITY_TIERS, describeParams, summarizeQuality, tierOf, type QualityCell, type VariantParams } from './quality-plan.ts';
import { benchInstanceNames, benchInstanceSize, loadBenchTsplib } from './tsplib.ts';

const { values } = parseArgs({
  options: {
    long: { type: 'boolean', default: false },
    tier: { type: 'string' },
    instances: { type: 'string' },
    seeds: { type: 'string', default: '3' },
    cells: { type: 'string' },
    threads: { type: 'string', default: String(cpus().length) },
    method: { type: 'string' },
    scheme: { type: 'string' },
    'baseline-method': { type: 'string' },
    'baseline-scheme': { type: 'string' },
    budget: { type: 'string' },
    json: { type: 'string' },
    merge: { type: 'string' },
    fresh: { type: 'boolean', default: false },
  },
});

function usage(message: string): never {
  console.error(`bench:quality: ${message}`);
  process.exit(2);
}

function positiveInteger(value: string, what: string): number {
  if (!/^[1-9]\d*$/.test(value)) usage(`${what} must be a positive integer, got '${value}'`);
  return Number(value);
}

interface Planned {
  instance: string;
  n: number;
  seed: number;
}

/** The cells to measure: --cells as given, else every instance of the chosen tiers (or --instances) x seeds 1..--seeds. */
function plannedCells(): Planned[] {
  const known = benchInstanceNames();
  const size = (name: string): number => {
    if (!known.includes(name)) usage(`no instance '${name}' with a known optimum (known: ${known.join(', ')})`);
    return benchInstanceSize(name);
  };
  if (values.cells !== undefined) {
    return values.cells.split(',').map((cell) => {
      const [instance, seed] = cell.split(':');
      return { instance, n: size(instance), seed: positiveInteger(seed ?? '', `--cells ${cell}: the seed`) };
    });
  }
  const tiers = values.tier?.split(',').map((id) => QUALITY_TIERS.find((tier) => String(tier.id) === id) ?? usage(`--tier: no tier '${id}' (1 to 4)`));
  const named = values.instances?.split(',');
  const instances = (named ?? known)
    .map((instance) => ({ instance, n: size(instance) }))
    .filter(({ n }) => (tiers ? tiers.includes(tierOf(n)) : named !== undefined || values.long || !tierOf(n).long))
    .sort((a, b) => a.n - b.n);
  if (instances.length === 0) usage('no instance selected');
  const seeds = positiveInteger(values.seeds, '--seeds');
  return instances.flatMap(({ instance, n }) => Array.from({ length: seeds }, (_, i) => ({ instance, n, seed: i + 1 })));
}

function variantParams(method: string | undefined, scheme: string | undefined): VariantParams {
  return { ...(method !== undefined && { method }), ...(scheme !== undefined && { scheme }) };
}

async function measure(): Promise<QualityCell[]> {
  const planned = plannedCells();
  const threads = positiveInteger(values.threads, '--threads');
  const budgetOverride = values.budget === undefined ? undefined : parseDuration(values.budget, '--budget');
  const variants: Array<{ variant: QualityCell['variant']; params: VariantParams }> = [
    { variant: 'candidate', params: variantParams(values.method, values.scheme) },
  ];
  if (values['baseline-method'] !== undefined || values['baseline-scheme'] !== undefined)
    variants.push({ variant: 'baseline', params: variantParams(values['baseline-method'], values['baseline-scheme']) });

  // One Kiln for all cells keeps each problem's candidate lists from its first run: --fresh makes every run pay its own.
  const startReady = async () => {
    const started = await startKiln({ threads, uiDir: null });
    while (started.orchestrator.workers.totalConcurrency < threads) await new Promise((resolve) => setTimeout(resolve, 20));
    return started;
  };
  let kiln = await startReady();
  const cells: QualityCell[] = [];
  try {
    console.log(
      `bench:quality  ${threads} compute threads, ${planned.length} cells${values.fresh ? ', a fresh Kiln per run' : ''}, ${variants
        .map((v) => `${v.variant}: ${describeParams(v.params)}`)
        .join('; ')}`,
    );
    let loaded: { name: string; problem: ReturnType<typeof loadBenchTsplib>; startGap: number } | undefined;
    for (const { instance, n, seed } of planned) {
      if (loaded?.name !== instance) {
        const problem = loadBenchTsplib(instance);
        const cities = createInstance(problem);
        const greedy = tourLength(cities, constructTour(cities, buildNeighbourLists(cities, 10)));
        loaded = { name: instance, problem, startGap: (100 * (greedy - problem.optimum!)) / problem.optimum! };
      }
      const budgetMs = budgetOverride ?? tierOf(n).budgetMs;
      for (const { variant, params } of variants) {
        if (values.fresh && cells.length > 0) {
          await kiln.close();
          kiln = await startReady();
        }
        const request: SolveRequest = { problem: problemToWire(loaded.problem), budgetMs, params: { seed, ...params } as SolveRequest['params'] };
        const started = performance.now();
        const result = await kiln.orchestrator.startRun(request).finished();
        if (result.bestLength === null) throw new Error(`${instance} seed ${seed} (${variant}) ended without a tour: ${result.error ?? result.phase}`);
        const cell: QualityCell = {
          instance,
          n,
          tier: tierOf(n).id,
          seed,
          budgetMs,
          variant,
          params,
          length: result.bestLength,
          optimum: loaded.problem.optimum!,
          gapPercent: (100 * (result.bestLength - loaded.problem.optimum!)) / loaded.problem.optimum!,
          startGapPercent: loaded.startGap,
          movesTried: result.movesTried,
          slicesDone: result.slicesDone,
          wallMs: performance.now() - started,
        };
        cells.push(cell);
        saveCells(cells);
        console.log(
          `  ${instance} (n = ${n}) seed ${seed} ${variant}: gap ${cell.gapPercent.toFixed(3)} % in ${(cell.wallMs / 1000).toFixed(1)} s, ${result.slicesDone} slices`,
        );
      }
    }
  } finally {
    await kiln.close();
  }
  return cells;
}

/** --json: saved after every cell, so a run cut short still leaves what it measured. */
function saveCells(cells: QualityCell[]): void {
  if (values.json !== undefined) writeFileSync(values.json, JSON.stringify({ bench: 'quality', cells }, null, 1));
}

function readCells(files: string[]): QualityCell[] {
  return files.flatMap((file) => {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { bench?: string; cells?: QualityCell[] };
    if (parsed.bench !== 'quality' || !Array.isArray(parsed.cells)) usage(`${file} is not a bench:quality --json file`);
    return parsed.cells;
  });
}

const cells = values.merge !== undefined ? readCells(values.merge.split(',')) : await measure();
saveCells(cells);
if (cells.length > 0) for (const line of summarizeQuality(cells)) console.log(line);
