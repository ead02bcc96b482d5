/**
 * The TSPLIB instances the tests use: small files kept in the repo (test/fixtures/tsplib, a few KB each,
 * with their proven optima), and large instances generated on demand. Tests never read the TSPLIB folder
 * beside the repository, which a user's clone does not have: that one is for benchmarks (bench/tsplib.ts).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../shared/tsp/random.ts';
import { parseTsplib } from '../../shared/tsp/tsplib.ts';
import type { ProblemData } from '../../shared/tsp/types.ts';

export const fixturesDir = fileURLToPath(new URL('../fixtures/tsplib/', import.meta.url));

/** Proven optimal lengths of the fixtures, by name (TSPLIB95's published solutions). */
export const optima: Record<string, number> = JSON.parse(readFileSync(`${fixturesDir}optima.json`, 'utf8'));

export const tspFiles = readdirSync(fixturesDir)
  .filter((f) => f.endsWith('.tsp'))
  .sort();
export const optTourFiles = readdirSync(fixturesDir)
  .filter((f) => f.endsWith('.opt.tour'))
  .sort();

/** A fixture's text, e.g. readText('berlin52.tsp'). */
export function readText(file: string): string {
  return readFileSync(fixturesDir + file, 'utf8');
}

/** The path of a fixture, for tests that hand a file to a command. */
export function fixturePath(file: string): string {
  return fixturesDir + file;
}

/** Parses the fixture <name>.tsp, with its proven optimum attached. */
export function loadTsplib(name: string): ProblemData {
  return { ...parseTsplib(readText(`${name}.tsp`), `${name}.tsp`), optimum: optima[name] };
}

/**
 * A large CEIL_2D instance in TSPLIB text, as big as pla85900 and in its coordinate range, generated
 * from a seed (the real one is 1.8 MB): tests of scale parse it like any file.
 */
export function largeTsplibText(n: number, seed = 1): string {
  const rng = new Rng(seed);
  const lines = [
    `NAME: large${n}`,
    'TYPE: TSP',
    `COMMENT: ${n} random cities (seed ${seed})`,
    `DIMENSION: ${n}`,
    'EDGE_WEIGHT_TYPE: CEIL_2D',
    'NODE_COORD_SECTION',
  ];
  for (let i = 1; i <= n; i++) lines.push(`${i} ${rng.nextInt(1_800_000)} ${rng.nextInt(800_000)}`);
  lines.push('EOF', '');
  return lines.join('\n');
}
