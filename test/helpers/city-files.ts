/** City sets written as TSPLIB files, for tests that run `kiln solve` on a file of their own. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProblemData } from '../../shared/tsp/types.ts';

/** Writes an EUC_2D problem (coordinates as given) to DIR/<name>.tsp; returns the path. */
export function writeTsplib(dir: string, problem: Pick<ProblemData, 'name' | 'n' | 'xs' | 'ys'>): string {
  const lines = [`NAME: ${problem.name}`, 'TYPE: TSP', `DIMENSION: ${problem.n}`, 'EDGE_WEIGHT_TYPE: EUC_2D', 'NODE_COORD_SECTION'];
  for (let i = 0; i < problem.n; i++) lines.push(`${i + 1} ${problem.xs![i]} ${problem.ys![i]}`);
  const path = join(dir, `${problem.name}.tsp`);
  writeFileSync(path, `${lines.join('\n')}\nEOF\n`);
  return path;
}
