/**
 * Solver benchmark, one thread: the gap to the proven optimum (../shared/tsplib/optima.json) after 1, 5 and
 * 30 s of wall time, for each kernel method in the same run and over several seeds, so that their ratio picks
 * the default method. Every run starts from the same greedy tour with planSchedule's temperatures for its method
 * and is an independent slice of the whole time (annealing cools over exactly that time), ending with a polish
 * slice. For each (instance, time, seed) the methods run one after another, so that a load that comes and goes
 * on the machine falls on all of them alike.
 *
 *   npm run bench:solver [-- --quick] [--instances eil51,pcb442] [--times 1,5] [--methods lsmc,lk] [--seeds 1,2,3]
 *                        [--temperature 0.3,0.03]   (start,end in units of edgeScale, instead of planSchedule's)
 *                        [--candidates nearest|alpha]   (10 nearest neighbours, or alpha.ts's 5 alpha-nearest)
 *                        [--move-types 3,5]   ('lk' once per k of its basic step, as lk3, lk5; default lk.ts's)
 *                        [--baseline-ref main]   (every variant also with shared/tsp as committed at that git ref,
 *                                                 as <label>@<ref>, beside it: old against new in one run, the old
 *                                                 first on every other seed; prints new/old moves/s and gap new - old)
 *
 * --quick: eil51 to pr1002 at 1 s and 5 s. Moves/s counts annealing proposals for 'anneal' and kicks (each with
 * its local search) for 'lsmc' and 'lk'. Wall times include the polish, not the setup.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildAlphaNeighbourLists } from '../shared/tsp/alpha.ts';
import { constructTour } from '../shared/tsp/construct.ts';
import { createInstance } from '../shared/tsp/instance.ts';
import { annealSlice, isMethod, METHODS, type Method } from '../shared/tsp/kernel.ts';
import { checkMoveType, type MoveType } from '../shared/tsp/lk.ts';
import { buildNeighbourLists } from '../shared/tsp/neighbours.ts';
import { edgeScale, planSchedule } from '../shared/tsp/schedule.ts';
import { loadBenchTsplib } from './tsplib.ts';

const ALL = ['eil51', 'berlin52', 'kroA100', 'ch150', 'a280', 'pcb442', 'rat783', 'pr1002', 'pcb1173', 'pr2392', 'pcb3038', 'fnl4461', 'usa13509', 'pla85900'];
const QUICK = ['eil51', 'berlin52', 'kroA100', 'ch150', 'a280', 'pcb442', 'rat783', 'pr1002'];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    instances: { type: 'string' },
    times: { type: 'string' },
    methods: { type: 'string', default: METHODS.join(',') },
    seeds: { type: 'string', default: '1,2,3' },
    temperature: { type: 'string' },
    candidates: { type: 'string', default: 'nearest' },
    'move-types': { type: 'string' },
    'baseline-ref': { type: 'string' },
  },
});
if (values.candidates !== 'nearest' && values.candidates !== 'alpha') throw new Error('--candidates: expected nearest or alpha');
const instances = values.instances ? values.instances.split(',') : values.quick ? QUICK : ALL;
const times = (values.times ?? (values.quick ? '1,5' : '1,5,30')).split(',').map(Number);
const methods = values.methods.split(',').map((m) => {
  if (!isMethod(m)) throw new Error(`--methods: unknown method ${m} (known: ${METHODS.join(', ')})`);
  return m;
});
/** What runs side by side: each method, and 'lk' once per move type asked for. */
interface Variant {
  label: string;
  method: Method;
  moveType?: MoveType;
  slice: typeof annealSlice;
}
const moveTypes = values['move-types']?.split(',').map((k) => checkMoveType(Number(k)));
const ownVariants = methods.flatMap((method): Omit<Variant, 'slice'>[] =>
  method === 'lk' && moveTypes ? moveTypes.map((moveType) => ({ label: `lk${moveType}`, method, moveType })) : [{ label: method, method }],
);
const baselineRef = values['baseline-ref'];
const baselineSlice = baselineRef === undefined ? undefined : await kernelAt(baselineRef);
/** Each variant with its baseline (old first): which of the two runs first alternates by seed (orderFor). */
const pairs: Variant[][] = ownVariants.map((v) => [
  ...(baselineSlice && baselineRef ? [{ ...v, label: `${v.label}@${baselineRef}`, slice: baselineSlice }] : []),
  { ...v, slice: annealSlice },
]);
const variants: Variant[] = pairs.flat();
/** The run order for the seed at `seedIndex`: old then new on even ones, new then old on odd ones. */
const orderFor = (seedIndex: number): Variant[] => (seedIndex % 2 === 0 ? variants : pairs.flatMap((pair) => [...pair].reverse()));
const seeds = values.seeds.split(',').map(Number);
const temperatureOverride = values.temperature?.split(',').map(Number);

interface Row {
  name: string;
  n: number;
  variant: string;
  seconds: number;
  seed: number;
  gap: number;
  movesPerSecond: number;
}

