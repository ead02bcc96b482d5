import { SerializationError, type Serializer, type WampMessage } from '../types.ts';
import { LastEncoded } from './last-encoded.ts';
import { decodeFailure, mapLeaves } from './tree.ts';

/** The spec's JSON form of binary: a string that starts with NUL, then the base64 of the bytes. */
const BINARY_PREFIX = '\u0000';
/** JSON must escape NUL, so a frame without this escape sequence holds no binary value. */
const ESCAPED_NUL = '\\u0000';

// fatal: a RawSocket JSON frame with invalid UTF-8 is a malformed frame, not text to patch up.
const utf8 = new TextDecoder('utf-8', { fatal: true });

const last = new LastEncoded<Buffer>();

function binaryToString(value: unknown): unknown {
  if (!(value instanceof Uint8Array)) return value;
  return BINARY_PREFIX + Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
}

function stringToBinary(value: unknown): unknown {
  if (typeof value === 'string' && value.startsWith(BINARY_PREFIX)) return Buffer.from(value.slice(1), 'base64');
  return value;
}

function keep(value: unknown): unknown {
  return value;
}

/** WAMP over JSON (wamp.2.json): text frames, binary as "\u0000" + base64 in both directions. */
export const jsonSerializer: Serializer = {
  name: 'json',
  subprotocol: 'wamp.2.json',
  rawSocketId: 1,
  binary: false,

  /**
   * Returns UTF-8 bytes rather than a string (ws sends them as a text frame all the same): the
   * conversion, which ws would otherwise repeat for every recipient, then happens once per message.
   */
  encode(message: WampMessage): Buffer {
    try {
      return last.get(message) ?? last.set(message, Buffer.from(JSON.stringify(mapLeaves(message, binaryToString))));
    } catch (error) {
      throw new SerializationError(`cannot encode message as JSON: ${(error as Error).message}`);
    }
  },

  decode(frame: Uint8Array | string): unknown {
    let parsed: unknown;
    let text: string;
    try {
      text = typeof frame === 'string' ? frame : utf8.decode(frame);
      parsed = JSON.parse(text);
    } catch (error) {
      throw decodeFailure('JSON', error);
    }
    // The walk runs even without binary values: it bounds nesting depth, which JSON.parse does not.
    return mapLeaves(parsed, text.includes(ESCAPED_NUL) ? stringToBinary : keep);
  },
};
