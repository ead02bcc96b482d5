/**
 * Never a crash, never a silently wrong instance: parsers fed mutilated input either throw ProblemError or
 * return data that is complete and consistent (arrays of length n, finite, an instance that measures).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../shared/tsp/csv.ts';
import { createInstance } from '../../shared/tsp/instance.ts';
import { parseTour } from '../../shared/tsp/tour.ts';
import { parseTsplib } from '../../shared/tsp/tsplib.ts';
import { ProblemError, type ProblemData } from '../../shared/tsp/types.ts';
import { readText } from '../helpers/tsplib-fixtures.ts';

/** Random edits: delete a span, insert a random string or a tricky token, duplicate a line. */
const edit = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom('\n', ' -1 ', 'NaN', '1e999', ':', 'EOF\n', '\r\n', '"', ',', ';', '\t', '1 2 3\n', 'DIMENSION: 3\n'),
    ),
  }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 60 }) }),
);

type Edit = { kind: 'delete' | 'insert' | 'duplicate'; at: number; len?: number; text?: string };

function mutate(text: string, edits: Edit[]): string {
  for (const e of edits) {
    const at = text.length ? e.at % text.length : 0;
    if (e.kind === 'delete') text = text.slice(0, at) + text.slice(at + e.len!);
    else if (e.kind === 'insert') text = text.slice(0, at) + e.text! + text.slice(at);
    else text = text.slice(0, at) + text.slice(at, at + e.len!) + text.slice(at);
  }
  return text;
}

function consistent(p: ProblemData): void {
  expect(Number.isInteger(p.n) && p.n >= 1).toBe(true);
  if (p.xs || p.ys) {
    expect(p.xs!.length).toBe(p.n);
    expect(p.ys!.length).toBe(p.n);
    expect(p.xs!.every(Number.isFinite) && p.ys!.every(Number.isFinite)).toBe(true);
  }
  if (p.matrix) expect(p.matrix.length).toBe(p.n * p.n);
  if (p.labels) expect(p.labels.length).toBe(p.n);
  const inst = createInstance(p);
  expect(Number.isFinite(inst.dist(0, p.n - 1))).toBe(true);
}

function survives(parse: () => ProblemData | void, check: (p: ProblemData) => void = consistent): void {
  let result: ProblemData | void;
  try {
    result = parse();
  } catch (e) {
    if (!(e instanceof ProblemError)) throw e;
    expect(e.line === undefined || e.line >= 1).toBe(true);
    return;
  }
  if (result) check(result);
}

describe('mutilated input', () => {
  const sources = ['att48.tsp', 'gr17.tsp', 'bayg29.tsp', 'ulysses22.tsp'].map((f) => readText(f));
  it('TSPLIB: a ProblemError or a consistent instance', () => {
    fc.assert(
      fc.property(fc.constantFrom(...sources), fc.array(edit, { minLength: 1, maxLength: 4 }), (text, edits) => {
        survives(() => parseTsplib(mutate(text, edits), 'fuzz.tsp'));
      }),
      { numRuns: 1500 },
    );
  });

  it('CSV: a ProblemError or a consistent instance', () => {
    const csv = 'name,lat,lon\n"A, x",48.1,11.5\nB,52.5,13.4\nC,-33.9,151.2\n';
    fc.assert(
      fc.property(fc.constantFrom(csv, '1,2\n3,4\n5,6\n', 'x;y\n1,5;2\n3;4\n'), fc.array(edit, { minLength: 1, maxLength: 4 }), (text, edits) => {
        survives(() => parseCsv(mutate(text, edits), 'fuzz.csv'));
      }),
      { numRuns: 1500 },
    );
  });

  it('tours: a ProblemError or a permutation', () => {
    const tour = readText('eil51.opt.tour');
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        survives(() => {
          const t = parseTour(mutate(tour, edits), 51, 'fuzz.tour').tour;
          expect([...t].sort((a, b) => a - b)).toEqual([...Array(51).keys()]);
        });
      }),
      { numRuns: 1500 },
    );
  });
});
