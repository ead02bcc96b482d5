import { Packr } from 'msgpackr';
import type { Serializer, WampMessage } from '../types.ts';
import { LastEncoded } from './last-encoded.ts';
import { checkBinaryLeaf, decodeFailure, mapLeaves, widenInteger } from './tree.ts';

/**
 * One instance for the process: msgpackr reuses its output buffer between calls (each result is a
 * fresh slice, safe to hand to a socket). useRecords off: records are a msgpackr extension other WAMP
 * peers cannot read. mapsAsObjects: maps decode to plain objects, never Map. variableMapSize: the smallest
 * map header, as other MessagePack encoders write (msgpackr otherwise always writes map16). int64AsType 'number':
 * 64-bit integers decode as numbers (exact up to 2^53, the WAMP id range), not BigInt.
 */
const packr = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true, int64AsType: 'number' });
const last = new LastEncoded<Uint8Array>();

/** WAMP over MessagePack (wamp.2.msgpack): binary frames, binary values as native bin. */
export const msgpackSerializer: Serializer = {
  name: 'msgpack',
  subprotocol: 'wamp.2.msgpack',
  rawSocketId: 2,
  binary: true,

  encode(message: WampMessage): Uint8Array {
    return last.get(message) ?? last.set(message, packr.pack(mapLeaves(message, widenInteger)));
  },

  decode(frame: Uint8Array | string): unknown {
    let decoded: unknown;
    try {
      // msgpackr rejects trailing bytes and declared lengths beyond the frame before allocating.
      decoded = packr.unpack(typeof frame === 'string' ? Buffer.from(frame, 'latin1') : frame);
    } catch (error) {
      throw decodeFailure('MessagePack', error);
    }
    return mapLeaves(decoded, checkBinaryLeaf);
  },
};
