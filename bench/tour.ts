/**
 * Tour structures: the kernel's throughput with the array (arraytour.ts) against the two-level doubly-linked list
 * (twolevel.ts, at one or more group sizes), interleaved in one process, so that the ratios hold on a loaded
 * machine. For each instance, from the same greedy tour and the same seeds:
 *   - descent: Lin-Kernighan from the greedy tour, improving moves per second over --descent-seconds (or to the end);
 *   - lk, lsmc: kicks per second of the large-step Markov chains over --seconds, from the array's descended tour;
 *   - anneal: proposals per second of simulated annealing over --seconds, from the greedy tour.
 * Rounds alternate which structure goes first.
 *
 *   npm run bench:tour [-- --instances pr2392,usa13509,pla85900] [--seconds 3] [--descent-seconds 20] [--rounds 2]
 *                         [--phases descent,lk,lsmc,anneal] [--groups 1] [--k 10] [--move-type 3|5]
 *
 * --groups: two-level group sizes as multiples of sqrt(n) (defaultGroupSize is 1).
 */
import { parseArgs } from 'node:util';
import { ArrayTour } from '../shared/tsp/arraytour.ts';
import { Budget } from '../shared/tsp/budget.ts';
import { constructTour } from '../shared/tsp/construct.ts';
import { createInstance } from '../shared/tsp/instance.ts';
import { annealSlice, type Method } from '../shared/tsp/kernel.ts';
import { checkMoveType, LinKernighan } from '../shared/tsp/lk.ts';
import { buildNeighbourLists } from '../shared/tsp/neighbours.ts';
import { planSchedule } from '../shared/tsp/schedule.ts';
import type { TourStructure } from '../shared/tsp/tour-structure.ts';
import { TwoLevelTour } from '../shared/tsp/twolevel.ts';
import type { Instance, NeighbourLists, Tour } from '../shared/tsp/types.ts';
import { loadBenchTsplib } from './tsplib.ts';

const PHASES = ['descent', 'lk', 'lsmc', 'anneal'] as const;
type Phase = (typeof PHASES)[number];

const { values } = parseArgs({
  options: {
    instances: { type: 'string', default: 'pr2392,usa13509,pla85900' },
    seconds: { type: 'string', default: '3' },
    'descent-seconds': { type: 'string', default: '20' },
    rounds: { type: 'string', default: '2' },
    phases: { type: 'string', default: PHASES.join(',') },
    groups: { type: 'string', default: '1' },
    k: { type: 'string', default: '10' },
    'move-type': { type: 'string' },
  },
});
const seconds = positive(values.seconds, '--seconds');
const descentSeconds = positive(values['descent-seconds'], '--descent-seconds');
const rounds = positive(values.rounds, '--rounds');
const k = positive(values.k, '--k');
/** LK's step (3 or 5; lk.ts's default by size when absent). */
const moveType = values['move-type'] === undefined ? undefined : checkMoveType(Number(values['move-type']));
const groups = values.groups.split(',').map((g) => positive(g, '--groups'));
const phases = values.phases.split(',').map((p) => {
  if (!(PHASES as readonly string[]).includes(p)) throw new Error(`--phases: unknown phase ${p} (known: ${PHASES.join(', ')})`);
  return p as Phase;
});

function positive(text: string, name: string): number {
  const value = Number(text);
  if (!(value > 0)) throw new Error(`${name}: expected a positive number, got ${text}`);
  return value;
}

interface Structure {
  label: string;
  make: (tour: Tour) => TourStructure;
}

function structuresFor(n: number): Structure[] {
  const out: Structure[] = [{ label: 'array', make: (tour) => new ArrayTour(tour) }];
  for (const factor of groups) {
    const g = Math.max(2, Math.round(factor * Math.sqrt(n)));
    out.push({ label: `two-level g=${g}`, make: (tour) => new TwoLevelTour(tour, g) });
  }
  return out;
}

/** LK from `start` for up to descentSeconds: improving moves per second, and the tour it reached. */
function descend(instance: Instance, neighbours: NeighbourLists, start: Tour, structure: Structure): { rate: number; tour: Int32Array; finished: boolean } {
  const tour = structure.make(start);
  const search = new LinKernighan(instance, neighbours, tour, { moveType });
  const budget = new Budget({ ms: descentSeconds * 1000 });
  search.pushAll();
  search.run(budget);
  budget.poll();
  return { rate: search.moves / (budget.elapsedMs / 1000), tour: tour.toTour(), finished: !budget.stopped };
}

/** Moves (kicks, or annealing proposals) per second of one slice of `seconds`. */
function chainRate(instance: Instance, neighbours: NeighbourLists, start: Tour, method: Method, seed: number, structure: Structure, time = seconds): number {
  const out = annealSlice(
    instance,
    neighbours,
    {
      tour: start,
      temperature: planSchedule(instance, neighbours, method),
      budget: { ms: time * 1000 },
      seed,
      method,
      descended: method !== 'anneal',
      moveType,
    },
    { makeTour: structure.make },
  );
  return out.stats.movesTried / (out.stats.elapsedMs / 1000);
}

const rows: string[] = [];
console.log(`${seconds} s per chain slice, descent up to ${descentSeconds} s, ${rounds} rounds, ${k} nearest candidates; rates per second`);
for (const name of values.instances.split(',')) {
  const data = loadBenchTsplib(name);
  const instance = createInstance(data);
  const neighbours = buildNeighbourLists(instance, k);
  const greedy = constructTour(instance, neighbours, 'greedy');
  const structures = structuresFor(instance.n);
  let descended: Tour = greedy;
  for (const phase of phases) {
    const rates = structures.map(() => [] as number[]);
    // Warm-up, not counted: each structure's code is compiled before the first measured round.
    for (const structure of structures) chainRate(instance, neighbours, greedy, phase === 'anneal' ? 'anneal' : 'lk', 0, structure, 0.3);
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? structures.map((_, i) => i) : structures.map((_, i) => structures.length - 1 - i);
      for (const i of order) {
        let rate: number;
        if (phase === 'descent') {
          const result = descend(instance, neighbours, greedy, structures[i]);
          rate = result.rate;
          if (i === 0) descended = result.tour;
          if (round === 0) console.log(`${name} descent, ${structures[i].label}: ${result.finished ? 'finished' : 'cut at the time limit'}`);
        } else rate = chainRate(instance, neighbours, phase === 'anneal' ? greedy : descended, phase, round + 1, structures[i]);
        rates[i].push(rate);
        console.log(`${name} ${phase} round ${round + 1} ${structures[i].label}: ${rate.toFixed(1)}/s`);
      }
    }
    const means = rates.map((r) => r.reduce((s, x) => s + x, 0) / r.length);
    for (let i = 1; i < structures.length; i++) {
      rows.push(
        `| ${name} | ${instance.n} | ${phase} | ${structures[i].label} | ${format(means[0])} | ${format(means[i])} | ${(means[i] / means[0]).toFixed(2)} |`,
      );
    }
  }
}
console.log('\n| instance | n | phase | two-level | array /s | two-level /s | two-level / array |');
console.log('|---|---:|---|---|---:|---:|---:|');
for (const row of rows) console.log(row);

function format(rate: number): string {
  return rate >= 1e6 ? `${(rate / 1e6).toFixed(2)}M` : rate >= 1e3 ? `${(rate / 1e3).toFixed(1)}k` : rate.toFixed(0);
}
