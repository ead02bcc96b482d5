/**
 * The TSPLIB instances benchmarks solve: ../shared/tsplib beside the repository (large instances, kept out
 * of the repo; the tests use the small fixtures in test/fixtures/tsplib instead), or the folder named by
 * KILN_BENCH_TSPLIB (a git worktree has no ../shared beside it). A benchmark run without that folder, or
 * asking for an instance it lacks, stops with one line saying what is missing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTsplib } from '../shared/tsp/tsplib.ts';
import type { ProblemData } from '../shared/tsp/types.ts';

/** The nearest folder above this file holding a package.json: the repository, from bench/ and from the bundles in dist/bench/ alike. */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const BENCH_TSPLIB = join(process.env.KILN_BENCH_TSPLIB ? resolve(process.env.KILN_BENCH_TSPLIB) : join(repositoryRoot(), '..', 'shared', 'tsplib'), '/');

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

function loadOptima(): Record<string, number> {
  optima ??= JSON.parse(readFileSync(benchTsplibPath('optima.json'), 'utf8')) as Record<string, number>;
  return optima;
}

/** Parses <name>.tsp with its proven optimum from optima.json attached. */
export function loadBenchTsplib(name: string): ProblemData {
  const problem = parseTsplib(readFileSync(benchTsplibPath(`${name}.tsp`), 'utf8'), `${name}.tsp`);
  problem.optimum = loadOptima()[name];
  return problem;
}

/** Every instance with a proven optimum in optima.json and its .tsp file present, by name. */
export function benchInstanceNames(): string[] {
  const files = new Set(readdirSync(BENCH_TSPLIB));
  return Object.keys(loadOptima()).filter((name) => files.has(`${name}.tsp`));
}

/** <name>.tsp's DIMENSION, read from its header alone (planning a run needs the sizes, not the cities). */
export function benchInstanceSize(name: string): number {
  const head = readFileSync(benchTsplibPath(`${name}.tsp`), 'utf8').slice(0, 4096);
  const match = /^\s*DIMENSION\s*:?\s*(\d+)/m.exec(head);
  if (!match) missing(`no DIMENSION in the header of ${name}.tsp`);
  return Number(match[1]);
}
