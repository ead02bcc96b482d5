/**
 * WAMP IDs (spec, "IDs"): integers in [1, 2^53]. Session and publication IDs are global scope and
 * drawn at random, so they reveal nothing about other sessions; registration, subscription and
 * invocation IDs are router scope and may simply count up.
 */
import { getRandomValues } from 'node:crypto';

const MAX_ID = 2 ** 53;
// Random words are drawn in batches: publication IDs are needed on every PUBLISH, and one
// getRandomValues call per ID showed up in fan-out profiles.
const BATCH = 512;
const words = new Uint32Array(BATCH);
let next = BATCH;

/** A uniformly random ID in [1, 2^53]. */
export function randomId(): number {
  if (next >= BATCH) {
    getRandomValues(words);
    next = 0;
  }
  const high = words[next++] & 0x1fffff;
  const low = words[next++];
  // 21 high bits and 32 low bits: 53 random bits in [0, 2^53 - 1], shifted into [1, 2^53].
  return high * 0x100000000 + low + 1;
}

/** Router-scope IDs: 1, 2, 3, ... wrapping after 2^53 (long after any realistic uptime). */
export class SequentialIds {
  private last = 0;

  next(): number {
    this.last = this.last >= MAX_ID ? 1 : this.last + 1;
    return this.last;
  }
}
