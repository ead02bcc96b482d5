/**
 * Candidate-set benchmark: how many of an optimal tour's edges each kind of candidate list holds, and what the
 * lists cost to build, in one run (so the time ratios hold on a busy machine; absolute times do not).
 *
 *   npm run bench:candidates [-- --instances a280,pr2392] [--timing usa13509,pla85900] [--k 5]
 *
 * Coverage: an optimal tour edge (a, b) counts as covered when b is in a's list or a in b's (the local search
 * can add it from either end). Instances with a .opt.tour beside them are measured for coverage; every
 * instance gets build times, the Held-Karp bound of the ascent and its gap below the proven optimum.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pack, unpack } from 'msgpackr';
import { candidatesToWire, problemToWire } from '../shared/protocol/codecs.ts';
import { problemFromWire, problemWithCandidatesFromWire } from '../shared/protocol/validate.ts';
import { buildAlphaCandidates } from '../shared/tsp/alpha.ts';
import { createInstance } from '../shared/tsp/instance.ts';
import { buildNeighbourLists, buildQuadrantNeighbourLists } from '../shared/tsp/neighbours.ts';
import { parseTour } from '../shared/tsp/tour.ts';
import type { NeighbourLists, Tour } from '../shared/tsp/types.ts';
import { benchTsplibPath, loadBenchTsplib } from './tsplib.ts';

const WITH_TOURS = ['eil51', 'berlin52', 'st70', 'kroA100', 'ch150', 'a280', 'pcb442', 'pr2392'];
const TIMING = ['pr1002', 'pcb3038', 'fnl4461', 'usa13509', 'pla85900'];

const { values } = parseArgs({
  options: {
    instances: { type: 'string' },
    timing: { type: 'string' },
    k: { type: 'string', default: '5' },
  },
});
const withTours = values.instances ? values.instances.split(',') : WITH_TOURS;
const timingOnly = values.timing !== undefined ? values.timing.split(',').filter(Boolean) : TIMING;
const k = Number(values.k);

/** Fraction of the tour's edges that some endpoint's list holds. */
export function coverage({ k: width, neighbours }: NeighbourLists, tour: Tour): number {
  const n = tour.length;
  const holds = (a: number, b: number) => {
    for (let r = 0; r < width; r++) if (neighbours[a * width + r] === b) return true;
    return false;
  };
  let covered = 0;
  for (let p = 0; p < n; p++) {
    const a = tour[p];
    const b = tour[(p + 1) % n];
    if (holds(a, b) || holds(b, a)) covered++;
  }
  return covered / n;
}

/** CPU time of this (single-threaded) process: what other work on the machine does not stretch. */
function timed<T>(build: () => T): { value: T; ms: number } {
  const before = process.cpuUsage();
  const value = build();
  const used = process.cpuUsage(before);
  return { value, ms: (used.user + used.system) / 1000 };
}

const percent = (x: number) => `${(100 * x).toFixed(2)} %`;
console.log(`k = ${k}; coverage = share of the optimal tour's edges in either endpoint's list; CPU times in ms (ratio to ${k}-nearest)`);
console.log(
  `\n| instance | n | ${k} nearest | ${k} quadrant | ${k} alpha | alpha (dense) | nearest ms | alpha ms (x) | dense ms | ascent iterations | bound gap |`,
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
const wire = [
  '\n| instance | n | problem on the wire | + candidates | candidates alone | decode + validate: problem with candidates ms | candidates alone ms | compute ms |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
];
for (const name of [...withTours, ...timingOnly]) {
  const data = loadBenchTsplib(name);
  const instance = createInstance(data);
  const tourPath = benchTsplibPath('').concat(`${name}.opt.tour`);
  const optTour = existsSync(tourPath) ? parseTour(readFileSync(tourPath, 'utf8'), data.n, `${name}.opt.tour`).tour : null;
  const nearest = timed(() => buildNeighbourLists(instance, k));
  const quadrant = buildQuadrantNeighbourLists(instance, k, 1);
  const alpha = timed(() => buildAlphaCandidates(instance, { k }));
  // Dense ascents cost O(n^2) per 1-tree: only where that stays in seconds.
  const dense = data.n <= 3000 ? timed(() => buildAlphaCandidates(instance, { k, graph: 'dense' })) : null;
  // Shipping instead of computing: kiln.problem.get's MessagePack bytes and the callee's decode + validation.
  data.candidates = alpha.value.lists;
  const plainBytes = pack(problemToWire(data)).byteLength;
  const shipped = pack(problemToWire(data, true));
  const decode = timed(() => problemFromWire(unpack(shipped)));
  // A callee that holds the problem and is told of new lists fetches them alone (kiln.problem.get part 'candidates').
  data.candidatesRevision = 1;
  const alone = pack(candidatesToWire(data));
  const held = problemFromWire(problemToWire(data));
  const decodeAlone = timed(() => problemWithCandidatesFromWire(unpack(alone), held, 1));
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
  wire.push(
    `| ${name} | ${data.n} | ${kib(plainBytes)} | ${kib(shipped.byteLength - plainBytes)} | ${kib(alone.byteLength)} | ${decode.ms.toFixed(1)} | ` +
      `${decodeAlone.ms.toFixed(1)} | ${alpha.ms.toFixed(0)} |`,
  );
  const cover = (lists: NeighbourLists) => (optTour ? percent(coverage(lists, optTour)) : '-');
  const boundGap = data.optimum ? percent(1 - Math.ceil(alpha.value.lowerBound) / data.optimum) : '-';
  console.log(
    `| ${name} | ${data.n} | ${cover(nearest.value)} | ${cover(quadrant)} | ${cover(alpha.value.lists)} | ${dense ? cover(dense.value.lists) : '-'} | ` +
      `${nearest.ms.toFixed(0)} | ${alpha.ms.toFixed(0)} (${(alpha.ms / nearest.ms).toFixed(0)}) | ${dense ? dense.ms.toFixed(0) : '-'} | ` +
      `${alpha.value.iterations} | ${boundGap} |`,
  );
}

console.log(wire.join('\n'));
