/** The TSPLIB instances in ../shared/tsplib (outside the repo, never copied in), for tests. */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTsplib } from '../../shared/tsp/tsplib.ts';
import type { ProblemData } from '../../shared/tsp/types.ts';

export const tsplibDir = fileURLToPath(new URL('../../../shared/tsplib/', import.meta.url));

export const optima: Record<string, number> = JSON.parse(readFileSync(tsplibDir + 'optima.json', 'utf8'));

export const tspFiles = readdirSync(tsplibDir).filter((f) => f.endsWith('.tsp')).sort();
export const optTourFiles = readdirSync(tsplibDir).filter((f) => f.endsWith('.opt.tour')).sort();

export function readText(file: string): string {
  return readFileSync(tsplibDir + file, 'utf8');
}

/** Parses <name>.tsp, with its optimum from optima.json attached. */
export function loadTsplib(name: string): ProblemData {
  return { ...parseTsplib(readText(`${name}.tsp`), `${name}.tsp`), optimum: optima[name] };
}
