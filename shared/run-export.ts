/** A past run as a self-contained JSON document (kiln runs export --format json, and the Runs panel's Export). */
import type { RunRecord } from './protocol/wire.ts';
import { decodeFloat64s, decodeInt32s } from './protocol/codecs.ts';

export function runRecordJson(record: RunRecord): string {
  const { problem } = record;
  const numbers = (bytes: Uint8Array | number[] | undefined, decode: typeof decodeFloat64s | typeof decodeInt32s) =>
    bytes === undefined ? undefined : Array.from(decode(bytes, 'export'));
  return `${JSON.stringify({
    ...record,
    tour: record.tour ? numbers(record.tour, decodeInt32s) : null,
    problem: { ...problem, xs: numbers(problem.xs, decodeFloat64s), ys: numbers(problem.ys, decodeFloat64s), matrix: numbers(problem.matrix, decodeInt32s) },
  })}\n`;
}