const rows: Row[] = [];
console.log(`seeds ${seeds.join(',')}; ${values.candidates} candidates; gap % above optimum (moves/s, wall s)`);
for (const name of instances) {
  const data = loadBenchTsplib(name);
  const instance = createInstance(data);
  const nearest = buildNeighbourLists(instance, 10);
  const start = constructTour(instance, nearest, 'greedy');
  const t0 = performance.now();
  const neighbours = values.candidates === 'alpha' ? buildAlphaNeighbourLists(instance) : nearest;
  if (values.candidates === 'alpha') console.log(`${name}: alpha candidates in ${((performance.now() - t0) / 1000).toFixed(2)} s (not in the times below)`);
  const optimum = data.optimum!;
  const scale = edgeScale(instance, nearest);
  for (const seconds of times) {
    for (const [seedIndex, seed] of seeds.entries()) {
      const cells: string[] = [];
      for (const { label, method, moveType, slice } of orderFor(seedIndex)) {
        const temperature = temperatureOverride
          ? { start: temperatureOverride[0] * scale, end: temperatureOverride[1] * scale }
          : planSchedule(instance, nearest, method);
        const t0 = performance.now();
        const run = slice(instance, neighbours, { tour: start, temperature, budget: { ms: seconds * 1000 }, seed, method, moveType });
        const polished = slice(instance, neighbours, {
          tour: run.tour,
          temperature: { start: 0, end: 0 },
          budget: { moves: 0 },
          seed,
          method,
          moveType,
          polish: true,
        });
        const wallMs = performance.now() - t0;
        const gap = (polished.length / optimum - 1) * 100;
        const movesPerSecond = run.stats.movesTried / (run.stats.elapsedMs / 1000);
        rows.push({ name, n: instance.n, variant: label, seconds, seed, gap, movesPerSecond });
        cells.push(`${label} ${gap.toFixed(3)}% (${formatRate(movesPerSecond)}/s, ${(wallMs / 1000).toFixed(1)}s)`);
      }
      console.log(`${name.padEnd(9)} ${String(seconds).padStart(3)} s seed ${seed}: ${cells.join('  ')}`);
    }
  }
}

const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
console.log(`\nMean over seeds ${seeds.join(', ')}:\n`);
console.log(`| instance | n | method | ${times.map((s) => `gap ${s} s`).join(' | ')} | moves/s |`);
console.log(`|---|---:|---|${times.map(() => '---:|').join('')}---:|`);
for (const name of instances) {
  for (const { label } of variants) {
    const mine = rows.filter((r) => r.name === name && r.variant === label);
    if (mine.length === 0) continue;
    const gaps = times.map((s) => `${mean(mine.filter((r) => r.seconds === s).map((r) => r.gap)).toFixed(3)}%`);
    console.log(`| ${name} | ${mine[0].n} | ${label} | ${gaps.join(' | ')} | ${formatRate(mean(mine.map((r) => r.movesPerSecond)))} |`);
  }
}
if (variants.length > 1) {
  console.log('\nMean gap by method and time (over instances and seeds):');
  for (const seconds of times) {
    const parts = variants.map(
      ({ label }) => `${label} ${mean(rows.filter((r) => r.variant === label && r.seconds === seconds).map((r) => r.gap)).toFixed(3)}%`,
    );
    console.log(`  ${seconds} s: ${parts.join(', ')}`);
  }
}

if (baselineRef) {
  console.log(`\nNew against ${baselineRef}, mean over seeds: moves/s new / old, and gap new - old (points; negative: new better):`);
  for (const name of instances) {
    for (const seconds of times) {
      const parts = ownVariants.map(({ label }) => {
        const of = (variant: string): Row[] => rows.filter((r) => r.name === name && r.seconds === seconds && r.variant === variant);
        const [now, old] = [of(label), of(`${label}@${baselineRef}`)];
        const ratio = mean(now.map((r) => r.movesPerSecond)) / mean(old.map((r) => r.movesPerSecond));
        const gapDifference = mean(now.map((r) => r.gap)) - mean(old.map((r) => r.gap));
        return `${label} ${ratio.toFixed(2)}x, gap ${gapDifference >= 0 ? '+' : ''}${gapDifference.toFixed(3)}`;
      });
      console.log(`  ${name} ${seconds} s: ${parts.join('; ')}`);
    }
  }
}

function formatRate(r: number): string {
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)}M` : r >= 1e3 ? `${(r / 1e3).toFixed(1)}k` : r.toFixed(0);
}

/**
 * The kernel's annealSlice as committed at a git ref: shared/tsp (which imports nothing outside itself) extracted to
 * a temporary folder and imported from there, so that old and new run in one process on the same load. Needs the
 * repository's git and the TypeScript loader that npm run bench:solver runs under.
 */
async function kernelAt(ref: string): Promise<typeof annealSlice> {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-baseline-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  try {
    const archive = execFileSync('git', ['archive', '--format=tar', ref, 'shared/tsp'], { maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
  } catch (error) {
    throw new Error(`--baseline-ref ${ref}: cannot extract shared/tsp at that ref (${(error as Error).message.split('\n')[0]})`);
  }
  const kernel = (await import(pathToFileURL(join(dir, 'shared', 'tsp', 'kernel.ts')).href)) as { annealSlice: typeof annealSlice };
  return kernel.annealSlice;
}
