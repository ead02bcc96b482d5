/**
 * Solver benchmark, one thread: the gap to the proven optimum (../shared/tsplib/optima.json) after 1, 5 and
 * 30 s of wall time, for each kernel method in the same run, so that their ratio picks the default method.
 * Every run starts from the same greedy tour with planSchedule's temperatures for its method and is an
 * independent slice of the whole time (annealing cools over exactly that time), ending with a polish slice.
 *
 *   npm run bench:solver [-- --quick] [--instances eil51,pcb442] [--times 1,5] [--methods lsmc] [--seed 1]
 *                        [--temperature 0.3,0.03]   (start,end in units of edgeScale, instead of planSchedule's)
 *
 * --quick: eil51 to pr1002 at 1 s and 5 s (about two minutes). Moves/s counts annealing proposals for
 * 'anneal' and kicks (each with its local search) for 'lsmc'. Wall times include the polish, not the setup.
 */
import { parseArgs } from 'node:util';
import { constructTour } from '../shared/tsp/construct.ts';
import { createInstance } from '../shared/tsp/instance.ts';
import { annealSlice, type Method } from '../shared/tsp/kernel.ts';
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
    methods: { type: 'string', default: 'anneal,lsmc' },
    seed: { type: 'string', default: '1' },
    temperature: { type: 'string' },
  },
});
const instances = values.instances ? values.instances.split(',') : values.quick ? QUICK : ALL;
const times = (values.times ?? (values.quick ? '1,5' : '1,5,30')).split(',').map(Number);
const methods = values.methods.split(',') as Method[];
const seed = Number(values.seed);
const temperatureOverride = values.temperature?.split(',').map(Number);

interface Row {
  name: string;
  n: number;
  method: Method;
  seconds: number;
  gap: number;
  movesPerSecond: number;
  wallMs: number;
}

const rows: Row[] = [];
console.log(`seed ${seed}; gap % above optimum (moves/s)`);
for (const name of instances) {
  const data = loadBenchTsplib(name);
  const instance = createInstance(data);
  const neighbours = buildNeighbourLists(instance, 10);
  const start = constructTour(instance, neighbours, 'greedy');
  const optimum = data.optimum!;
  for (const method of methods) {
    const scale = edgeScale(instance, neighbours);
    const temperature = temperatureOverride
      ? { start: temperatureOverride[0] * scale, end: temperatureOverride[1] * scale }
      : planSchedule(instance, neighbours, method);
    const cells: string[] = [];
    for (const seconds of times) {
      const t0 = performance.now();
      const run = annealSlice(instance, neighbours, { tour: start, temperature, budget: { ms: seconds * 1000 }, seed, method });
      const polished = annealSlice(instance, neighbours, { tour: run.tour, temperature: { start: 0, end: 0 }, budget: { moves: 0 }, seed, polish: true });
      const wallMs = performance.now() - t0;
      const gap = (polished.length / optimum - 1) * 100;
      const movesPerSecond = run.stats.movesTried / (run.stats.elapsedMs / 1000);
      rows.push({ name, n: instance.n, method, seconds, gap, movesPerSecond, wallMs });
      cells.push(`${seconds}s ${gap.toFixed(2)}% (${formatRate(movesPerSecond)}/s, wall ${(wallMs / 1000).toFixed(2)}s)`);
    }
    console.log(`${name.padEnd(9)} ${method.padEnd(6)} ${cells.join('  ')}`);
  }
}

console.log(`\n| instance | n | method | ${times.map((s) => `gap ${s} s`).join(' | ')} | moves/s |`);
console.log(`|---|---:|---|${times.map(() => '---:|').join('')}---:|`);
for (const name of instances) {
  for (const method of methods) {
    const mine = rows.filter((r) => r.name === name && r.method === method);
    if (mine.length === 0) continue;
    const rate = mine.reduce((s, r) => s + r.movesPerSecond, 0) / mine.length;
    console.log(`| ${name} | ${mine[0].n} | ${method} | ${mine.map((r) => `${r.gap.toFixed(2)}%`).join(' | ')} | ${formatRate(rate)} |`);
  }
}
if (methods.length > 1) {
  console.log('\nMean gap by method and time:');
  for (const seconds of times) {
    const parts = methods.map((m) => {
      const sel = rows.filter((r) => r.method === m && r.seconds === seconds);
      return `${m} ${(sel.reduce((s, r) => s + r.gap, 0) / sel.length).toFixed(3)}%`;
    });
    console.log(`  ${seconds} s: ${parts.join(', ')}`);
  }
}

function formatRate(r: number): string {
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)}M` : r >= 1e3 ? `${(r / 1e3).toFixed(1)}k` : r.toFixed(0);
}
