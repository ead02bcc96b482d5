/** File dispatch by extension and content, and the content hash that names problems across machines. */
import { describe, expect, it } from 'vitest';
import { randomUniformProblem } from '../../shared/tsp/instance.ts';
import { Fnv1a64, parseProblemFile, problemHash } from '../../shared/tsp/problem.ts';
import { loadTsplib, readText } from '../helpers/tsplib-fixtures.ts';

describe('parseProblemFile', () => {
  it('dispatches on the extension, then on the content', () => {
    expect(parseProblemFile('berlin52.tsp', readText('berlin52.tsp')).n).toBe(52);
    expect(parseProblemFile('cities.CSV', 'x,y\n1,2\n3,4\n5,6\n').n).toBe(3);
    expect(parseProblemFile('upload', readText('eil51.tsp')).name).toBe('eil51');
    expect(parseProblemFile('upload', '1;2\n3;4\n5;6\n').n).toBe(3);
    expect(() => parseProblemFile('x.tsp', 'x,y\n1,2\n')).toThrow(/x\.tsp:1: unknown keyword 'X,Y'/);
  });
});

describe('problemHash', () => {
  it('is FNV-1a 64 (reference vectors)', () => {
    const hex = (s: string) => {
      const h = new Fnv1a64();
      h.update(new TextEncoder().encode(s));
      return h.hex();
    };
    expect(hex('')).toBe('cbf29ce484222325');
    expect(hex('a')).toBe('af63dc4c8601ec8c');
    expect(hex('foobar')).toBe('85944171f73967e8');
  });

  it('names content: equal for equal data, different when anything that matters changes', () => {
    const a = randomUniformProblem(500, 1);
    const h = problemHash(a);
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(problemHash({ ...randomUniformProblem(500, 1), name: 'renamed', optimum: 5 })).toBe(h);
    const moved = randomUniformProblem(500, 1);
    moved.xs![499] += 1;
    expect(problemHash(moved)).not.toBe(h);
    expect(problemHash({ ...a, edgeWeightType: 'CEIL_2D' })).not.toBe(h);
    expect(problemHash({ ...a, labels: ['x'] })).not.toBe(h);
    expect(problemHash({ ...a, xs: a.ys, ys: a.xs })).not.toBe(h);
    // A view into a larger buffer hashes its own bytes only.
    const big = new Float64Array(1000);
    big.set(a.xs!, 250);
    expect(problemHash({ ...a, xs: big.subarray(250, 750) })).toBe(h);
    const gr17 = loadTsplib('gr17');
    expect(problemHash(gr17)).not.toBe(problemHash({ ...gr17, matrix: gr17.matrix!.map((w, i) => (i === 1 ? w + 1 : w)) }));
  });
});
