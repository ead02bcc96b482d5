import type { ProblemData } from '../../../shared/tsp/types.ts';

/** mulberry32: a tiny seeded generator, so the same (count, seed) always gives the same cities. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` cities uniformly in a 10,000 x 10,000 square (integer coordinates, EUC_2D). */
export function randomProblem(count: number, seed: number): ProblemData {
  const random = seededRandom(seed);
  const xs = new Float64Array(count);
  const ys = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    xs[i] = Math.floor(random() * 10_000);
    ys[i] = Math.floor(random() * 10_000);
  }
  return { name: `random${count}-seed${seed}`, n: count, edgeWeightType: 'EUC_2D', xs, ys };
}
