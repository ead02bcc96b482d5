/**
 * `npm run bench:scale [-- --max N --instance NAME --budget 10s]`: aggregate moves/s and final gap with
 * 1..N `kiln worker` processes (one compute thread each) behind the shared kiln.anneal registration,
 * against one worker measured in the same run. Goal: moves/s >= 0.85 x N x one worker, and the gap falls
 * as N grows. Run it with N up to the machine's cores (2 here; 16 on a many-core machine).
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { Cluster, solveRequest } from '../test/helpers/cluster.ts';
import { loadBenchTsplib } from './tsplib.ts';
import { parseDuration } from '../electron/commands/options.ts';

const { values } = parseArgs({
  options: {
    max: { type: 'string', default: String(cpus().length) },
    instance: { type: 'string', default: 'pr2392' },
    budget: { type: 'string', default: '10s' },
    repeats: { type: 'string', default: '1' },
  },
});
const maxWorkers = Number(values.max);
const budgetMs = parseDuration(values.budget, '--budget');
const problem = loadBenchTsplib(values.instance);

interface Row {
  workers: number;
  movesPerSecond: number;
  gapPercent: number;
  slices: number;
}

async function measure(workers: number, seed: number): Promise<Row> {
  const cluster = await Cluster.start();
  try {
    for (let i = 0; i < workers; i++) await cluster.addWorker(`w${i + 1}`, 1);
    const session = await cluster.controller();
    const request = solveRequest(problem, budgetMs);
    request.params = { seed };
    const { result } = await cluster.solve(session, request);
    return { workers, movesPerSecond: (result.movesTried * 1000) / result.elapsedMs, gapPercent: result.gapPercent ?? NaN, slices: result.slicesDone };
  } finally {
    await cluster.stop();
  }
}

console.log(`bench:scale  ${problem.name} (n = ${problem.n}), budget ${budgetMs} ms, 1..${maxWorkers} worker processes x 1 thread, ${cpus().length} cores`);
const rows: Row[] = [];
for (let workers = 1; workers <= maxWorkers; workers++) {
  const runs: Row[] = [];
  for (let r = 0; r < Number(values.repeats); r++) runs.push(await measure(workers, 1 + r));
  const mean = (pick: (row: Row) => number) => runs.reduce((sum, row) => sum + pick(row), 0) / runs.length;
  rows.push({ workers, movesPerSecond: mean((r) => r.movesPerSecond), gapPercent: mean((r) => r.gapPercent), slices: mean((r) => r.slices) });
}
const one = rows[0].movesPerSecond;
console.log('workers | moves/s     | vs N x one worker | gap %  | slices');
for (const row of rows) {
  const efficiency = row.movesPerSecond / (row.workers * one);
  console.log(
    `${String(row.workers).padStart(7)} | ${Math.round(row.movesPerSecond).toLocaleString('en').padStart(11)} | ${efficiency.toFixed(2).padStart(17)} | ${row.gapPercent.toFixed(3).padStart(6)} | ${Math.round(row.slices)}`,
  );
}
