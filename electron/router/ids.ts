/**
 * WAMP IDs (spec, "IDs"): integers in [1, 2^53]. Session and publication IDs are global scope and
 * drawn at random, so they reveal nothing about other sessions; registration, subscription and
 * invocation IDs are router scope and may simply count up.
 */
import { getRandomValues } from 'node:crypto';

const MAX_ID = 2 ** 53;
// Reused across calls: publication IDs are drawn on every PUBLISH.
const words = new Uint32Array(2);

/** A uniformly random ID in [1, 2^53]. */
export function randomId(): number {
  getRandomValues(words);
  // 21 high bits and 32 low bits: 53 random bits in [0, 2^53 - 1], shifted into [1, 2^53].
  return (words[0] & 0x1fffff) * 0x100000000 + words[1] + 1;
}

/** Router-scope IDs: 1, 2, 3, ... wrapping after 2^53 (long after any realistic uptime). */
export class SequentialIds {
  private last = 0;

  next(): number {
    this.last = this.last >= MAX_ID ? 1 : this.last + 1;
    return this.last;
  }
}
