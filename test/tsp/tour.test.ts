/** .tour files: reading, writing, roundtrip, and every way a tour can fail to be a permutation. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTour, formatTour, parseTour } from '../../shared/tsp/tour.ts';
import { expectProblemError } from './expect-problem-error.ts';

function fails(text: string, n: number, line: number, reason: RegExp): void {
  expectProblemError(() => parseTour(text, n, 'bad.tour'), 'bad.tour', line, reason);
}

describe('parseTour', () => {
  it('reads ids across lines, 1-based to 0-based, with CRLF and without EOF', () => {
    const p = parseTour('NAME : t.tour\r\nTYPE : TOUR\r\nCOMMENT : a\r\nCOMMENT: b\r\nDIMENSION: 4\r\nTOUR_SECTION\r\n2 4\r\n1\r\n3 -1\r\n', 4);
    expect([...p.tour]).toEqual([1, 3, 0, 2]);
    expect(p.name).toBe('t.tour');
    expect(p.comment).toBe('a\nb');
  });

  it('refuses tours that are not permutations of the problem, with the line', () => {
    const head = 'TYPE: TOUR\nTOUR_SECTION\n';
    fails(`${head}1\n2\n2\n-1\n`, 3, 5, /city 2 is visited twice \(first on line 4\)/);
    fails(`${head}1\n2\n-1\n`, 3, 5, /ends \(-1\) after 2 of 3 cities; city 3 is missing/);
    fails(`${head}1\n2\n4\n-1\n`, 3, 5, /city id 4 is not an integer in 1\.\.3/);
    fails(`${head}1\n2\n`, 3, 5, /TOUR_SECTION is truncated: expected 3 city ids and -1, found 2 ids before the end of the file/);
    fails(`${head}1\nx\n`, 3, 4, /found 1 ids before 'x'/);
    fails('TYPE: TSP\n', 3, 1, /expected TYPE: TOUR/);
    fails('DIMENSION: 5\n', 3, 1, /DIMENSION '5' does not match the problem's 3 cities/);
    fails('NAME: x\n', 3, 2, /no TOUR_SECTION/);
    fails(`${head}1 2 3 -1\n4\n`, 3, 4, /expected a keyword, found '4' \(after the -1/);
  });

  it('checkTour validates in-memory tours', () => {
    expect(() => checkTour(Int32Array.of(2, 0, 1), 3)).not.toThrow();
    expect(() => checkTour(Int32Array.of(2, 0), 3)).toThrow(/2 cities, the problem 3/);
    expect(() => checkTour(Int32Array.of(2, 0, 2), 3)).toThrow(/city 2 is visited twice/);
    expect(() => checkTour(Int32Array.of(2, 0, 3), 3)).toThrow(/outside 0\.\.2/);
  });
});

describe('formatTour', () => {
  it('writes TSPLIB tour format', () => {
    expect(formatTour('t', Int32Array.of(1, 0, 2), 42, 'best')).toBe(
      'NAME : t\nTYPE : TOUR\nCOMMENT : best\nCOMMENT : Length 42\nDIMENSION : 3\nTOUR_SECTION\n2\n1\n3\n-1\nEOF\n',
    );
  });

  it('round-trips any permutation, name and comment', () => {
    const line = fc.string({ maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, ' ').trim());
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }).chain((n) => fc.tuple(fc.shuffledSubarray([...Array(n).keys()], { minLength: n }), line, line)),
        ([perm, name, comment]) => {
          const tour = Int32Array.from(perm);
          const back = parseTour(formatTour(name, tour, undefined, comment), tour.length);
          expect(back.tour).toEqual(tour);
          expect(back.name).toBe(name);
          expect(back.comment).toBe(comment);
        },
      ),
      { numRuns: 200 },
    );
  });
});
