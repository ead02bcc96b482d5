/** Asserts that parsing fails with a ProblemError carrying the file, the line and the reason. */
import { expect } from 'vitest';
import { ProblemError } from '../../shared/tsp/types.ts';

export function expectProblemError(parse: () => unknown, file: string, line: number, reason: RegExp): void {
  let error: unknown;
  try {
    parse();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ProblemError);
  expect((error as ProblemError).line).toBe(line);
  expect((error as ProblemError).message.startsWith(`${file}:${line}: `)).toBe(true);
  expect((error as ProblemError).message).toMatch(reason);
}
