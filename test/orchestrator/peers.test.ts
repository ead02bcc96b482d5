import { describe, expect, it } from 'vitest';
import { shareOf } from '../../electron/orchestrator/peers.ts';

describe("orchestrators' shares of a callee's slots", () => {
  it('add up to exactly its concurrency, differ by at most one, and give a lone orchestrator all of them', () => {
    for (let count = 1; count <= 6; count++) {
      for (let concurrency = 1; concurrency <= 20; concurrency++) {
        for (const callee of [1, 7, 123456789, 2 ** 52 + 3]) {
          const shares = Array.from({ length: count }, (_, rank) => shareOf(concurrency, callee, rank, count));
          expect(shares.reduce((sum, share) => sum + share, 0)).toBe(concurrency);
          expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
        }
      }
    }
    expect(shareOf(8, 5, 0, 1)).toBe(8);
  });

  it('spreads single-slot callees over the orchestrators instead of giving them all to one', () => {
    const owners = [10, 11, 12, 13].map((callee) => [0, 1].find((rank) => shareOf(1, callee, rank, 2) === 1));
    expect(new Set(owners)).toEqual(new Set([0, 1]));
  });
});
