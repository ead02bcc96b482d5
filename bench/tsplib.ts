/**
 * The TSPLIB instances benchmarks solve: ../shared/tsplib beside the repository (large instances, kept out
 * of the repo; the tests use the small fixtures in test/fixtures/tsplib instead). A benchmark run without
 * that folder, or asking for an instance it lacks, stops with one line saying what is missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTsplib } from '../shared/tsp/tsplib.ts';
import type { ProblemData } from '../shared/tsp/types.ts';

const BENCH_TSPLIB = fileURLToPath(new URL('../../shared/tsplib/', import.meta.url));

function missing(what: string): never {
  console.error(
    `benchmark: ${what} (benchmarks read TSPLIB95 instances and their optima.json from ${BENCH_TSPLIB}, beside the repository; a plain clone has no such folder)`,
  );
  process.exit(2);
}

/** The path of <file> in the benchmark instances, or an exit with a clear message when it is not there. */
export function benchTsplibPath(file: string): string {
  if (!existsSync(BENCH_TSPLIB)) missing(`no folder ${BENCH_TSPLIB}`);
  const path = BENCH_TSPLIB + file;
  if (!existsSync(path)) missing(`no ${file} in ${BENCH_TSPLIB}`);
  return path;
}

let optima: Record<string, number> | undefined;

/** Parses <name>.tsp with its proven optimum from optima.json attached. */
export function loadBenchTsplib(name: string): ProblemData {
  const problem = parseTsplib(readFileSync(benchTsplibPath(`${name}.tsp`), 'utf8'), `${name}.tsp`);
  optima ??= JSON.parse(readFileSync(benchTsplibPath('optima.json'), 'utf8')) as Record<string, number>;
  problem.optimum = optima[name];
  return problem;
}
