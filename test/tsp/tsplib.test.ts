/** The TSPLIB parser on every fixture instance, every optimal tour's length, a generated large instance, and malformed input. */
import { describe, expect, it } from 'vitest';
import { createInstance, tourLength } from '../../shared/tsp/instance.ts';
import { parseTour } from '../../shared/tsp/tour.ts';
import { parseTsplib } from '../../shared/tsp/tsplib.ts';
import { largeTsplibText, loadTsplib, optTourFiles, optima, readText, tspFiles } from '../helpers/tsplib-fixtures.ts';
import { expectProblemError } from './expect-problem-error.ts';

describe('TSPLIB instances', () => {
  it.each(tspFiles)('%s parses completely', (file) => {
    const p = parseTsplib(readText(file), file);
    const name = file.replace('.tsp', '');
    expect(Number(name.match(/\d+$/)![0])).toBe(p.n); // TSPLIB names end in the city count
    const inst = createInstance(p);
    if (p.edgeWeightType === 'EXPLICIT') {
      expect(p.matrix!.length).toBe(p.n * p.n);
    } else {
      expect(p.xs!.length).toBe(p.n);
      expect(p.xs!.every(Number.isFinite) && p.ys!.every(Number.isFinite)).toBe(true);
    }
    // Symmetric, zero on the diagonal, positive elsewhere except for duplicate cities.
    for (let i = 0; i < Math.min(p.n, 40); i++) {
      for (let j = 0; j < Math.min(p.n, 40); j++) {
        expect(inst.dist(i, j)).toBe(inst.dist(j, i));
        if (i === j) expect(inst.dist(i, j)).toBe(0);
      }
    }
    // The identity tour is no shorter than the optimum: catches gross scale errors in any distance type.
    expect(
      tourLength(
        inst,
        Int32Array.from({ length: p.n }, (_, i) => i),
      ),
    ).toBeGreaterThanOrEqual(optima[name]);
  });

  it('reads every edge weight type and matrix format present', () => {
    // CEIL_2D is TSPLIB's pla* instances only, all too big to keep here: see 'large instances'.
    const types = tspFiles.map((f) => parseTsplib(readText(f), f).edgeWeightType);
    expect(new Set(types)).toEqual(new Set(['EUC_2D', 'ATT', 'GEO', 'EXPLICIT']));
    const formats = tspFiles.map((f) => parseTsplib(readText(f), f)).filter((p) => p.edgeWeightType === 'EXPLICIT');
    expect(formats.map((p) => p.name).sort()).toEqual(['bayg29', 'dantzig42', 'gr17']);
    expect(loadTsplib('bayg29').xs!.length).toBe(29); // EXPLICIT keeps its display data for drawing
    expect(loadTsplib('gr17').xs).toBeUndefined();
    expect(loadTsplib('ulysses22').name).toBe('ulysses22.tsp'); // NAME as written
  });

  it.each(optTourFiles)('%s has exactly the optimal length in optima.json', (file) => {
    const name = file.replace('.opt.tour', '');
    const inst = createInstance(loadTsplib(name));
    const { tour } = parseTour(readText(file), inst.n, file);
    expect(tourLength(inst, tour)).toBe(optima[name]);
  });

  it('explicit matrices match hand-read entries in each format', () => {
    const gr17 = createInstance(loadTsplib('gr17')); // LOWER_DIAG_ROW: row 2 is "633 0"
    expect([gr17.dist(1, 0), gr17.dist(0, 1), gr17.dist(2, 0), gr17.dist(2, 1)]).toEqual([633, 633, 257, 390]);
    const bayg = createInstance(loadTsplib('bayg29')); // UPPER_ROW: row 1 is "97 205 139 ..."
    expect([bayg.dist(0, 1), bayg.dist(0, 2), bayg.dist(1, 2), bayg.dist(2, 0)]).toEqual([97, 205, 129, 205]);
    const dantzig = createInstance(loadTsplib('dantzig42')); // LOWER_DIAG_ROW, wrapped: row 3 is "39 45 0"
    expect([dantzig.dist(2, 0), dantzig.dist(2, 1), dantzig.dist(0, 2), dantzig.dist(1, 0)]).toEqual([39, 45, 39, 8]);
  });

  it("si175's header: TYPE: TSP with an annotation is a TSP, UPPER_DIAG_ROW rows start on the diagonal", () => {
    // si175's own first lines (the file is 62 KB), shrunk to three cities.
    const si = parseTsplib(
      'NAME: si3\nTYPE: TSP (M.~Hofmeister)\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: UPPER_DIAG_ROW\nDISPLAY_DATA_TYPE: NO_DISPLAY\nEDGE_WEIGHT_SECTION\n 0 113 189\n 0 299\n 0\nEOF\n',
      'si3.tsp',
    );
    expect(si.comment).toBeUndefined();
    const inst = createInstance(si);
    expect([inst.dist(0, 0), inst.dist(0, 1), inst.dist(2, 0), inst.dist(1, 2)]).toEqual([0, 113, 189, 299]);
  });
});

