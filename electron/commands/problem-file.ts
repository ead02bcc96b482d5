/**
 * Reads the city set a command was given: a TSPLIB or CSV file, with its proven optimum when one is
 * known (--optimum, an optima.json beside the file, or a TSPLIB instance recognised by its content).
 * Every problem with the file becomes a one-line UsageError.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { knownOptimum } from '../../shared/tsp/known-optima.ts';
import { parseProblemFile } from '../../shared/tsp/problem.ts';
import { cleanErrorText, looksBinary } from '../../shared/tsp/text-check.ts';
import { ProblemError, type ProblemData } from '../../shared/tsp/types.ts';
import { UsageError } from './command.ts';

/** FILE parsed, with its optimum; `optimum` (--optimum's, parsed) wins over every other source. */
export function readProblem(file: string, optimum: number | undefined): ProblemData {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? (error as Error).message)}`,
    );
  }
  if (looksBinary(bytes)) throw new UsageError(`${file}: not a text file (it holds binary data); give a TSPLIB .tsp or a CSV of coordinates`);
  let problem: ProblemData;
  try {
    problem = parseProblemFile(basename(file), bytes.toString('utf8'));
  } catch (error) {
    // The parser quotes the file: its control characters must not reach the terminal.
    if (error instanceof ProblemError) throw new UsageError(cleanErrorText(error.message));
    throw error;
  }
  if (optimum !== undefined) problem.optimum = optimum;
  else problem.optimum ??= optimumBeside(file, problem.name) ?? knownOptimum(problem);
  return problem;
}

/**
 * TSPLIB distributions keep proven optima in an optima.json ({ name: length }) beside the files. Some
 * instances' NAME carries the extension (pa561's is "pa561.tsp", ulysses22's "ulysses22.tsp"), so the
 * name is looked up without it, then as written, then as the file's own name.
 */
function optimumBeside(file: string, name: string): number | undefined {
  const path = join(dirname(file), 'optima.json');
  if (!existsSync(path)) return undefined;
  let optima: unknown;
  try {
    optima = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof optima !== 'object' || optima === null) return undefined;
  for (const key of [instanceKey(name), name, instanceKey(basename(file))]) {
    const optimum = Object.hasOwn(optima, key) ? (optima as Record<string, unknown>)[key] : undefined;
    if (typeof optimum === 'number' && Number.isSafeInteger(optimum) && optimum > 0) return optimum;
  }
  return undefined;
}

/** "pa561.tsp " -> "pa561": an instance's name without surrounding spaces or a .tsp extension. */
function instanceKey(name: string): string {
  return name.trim().replace(/\.tsp$/i, '');
}
