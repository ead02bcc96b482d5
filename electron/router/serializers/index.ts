import type { Serializer } from '../types.ts';
import { cborSerializer } from './cbor.ts';
import { jsonSerializer } from './json.ts';
import { msgpackSerializer } from './msgpack.ts';

export { cborSerializer, jsonSerializer, msgpackSerializer };

/** All serializers. When a client offers several, the router takes the first it supports in the client's order. */
export const serializers: readonly Serializer[] = [msgpackSerializer, cborSerializer, jsonSerializer];

const bySubprotocol = new Map(serializers.map((s) => [s.subprotocol, s]));
const byRawSocketId = new Map(serializers.map((s) => [s.rawSocketId, s]));

/** The serializer for a WebSocket subprotocol ("wamp.2.json"), or undefined. */
export function serializerForSubprotocol(subprotocol: string): Serializer | undefined {
  return bySubprotocol.get(subprotocol);
}

/** The serializer for a RawSocket handshake's serializer id (1 JSON, 2 MessagePack, 3 CBOR), or undefined. */
export function serializerForRawSocketId(id: number): Serializer | undefined {
  return byRawSocketId.get(id);
}
