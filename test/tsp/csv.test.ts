/** CSV city lists: layouts, delimiters, quoting, lat/lon as GEO, errors with lines, and export round trips. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ddmmToDecimal, decimalToDdmm, formatTourCsv, parseCsv } from '../../shared/tsp/csv.ts';
import { createInstance, geoRadians } from '../../shared/tsp/instance.ts';
import type { ProblemData } from '../../shared/tsp/types.ts';
import { expectProblemError } from './expect-problem-error.ts';

function fails(text: string, line: number, reason: RegExp): void {
  expectProblemError(() => parseCsv(text, 'bad.csv'), 'bad.csv', line, reason);
}

const coords = (p: ProblemData) => [...p.xs!].map((x, i) => [x, p.ys![i]]);

describe('parseCsv', () => {
  it('x,y without a header', () => {
    const p = parseCsv('0,0\n3,4\n\n1.5e2,-2\n', 'pts.csv');
    expect(p).toMatchObject({ name: 'pts', n: 3, edgeWeightType: 'EUC_2D', labels: undefined });
    expect(coords(p)).toEqual([
      [0, 0],
      [3, 4],
      [150, -2],
    ]);
    expect(createInstance(p).dist(0, 1)).toBe(5);
  });

  it('name,x,y without a header, with quoted names holding delimiters, quotes and newlines', () => {
    const p = parseCsv('"Paris, FR",1,2\r\n"say ""hi""",3,4\r\n"two\nlines",5,6\r\nplain,7,8\r\n');
    expect(p.labels).toEqual(['Paris, FR', 'say "hi"', 'two\nlines', 'plain']);
    expect(coords(p)).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
  });

  it('a header picks x/y and name by name, in any order, ignoring other columns', () => {
    const p = parseCsv('population;Y;City;X\n100;2;a;1\n200;4;b;3\n');
    expect(coords(p)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(p.labels).toEqual(['a', 'b']);
  });

  it('semicolon and tab delimiters, decimal commas', () => {
    expect(coords(parseCsv('x;y\n1,5;2,25\n3;4\n'))).toEqual([
      [1.5, 2.25],
      [3, 4],
    ]);
    expect(coords(parseCsv('1\t2\n3\t4\n'))).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(coords(parseCsv('\uFEFFx,y\n1,2\n'))).toEqual([[1, 2]]);
  });

  it('latitude/longitude in decimal degrees become TSPLIB GEO', () => {
    // Paris and Berlin: great-circle about 878 km.
    const p = parseCsv('city,lat,lng\nParis,48.8566,2.3522\nBerlin,52.52,13.405\n');
    expect(p.edgeWeightType).toBe('GEO');
    expect(p.xs![0]).toBeCloseTo(48.51396, 10); // 48 deg 51.396 min
    expect(geoRadians(p.xs![0])).toBeCloseTo((48.8566 * 3.141592) / 180, 12);
    const d = createInstance(p).dist(0, 1);
    expect(d).toBeGreaterThanOrEqual(876);
    expect(d).toBeLessThanOrEqual(880);
    expect(parseCsv('Latitude\tLongitude\n-33.5\t-70.25\n').xs![0]).toBeCloseTo(-33.3, 12);
  });

  it('errors name the line and the reason', () => {
    fails('', 1, /cannot read this as CSV|empty file/);
    fails('just one column\nhere\n', 1, /two or more columns/);
    fails('x,y\n1,2\n3,abc\n', 3, /expected a number for y \(column 2\), found 'abc'/);
    fails('x,y\n1,2\n3,NaN\n', 3, /found 'NaN'/);
    fails('x,y\n1,2\n0x10,1\n', 3, /found '0x10'/);
    fails('1,2\n3,4\n5,6,7\n', 3, /expected 2 fields like line 1, found 3/);
    fails('a,b,c,d\n1,2,3,4\n', 1, /4 columns and no header/);
    fails('name,x,z\na,1,2\n', 1, /names no coordinate pair/);
    fails('lat,lon\n91,0\n', 2, /latitude 91 is outside -90\.\.90/);
    fails('lat,lon\n0,181\n', 2, /longitude 181 is outside/);
    fails('x,y\n', 1, /a header but no cities/);
    fails('name,x,y\n"open,1,2\n', 2, /a quoted field is never closed/);
    fails('foo,bar\n1,2\n', 1, /expected a number for x \(column 1\), found 'foo' \(no header recognised/);
  });
});

describe('formatTourCsv', () => {
  it('writes order, name or id, and coordinates in tour order', () => {
    const p = parseCsv('name,x,y\na,0,0\n"b,c",1,1\nd,2,2\n');
    expect(formatTourCsv(p, Int32Array.of(2, 0, 1))).toBe('order,name,x,y\n1,d,2,2\n2,a,0,0\n3,"b,c",1,1\n');
    const explicit: ProblemData = { name: 'm', n: 2, edgeWeightType: 'EXPLICIT', matrix: Int32Array.of(0, 1, 1, 0) };
    expect(formatTourCsv(explicit, Int32Array.of(1, 0))).toBe('order,id\n1,2\n2,1\n');
  });

  it('round-trips cities, names and coordinates through export and import (property)', () => {
    const label = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() === s && s !== '');
    const city = fc.tuple(
      label,
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }),
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }),
    );
    fc.assert(
      fc.property(fc.array(city, { minLength: 1, maxLength: 40 }), (cities) => {
        const p: ProblemData = {
          name: 'p',
          n: cities.length,
          edgeWeightType: 'EUC_2D',
          labels: cities.map((c) => c[0]),
          xs: Float64Array.from(cities, (c) => c[1]),
          ys: Float64Array.from(cities, (c) => c[2]),
        };
        const tour = Int32Array.from({ length: p.n }, (_, i) => i);
        const back = parseCsv(formatTourCsv(p, tour));
        expect(back.labels).toEqual(p.labels);
        // -0 is written as 0; nothing else may change.
        const plain = (a?: Float64Array) => Array.from(a!, (v) => v + 0);
        expect(plain(back.xs)).toEqual(plain(p.xs));
        expect(plain(back.ys)).toEqual(plain(p.ys));
      }),
      { numRuns: 200 },
    );
  });

  it('GEO exports decimal degrees and re-imports to the same distances', () => {
    const p = parseCsv('city,latitude,longitude\nA,48.8566,2.3522\nB,-33.8688,151.2093\nC,40.7128,-74.006\n');
    const back = parseCsv(formatTourCsv(p, Int32Array.of(0, 1, 2)));
    const [a, b] = [createInstance(p), createInstance(back)];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(b.dist(i, j)).toBe(a.dist(i, j));
    for (const v of [0, 12.5, -0.25, 89.99, -179.999]) expect(ddmmToDecimal(decimalToDdmm(v))).toBeCloseTo(v, 12);
  });
});
