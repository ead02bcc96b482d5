import type { Rng } from '../../shared/tsp/random.ts';

/** A uniformly random tour of n cities (Fisher-Yates), reproducible from the generator's state. */
export function shuffled(n: number, rng: Rng): Int32Array {
  const t = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [t[i], t[j]] = [t[j], t[i]];
  }
  return t;
}
