import { Encoder, type Options } from 'cbor-x';
import type { Serializer, WampMessage } from '../types.ts';
import { LastEncoded } from './last-encoded.ts';
import { checkBinaryLeaf, decodeFailure, mapLeaves, widenInteger } from './tree.ts';

/**
 * One instance for the process (cbor-x reuses its output buffer; each result is a fresh slice).
 * tagUint8Array off: binary travels as a plain CBOR byte string, not tag 64, which other WAMP peers
 * would not unwrap. useRecords off and mapsAsObjects on: plain maps decode to plain objects.
 * variableMapSize: the smallest map header, as other CBOR encoders write (cbor-x otherwise always writes a
 * 16-bit map count; valid, but not byte-equal to the spec's vectors).
 * int64AsNumber: 64-bit integers decode as numbers (exact up to 2^53, the WAMP id range), not BigInt;
 * cbor-x's decoder reads this option although its type declarations omit it.
 */
const options: Options & { int64AsNumber: boolean } = {
  useRecords: false,
  mapsAsObjects: true,
  tagUint8Array: false,
  variableMapSize: true,
  int64AsNumber: true,
};
const encoder = new Encoder(options);
const last = new LastEncoded<Uint8Array>();

/** WAMP over CBOR (wamp.2.cbor): binary frames, binary values as native byte strings. */
export const cborSerializer: Serializer = {
  name: 'cbor',
  subprotocol: 'wamp.2.cbor',
  rawSocketId: 3,
  binary: true,

  encode(message: WampMessage): Uint8Array {
    return last.get(message) ?? last.set(message, encoder.encode(mapLeaves(message, widenInteger)));
  },

  decode(frame: Uint8Array | string): unknown {
    let decoded: unknown;
    try {
      // cbor-x rejects trailing bytes and declared lengths beyond the frame before allocating.
      decoded = encoder.decode(typeof frame === 'string' ? Buffer.from(frame, 'latin1') : frame);
    } catch (error) {
      throw decodeFailure('CBOR', error);
    }
    return mapLeaves(decoded, checkBinaryLeaf);
  },
};
