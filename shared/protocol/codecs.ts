/**
 * Typed arrays <-> bytes on the wire (little-endian contents under MessagePack/CBOR); decoders also
 * accept plain number arrays so JSON clients can take part.
 */
import { candidatesRevisionOf, type ProblemData } from '../tsp/types.ts';
import { invalid } from './uris.ts';
import type { CandidatesWire, ProblemWire } from './wire.ts';

/** The bytes of a typed array (a view, no copy). */
export function toBytes(array: Int32Array | Float64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function copyAligned(bytes: Uint8Array, width: number, what: string): ArrayBuffer {
  if (bytes.byteLength % width !== 0) invalid(`${what}: ${bytes.byteLength} bytes is not a multiple of ${width}`);
  // Copy: decoders hand out views at arbitrary offsets, and typed arrays need aligned buffers.
  const buffer = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(buffer).set(bytes);
  return buffer;
}

export function decodeInt32s(value: unknown, what: string): Int32Array {
  if (value instanceof Uint8Array) return new Int32Array(copyAligned(value, 4, what));
  // 32-bit only: Int32Array.from would wrap 2 ** 32 + 5 to city 5.
  if (Array.isArray(value) && value.every((v) => typeof v === 'number' && (v | 0) === v)) return Int32Array.from(value as number[]);
  return invalid(`${what}: expected bytes or an array of integers`);
}

export function decodeFloat64s(value: unknown, what: string): Float64Array {
  if (value instanceof Uint8Array) return new Float64Array(copyAligned(value, 8, what));
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return Float64Array.from(value as number[]);
  return invalid(`${what}: expected bytes or an array of numbers`);
}

/** The problem for the wire; its candidate lists only when asked (kiln.problem.get ships them, run records do not). */
export function problemToWire(data: ProblemData, withCandidates = false): ProblemWire {
  const wire: ProblemWire = { name: data.name, n: data.n, edgeWeightType: data.edgeWeightType };
  if (data.comment !== undefined) wire.comment = data.comment;
  if (data.xs) wire.xs = toBytes(data.xs);
  if (data.ys) wire.ys = toBytes(data.ys);
  if (data.matrix) wire.matrix = toBytes(data.matrix);
  if (data.optimum !== undefined) wire.optimum = data.optimum;
  if (withCandidates && data.candidates) {
    wire.candidates = { k: data.candidates.k, neighbours: toBytes(data.candidates.neighbours) };
    wire.candidatesRevision = candidatesRevisionOf(data);
  }
  return wire;
}

/** kiln.problem.get's answer with { part: 'candidates' }: the lists alone, and their revision. */
export function candidatesToWire(data: ProblemData): CandidatesWire {
  if (!data.candidates) return { revision: 0 };
  return { revision: candidatesRevisionOf(data), candidates: { k: data.candidates.k, neighbours: toBytes(data.candidates.neighbours) } };
}
