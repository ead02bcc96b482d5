/**
 * Stop latency of a slice: how long after a stop request the kernel returns, for each method and tour structure, on
 * one instance (pla85900 by default). Each slice gets an hour of budget and a stop request at a random moment
 * 50-400 ms after it starts (its shouldStop reads the clock, as a shared stop flag set at that moment would read);
 * the latency is from that moment to the slice's return, its stop path (a kick undone, the best tour restored and
 * copied out) included. Starts: the greedy tour told it is descended (kicks, as slices run most of the time), the
 * greedy tour not so told (a run's first slices: the first descent), and a random tour (the first descent, or
 * annealing, with the longest reversals).
 *
 *   npm run bench:stop [-- --instance pla85900] [--stops 30] [--methods lk,lsmc,anneal]
 */
import { parseArgs } from 'node:util';
import { ArrayTour } from '../shared/tsp/arraytour.ts';
import { constructTour } from '../shared/tsp/construct.ts';
import { createInstance } from '../shared/tsp/instance.ts';
import { annealSlice, isMethod, METHODS, type Method } from '../shared/tsp/kernel.ts';
import { buildNeighbourLists } from '../shared/tsp/neighbours.ts';
import { Rng } from '../shared/tsp/random.ts';
import type { TourStructure } from '../shared/tsp/tour-structure.ts';
import { TwoLevelTour } from '../shared/tsp/twolevel.ts';
import type { Tour } from '../shared/tsp/types.ts';
import { cpuMs } from '../test/helpers/cpu-time.ts';
import { loadBenchTsplib } from './tsplib.ts';

const { values } = parseArgs({
  options: {
    instance: { type: 'string', default: 'pla85900' },
    stops: { type: 'string', default: '30' },
    methods: { type: 'string', default: METHODS.join(',') },
  },
});
const stops = Number(values.stops);
if (!(Number.isInteger(stops) && stops > 0)) throw new Error(`--stops: expected a positive integer, got ${values.stops}`);
const methods = values.methods.split(',').map((m) => {
  if (!isMethod(m)) throw new Error(`--methods: unknown method ${m} (known: ${METHODS.join(', ')})`);
  return m;
});

const instance = createInstance(loadBenchTsplib(values.instance));
const neighbours = buildNeighbourLists(instance, 10);
const greedy = constructTour(instance, neighbours, 'greedy');
const rng = new Rng(1);
const random = Int32Array.from({ length: instance.n }, (_, i) => i);
for (let i = random.length - 1; i > 0; i--) {
  const j = rng.nextInt(i + 1);
  [random[i], random[j]] = [random[j], random[i]];
}
const structures: [string, ((t: Tour) => TourStructure) | undefined][] = [
  ['default', undefined],
  ['array', (t) => new ArrayTour(t)],
  ['two-level', (t) => new TwoLevelTour(t)],
];

/**
 * Milliseconds from the stop request to the slice's return (wall), and the CPU time from the last poll before the
 * request to the return: a bound on the kernel's own share that the machine's load does not stretch.
 */
function stopLatency(method: Method, start: Tour, descended: boolean, makeTour: ((t: Tour) => TourStructure) | undefined): [number, number] {
  const stopAt = performance.now() + 50 + rng.nextFloat() * 350;
  let cpuAtLastPoll = cpuMs();
  annealSlice(
    instance,
    neighbours,
    { tour: start, temperature: { start: 0, end: 0 }, budget: { ms: 3_600_000 }, seed: rng.nextInt(1000), method, descended },
    {
      makeTour,
      shouldStop: () => {
        if (performance.now() >= stopAt) return true;
        cpuAtLastPoll = cpuMs();
        return false;
      },
    },
  );
  return [performance.now() - stopAt, cpuMs() - cpuAtLastPoll];
}

/** The nearest-rank quantile. */
function quantile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

console.log(`${values.instance} (${instance.n} cities): ${stops} stops per row at random moments 50-400 ms into a slice; ms from request to return`);
console.log('\n| method | start | structure | p50 ms | p99 ms | max ms | CPU p50 ms | CPU p99 ms | CPU max ms |');
console.log('|---|---|---|---:|---:|---:|---:|---:|---:|');
for (const method of methods) {
  const starts: [string, Tour, boolean][] = [
    ['greedy, descended (kicks)', greedy, method !== 'anneal'],
    ['greedy (first descent)', greedy, false],
    ['random', random, false],
  ].filter(([name]) => method !== 'anneal' || name !== 'greedy (first descent)') as [string, Tour, boolean][];
  for (const [startName, start, descended] of starts) {
    const wall = structures.map(() => [] as number[]);
    const cpu = structures.map(() => [] as number[]);
    // Interleaved, so that the machine's load falls on every structure alike.
    for (let i = 0; i < stops; i++) {
      structures.forEach(([, make], s) => {
        const [w, c] = stopLatency(method, start, descended, make);
        wall[s].push(w);
        cpu[s].push(c);
      });
    }
    structures.forEach(([name], s) => {
      const cells = [wall[s], cpu[s]].flatMap((xs) => {
        const sorted = xs.sort((a, b) => a - b);
        return [quantile(sorted, 0.5), quantile(sorted, 0.99), sorted[sorted.length - 1]].map((x) => x.toFixed(1));
      });
      console.log(`| ${method} | ${startName} | ${name} | ${cells.join(' | ')} |`);
    });
  }
}
