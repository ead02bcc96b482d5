import { SerializationError } from '../types.ts';

/**
 * Deepest nesting accepted in a decoded message. A WAMP message is an array holding dicts and the
 * application payload, so this leaves applications about 60 levels while bounding the recursion of
 * every later walk over the message (re-encoding for another serializer, the router's own checks).
 */
export const MAX_DEPTH = 64;

/** Maps one scalar or binary leaf; returns the same value when nothing changes. */
export type Leaf = (value: unknown) => unknown;

/**
 * Returns `value` with `leaf` applied to every scalar and binary (Uint8Array) leaf, copying only the
 * containers on the path to a changed leaf: the common case allocates nothing, and a message the broker
 * shares between recipients on different serializers is never mutated.
 *
 * Throws SerializationError for nesting deeper than MAX_DEPTH (which also rejects the cycles a CBOR
 * shared-reference tag can build) and for objects that are neither arrays, plain dicts nor binary
 * (Date, Map, CBOR tags, msgpack extension values): a WAMP payload holds only what all three
 * serializers can carry.
 */
export function mapLeaves(value: unknown, leaf: Leaf, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return leaf(value);
  if (depth >= MAX_DEPTH) throw new SerializationError(`message nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const mapped = mapLeaves(item, leaf, depth + 1);
      if (mapped !== item) (copy ??= value.slice())[i] = mapped;
    }
    return copy ?? value;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new SerializationError(`unsupported value type: ${(value as object).constructor?.name ?? 'unknown'}`);
  }
  const dict = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key in dict) {
    const item = dict[key];
    const mapped = mapLeaves(item, leaf, depth + 1);
    if (mapped !== item) (copy ??= { ...dict })[key] = mapped;
  }
  return copy ?? value;
}

/** Leaf for decoded binary formats: everything but big integers (CBOR bignums) is already a WAMP value. */
export function checkBinaryLeaf(value: unknown): unknown {
  if (typeof value === 'bigint') throw new SerializationError('integer outside the safe range');
  return value;
}

/**
 * Leaf for encoding to MessagePack and CBOR: msgpackr and cbor-x write integers beyond 32 bits as
 * float64, but WAMP ids (up to 2^53) must travel as integers (autobahn-python rejects a float session id).
 * As BigInt they are written as 64-bit integers.
 */
export function widenInteger(value: unknown): unknown {
  if (typeof value === 'number' && (value >= 0x100000000 || value < -0x80000000) && Number.isSafeInteger(value)) {
    return BigInt(value);
  }
  return value;
}

/** Wraps a decoder's failure (including a stack overflow on deep input) as the router's error type. */
export function decodeFailure(format: string, error: unknown): SerializationError {
  if (error instanceof SerializationError) return error;
  return new SerializationError(`invalid ${format} frame: ${error instanceof Error ? error.message : String(error)}`);
}
