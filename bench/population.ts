/**
 * `npm run bench:population [-- --instance pr2392 --slots 1,2,4,8,14 --rounds 20 --moves 2000 --seeds 3 --method lk]`:
 * a simulation of many callees on one core, to compare the distributed schemes where the machine has
 * fewer cores than callees. Each round deals one slice per slot (annealSlice with a moves budget, so every
 * simulated callee does the same work whatever the machine's load), then takes the answers back in slot
 * order, as the orchestrator does: 'whole' starts every slice from the best and keeps the shortest answer;
 * 'population' runs the orchestrator's own Population (electron/orchestrator/population.ts) with partition
 * crossover. What it leaves out: callees of unequal speed and the network; bench:scale measures those.
 * Prints each scheme's mean gap per slot count, against 'whole' with one slot in the same run.
 */
import { parseArgs } from 'node:util';
import { Population, type Elite } from '../electron/orchestrator/population.ts';
import { temperatureBand } from '../electron/orchestrator/slice-plan.ts';
import { constructTour } from '../shared/tsp/construct.ts';
import { partitionCrossover, tourDistance } from '../shared/tsp/gpx.ts';
import { createInstance, tourLength } from '../shared/tsp/instance.ts';
import { annealSlice, DEFAULT_METHOD, type Method } from '../shared/tsp/kernel.ts';
import { buildNeighbourLists } from '../shared/tsp/neighbours.ts';
import { loadBenchTsplib } from './tsplib.ts';

const { values } = parseArgs({
  options: {
    instance: { type: 'string', default: 'pr2392' },
    slots: { type: 'string', default: '1,2,4,8,14' },
    rounds: { type: 'string', default: '20' },
    moves: { type: 'string', default: '2000' },
    seeds: { type: 'string', default: '3' },
    method: { type: 'string', default: DEFAULT_METHOD },
  },
});
const problem = loadBenchTsplib(values.instance);
const optimum = problem.optimum;
if (optimum === undefined) throw new Error(`${problem.name} has no known optimum`);
const instance = createInstance(problem);
const neighbours = buildNeighbourLists(instance, 10);
const greedy = constructTour(instance, neighbours);
const rounds = Number(values.rounds);
const moves = Number(values.moves);
const slotCounts = values.slots.split(',').map(Number);
const seeds = Number(values.seeds);
const method = values.method as Method;

interface Outcome {
  gap: number;
  diversity: number;
}

function slice(start: Int32Array | null, round: number, seed: number, meanEdge: number): { tour: Int32Array; length: number; startLength: number } {
  const temperature = start ? temperatureBand(meanEdge, round / rounds, 1 / rounds, method) : { start: 0, end: 0 };
  const out = annealSlice(instance, neighbours, { tour: start ?? greedy, temperature, budget: { moves }, seed, method });
  return { tour: out.tour, length: out.length, startLength: out.stats.startLength };
}

function simulate(scheme: 'whole' | 'population', slots: number, runSeed: number): Outcome {
  let best: Elite | null = null;
  let seed = runSeed * 100_000;
  const meanEdge = (): number => (best ? best.length / problem.n : 0);
  const offer = (tour: Int32Array, length: number): void => {
    if (!best || length < best.length) best = { tour, length };
  };
  const population = new Population((a, la, b, lb) => partitionCrossover(instance, a, b, la, lb), { get: () => best, offer });
  for (let round = 0; round < rounds; round++) {
    if (scheme === 'whole') {
      const start = round === 0 ? null : best!.tour;
      const answers = Array.from({ length: slots }, () => slice(start, round, seed++, meanEdge()));
      for (const answer of answers) offer(answer.tour, answer.length);
    } else {
      const dealt = Array.from({ length: slots }, () => population.next());
      const answers = dealt.map((lineage) => slice(lineage.tour, round, seed++, meanEdge()));
      // As callee.ts: a slice that found nothing shorter than its start sends no tour.
      dealt.forEach((lineage, i) => {
        const answer = answers[i];
        const improved = lineage.tour === null || answer.length < answer.startLength;
        population.returned(lineage, improved ? answer.tour : null, answer.length);
      });
    }
  }
  const final = best as Elite | null;
  if (!final || tourLength(instance, final.tour) !== final.length) throw new Error('the best tour does not have its recorded length');
  return { gap: (100 * (final.length - optimum!)) / optimum!, diversity: scheme === 'population' ? population.diversity(tourDistance) : 0 };
}

console.log(
  `bench:population  ${problem.name} (n = ${problem.n}), method ${method}, ${rounds} rounds x ${moves} moves per slice, mean of ${seeds} seeds; ` +
    `gap % (diversity: mean edges a lineage differs from the best)`,
);
console.log('slots | whole gap % | population gap % | population diversity');
for (const slots of slotCounts) {
  const mean = (scheme: 'whole' | 'population'): Outcome => {
    const outcomes = Array.from({ length: seeds }, (_, s) => simulate(scheme, slots, s + 1));
    return { gap: outcomes.reduce((sum, o) => sum + o.gap, 0) / seeds, diversity: outcomes.reduce((sum, o) => sum + o.diversity, 0) / seeds };
  };
  const whole = mean('whole');
  const population = mean('population');
  console.log(
    `${String(slots).padStart(5)} | ${whole.gap.toFixed(3).padStart(11)} | ${population.gap.toFixed(3).padStart(16)} | ${population.diversity.toFixed(1).padStart(20)}`,
  );
}