/** Every ProblemError must carry the line and the reason. */
function fails(text: string, line: number, reason: RegExp): void {
  expectProblemError(() => parseTsplib(text, 'bad.tsp'), 'bad.tsp', line, reason);
}

const head = (n: number | string, type = 'EUC_2D') => `NAME: t\nTYPE: TSP\nDIMENSION: ${n}\nEDGE_WEIGHT_TYPE: ${type}\n`;

describe('malformed TSPLIB input', () => {
  it('truncated NODE_COORD_SECTION', () => {
    fails(`${head(4)}NODE_COORD_SECTION\n1 0 0\n2 1 1\nEOF\n`, 8, /NODE_COORD_SECTION is truncated: expected 4 nodes.*found 2 before 'EOF'/);
    fails(`${head(4)}NODE_COORD_SECTION\n1 0 0\n2 1 1\n`, 8, /found 2 before the end of the file/);
    fails(`${head(3)}NODE_COORD_SECTION\n1 0 0\n2 1`, 7, /expected the y coordinate of node 2, found end of file/);
    fails(`${head(3)}NODE_COORD_SECTION\n1 0 0\n2 1\n3 4 4\n`, 7, /expected the y coordinate of node 2, found end of line/);
  });

  it('truncated EDGE_WEIGHT_SECTION', () => {
    const text = 'NAME: t\nTYPE: TSP\nDIMENSION: 4\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: UPPER_ROW\nEDGE_WEIGHT_SECTION\n1 2 3\n4\nEOF\n';
    fails(text, 9, /EDGE_WEIGHT_SECTION is truncated: UPPER_ROW for DIMENSION 4 needs 6 weights, found 4 before 'EOF'/);
  });

  it('DIMENSION missing, or not matching the node count', () => {
    fails('NAME: t\nTYPE: TSP\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 0 0\n', 4, /NODE_COORD_SECTION before DIMENSION/);
    fails('NAME: t\nEDGE_WEIGHT_TYPE: EUC_2D\n', 3, /DIMENSION is missing/);
    fails(`${head(2)}NODE_COORD_SECTION\n1 0 0\n2 1 1\n3 2 2\nEOF\n`, 8, /NODE_COORD_SECTION has more entries than DIMENSION 2 \(line 3\)/);
    fails(`${head(3)}NODE_COORD_SECTION\n1 0 0\n2 1 1\nEOF\n`, 8, /expected 3 nodes \(DIMENSION\), found 2/);
    fails(head('many'), 3, /DIMENSION must be a positive integer, found 'many'/);
    fails(head(0), 3, /DIMENSION must be at least 1/);
  });

  it('non-numeric fields', () => {
    fails(`${head(2)}NODE_COORD_SECTION\n1 0 0\n2 1.5 abc\n`, 7, /expected the y coordinate of node 2, found 'abc'/);
    fails(`${head(2)}NODE_COORD_SECTION\n1 0x10 0\n2 1 1\n`, 6, /expected the x coordinate of node 1, found '0x10'/);
    fails(`${head(2)}NODE_COORD_SECTION\n1 0 0\n2 1-2 1\n`, 7, /x coordinate of node 2, found '1-2'/);
    fails(`${head(2)}NODE_COORD_SECTION\n1 0 0 0\n2 1 1\n`, 6, /end of the line after node 1's x and y \(only 2D/);
    const explicit = 'NAME: t\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: LOWER_ROW\nEDGE_WEIGHT_SECTION\n1\n2 3.5\n';
    fails(explicit, 7, /weight of edge \(3, 2\) must be a 32-bit integer, found 3.5/);
  });

  it('duplicate, missing and out-of-range node ids', () => {
    fails(`${head(3)}NODE_COORD_SECTION\n1 0 0\n3 1 1\n1 2 2\n`, 8, /node 1 appears twice \(first on line 6\); node 2 is not there yet/);
    fails(`${head(3)}NODE_COORD_SECTION\n1 0 0\n2 1 1\n4 2 2\n`, 8, /node id 4 is not an integer in 1\.\.3/);
    fails(`${head(3)}NODE_COORD_SECTION\n0 0 0\n`, 6, /node id 0 is not an integer in 1\.\.3/);
    fails(`${head(3)}NODE_COORD_SECTION\n1.5 0 0\n`, 6, /node id 1.5/);
  });

  it('unsupported TYPE, EDGE_WEIGHT_TYPE, formats and keywords', () => {
    for (const type of ['ATSP', 'HCP', 'CVRP', 'TOUR', 'SOP']) fails(`NAME: t\nTYPE: ${type}\n`, 2, new RegExp(`unsupported TYPE '${type}'`));
    for (const type of ['MAN_2D', 'EUC_3D', 'XRAY1', 'MAX_2D', 'SPECIAL'])
      fails(head(3, type), 4, new RegExp(`unsupported EDGE_WEIGHT_TYPE '${type}': supported are EUC_2D, CEIL_2D, ATT, GEO, EXPLICIT`));
    fails(`${head(3)}EDGE_WEIGHT_FORMAT: UPPER_TRIANGLE\n`, 5, /unsupported EDGE_WEIGHT_FORMAT 'UPPER_TRIANGLE'/);
    fails(`${head(3)}NODE_COORD_TYPE: THREED_COORDS\n`, 5, /unsupported NODE_COORD_TYPE 'THREED_COORDS'/);
    fails(`${head(3)}FIXED_EDGES_SECTION\n1 2\n-1\n`, 5, /unsupported keyword FIXED_EDGES_SECTION: it would change the problem/);
    fails(`${head(3)}FOO: bar\n`, 5, /unknown keyword 'FOO': supported are NAME, TYPE, COMMENT, DIMENSION/);
    fails(`${head(3)}NAME: again\n`, 5, /NAME appears twice \(first on line 1\)/);
    fails(`${head(3)}EDGE_WEIGHT_SECTION\n1 2 3\n`, 5, /EDGE_WEIGHT_SECTION needs EDGE_WEIGHT_TYPE: EXPLICIT before it, found EUC_2D/);
    // CAPACITY cannot change a TSP: accepted and ignored.
    expect(parseTsplib(`${head(1)}CAPACITY: 100\nNODE_COORD_SECTION\n1 0 0\n`).n).toBe(1);
  });

  it('absurd sizes', () => {
    fails(head(200_001), 3, /DIMENSION 200001 is over the limit of 200000/);
    fails(
      'NAME: t\nDIMENSION: 2001\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: FULL_MATRIX\nEDGE_WEIGHT_SECTION\n0\n',
      5,
      /full n x n matrix; DIMENSION 2001 is over the limit of 2000/,
    );
    fails('NAME: t\nDIMENSION: 2001\nEDGE_WEIGHT_TYPE: EXPLICIT\n', 3, /over the limit of 2000/);
  });

  it('coordinates that are not finite numbers', () => {
    fails(`${head(2)}NODE_COORD_SECTION\n1 NaN 0\n`, 6, /x coordinate of node 1, found 'NaN'/);
    fails(`${head(2)}NODE_COORD_SECTION\n1 0 0\n2 Infinity 0\n`, 7, /found 'Infinity'/);
    fails(`${head(2)}NODE_COORD_SECTION\n1 0 0\n2 1e999 0\n`, 7, /found '1e999'/);
  });

  it('empty files and missing sections', () => {
    fails('', 1, /no TSPLIB keywords found \(empty file\?\)/);
    fails('\n\n  \n', 4, /no TSPLIB keywords found/);
    fails(head(2), 5, /EUC_2D needs a NODE_COORD_SECTION, and there is none/);
    fails('NAME: t\nDIMENSION: 2\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: FULL_MATRIX\n', 5, /needs an EDGE_WEIGHT_SECTION/);
    fails('DIMENSION: 2\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_SECTION\n', 3, /needs an EDGE_WEIGHT_FORMAT before it/);
    fails('NAME: t\n1 2 3\n', 2, /expected a keyword, found '1'/);
  });

  it('an asymmetric FULL_MATRIX', () => {
    const text = 'DIMENSION: 2\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: FULL_MATRIX\nEDGE_WEIGHT_SECTION\n0 5\n6 0\n';
    fails(text, 6, /not symmetric: edge \(2, 1\) is 6 but \(1, 2\) is 5/);
  });
});

describe('TSPLIB syntax variants', () => {
  it('mixed KEY: v / KEY : v, tabs, trailing spaces, CRLF, missing EOF, scientific notation, repeated COMMENT', () => {
    const text = [
      'NAME:mixed  ',
      'COMMENT : first line',
      'TYPE : TSP',
      'comment: second line', // keywords are case-insensitive
      'DIMENSION\t:\t3',
      'EDGE_WEIGHT_TYPE: EUC_2D   ',
      'NODE_COORD_SECTION   ',
      '  3\t1.2e+03  -4E-1 ',
      '1 +0.5 .25',
      '\t2 1200 0',
    ].join('\r\n');
    const p = parseTsplib(text, 'x.tsp');
    expect(p.name).toBe('mixed');
    expect(p.comment).toBe('first line\nsecond line');
    expect([...p.xs!]).toEqual([0.5, 1200, 1200]);
    expect([...p.ys!]).toEqual([0.25, 0, -0.4]);
  });

  it('the name falls back to the file name', () => {
    expect(parseTsplib('DIMENSION: 1\nEDGE_WEIGHT_TYPE: GEO\nNODE_COORD_SECTION\n1 1 1\nEOF\n', 'dir/my.file.tsp').name).toBe('my.file');
  });

  it('all nine matrix formats give the same matrix, with weights wrapped across lines arbitrarily', () => {
    const n = 5;
    const w = (i: number, j: number) => (i === j ? 0 : 10 * Math.min(i, j) + Math.max(i, j) + 1);
    const rows = (pick: (i: number, j: number) => boolean, transpose: boolean) => {
      const out: number[] = [];
      for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (transpose ? pick(b, a) : pick(a, b)) out.push(transpose ? w(b, a) : w(a, b));
      return out;
    };
    const formats: Record<string, number[]> = {
      FULL_MATRIX: rows(() => true, false),
      UPPER_ROW: rows((i, j) => j > i, false),
      LOWER_ROW: rows((i, j) => j < i, false),
      UPPER_DIAG_ROW: rows((i, j) => j >= i, false),
      LOWER_DIAG_ROW: rows((i, j) => j <= i, false),
      UPPER_COL: rows((i, j) => i < j, true),
      LOWER_COL: rows((i, j) => i > j, true),
      UPPER_DIAG_COL: rows((i, j) => i <= j, true),
      LOWER_DIAG_COL: rows((i, j) => i >= j, true),
    };
    for (const [format, weights] of Object.entries(formats)) {
      // Wrap after 1, 2, 3, ... numbers: no relation to rows at all.
      let body = '';
      for (let k = 0, step = 1; k < weights.length; k += step, step++) body += `${weights.slice(k, k + step).join(' ')}\n`;
      const p = parseTsplib(`NAME: m\nDIMENSION: ${n}\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: ${format}\nEDGE_WEIGHT_SECTION\n${body}EOF\n`);
      const inst = createInstance(p);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(inst.dist(i, j), `${format} (${i}, ${j})`).toBe(w(i, j));
    }
  });
});

describe('large instances', () => {
  it("85,900 CEIL_2D cities (pla85900's size) parse to n-sized arrays only", () => {
    const text = largeTsplibText(85_900);
    const p = parseTsplib(text, 'large.tsp');
    expect(p.n).toBe(85_900);
    expect(p.edgeWeightType).toBe('CEIL_2D');
    expect(p.matrix).toBeUndefined();
    expect(p.xs!.length).toBe(85_900);
    const coords = (line: string) => line.trim().split(/\s+/).slice(1).map(Number);
    const lines = text.trimEnd().split('\n');
    expect([p.xs![0], p.ys![0]]).toEqual(coords(lines[6]));
    expect([p.xs![85_899], p.ys![85_899]]).toEqual(coords(lines.at(-2)!));
  });
});
