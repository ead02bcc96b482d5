/**
 * npm run bench:runs — what recording a run costs: RunStore.save (atomic write-rename with fsync of
 * file and directory) against plain writeFileSync of the same bytes (no fsync, not crash-safe), both
 * measured here in one run, for a 33,810-city run (the largest tour the UI benchmark uses) and a
 * 1,000-city one. The ratio is the price of crash safety; the absolute time says whether it matters
 * (a run is recorded once, when it ends).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord } from '../shared/protocol/wire.ts';
import { problemToWire, toBytes } from '../shared/protocol/codecs.ts';
import { randomUniformProblem } from '../shared/tsp/instance.ts';
import { problemHash } from '../shared/tsp/problem.ts';
import { RunStore } from '../electron/runs/run-store.ts';

const ROUNDS = 30;

function record(n: number, i: number): RunRecord {
  const problem = randomUniformProblem(n, 1);
  const tour = Int32Array.from({ length: n }, (_, k) => k);
  return {
    runId: `bench${i}`,
    problemHash: problemHash(problem),
    problemName: problem.name,
    n,
    budgetMs: 30_000,
    method: 'default',
    phase: 'finished',
    startedAt: i,
    endedAt: i + 30_000,
    bestLength: 1,
    machines: [{ workerId: 'local', slices: 100 }],
    slicesDone: 100,
    continued: false,
    convergence: Array.from({ length: 300 }, (_, k) => [k * 100, 1e6 - k] as [number, number]),
    tour: toBytes(tour),
    problem: problemToWire(problem),
  };
}

function median(values: number[]): number {
  return values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

for (const n of [1000, 33_810]) {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-bench-runs-'));
  const store = new RunStore(dir);
  store.setMaxRuns(10_000);
  const atomic: number[] = [];
  const plain: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const r = record(n, i);
    let start = performance.now();
    store.save(r);
    atomic.push(performance.now() - start);
    start = performance.now();
    writeFileSync(join(dir, `plain${i}.tour`), r.tour as Uint8Array);
    writeFileSync(join(dir, `plain${i}.json`), JSON.stringify({ ...r, tour: undefined, problem: undefined }));
    plain.push(performance.now() - start);
  }
  rmSync(dir, { recursive: true, force: true });
  const a = median(atomic);
  const p = median(plain);
  console.log(`${n} cities: RunStore.save median ${a.toFixed(2)} ms, plain writes ${p.toFixed(2)} ms, ratio ${(a / p).toFixed(1)}x (${ROUNDS} runs each)`);
}
