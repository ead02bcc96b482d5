/**
 * Structural validation of what a client sends (spec, "Messages" and "Protocol Errors"): the message
 * is an array, its type is one a client may send, and every element has its type. Anything else is
 * a protocol violation, which ends that session with ABORT and nothing more. URI syntax, option values
 * and authorization are checked later by the broker and dealer, which answer those with ERROR.
 */
import { MessageType, type Dict } from './types.ts';

type Args = unknown[];

export type HelloMessage = [typeof MessageType.HELLO, string, Dict];
export type AbortMessage = [typeof MessageType.ABORT, Dict, string];
export type AuthenticateMessage = [typeof MessageType.AUTHENTICATE, string, Dict];
export type GoodbyeMessage = [typeof MessageType.GOODBYE, Dict, string];
/** Clients send ERROR only in answer to an INVOCATION. */
export type InvocationErrorMessage = [typeof MessageType.ERROR, typeof MessageType.INVOCATION, number, Dict, string, Args?, Dict?];
export type PublishMessage = [typeof MessageType.PUBLISH, number, Dict, string, Args?, Dict?];
export type SubscribeMessage = [typeof MessageType.SUBSCRIBE, number, Dict, string];
export type UnsubscribeMessage = [typeof MessageType.UNSUBSCRIBE, number, number];
export type CallMessage = [typeof MessageType.CALL, number, Dict, string, Args?, Dict?];
export type CancelMessage = [typeof MessageType.CANCEL, number, Dict];
export type RegisterMessage = [typeof MessageType.REGISTER, number, Dict, string];
export type UnregisterMessage = [typeof MessageType.UNREGISTER, number, number];
export type YieldMessage = [typeof MessageType.YIELD, number, Dict, Args?, Dict?];

export type ClientMessage =
  | HelloMessage
  | AbortMessage
  | AuthenticateMessage
  | GoodbyeMessage
  | InvocationErrorMessage
  | PublishMessage
  | SubscribeMessage
  | UnsubscribeMessage
  | CallMessage
  | CancelMessage
  | RegisterMessage
  | UnregisterMessage
  | YieldMessage;

const MAX_ID = 2 ** 53;

export function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_ID;
}

export function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

// Element checks, by letter: i = ID, d = dict, s = string, l = list; an upper-case letter is optional
// (trailing Arguments|list and ArgumentsKw|dict).
const shapeTable: Record<number, { name: string; elements: string }> = {
  [MessageType.HELLO]: { name: 'HELLO', elements: 'sd' },
  [MessageType.ABORT]: { name: 'ABORT', elements: 'ds' },
  [MessageType.AUTHENTICATE]: { name: 'AUTHENTICATE', elements: 'sd' },
  [MessageType.GOODBYE]: { name: 'GOODBYE', elements: 'ds' },
  [MessageType.ERROR]: { name: 'ERROR', elements: 'iidsLD' },
  [MessageType.PUBLISH]: { name: 'PUBLISH', elements: 'idsLD' },
  [MessageType.SUBSCRIBE]: { name: 'SUBSCRIBE', elements: 'ids' },
  [MessageType.UNSUBSCRIBE]: { name: 'UNSUBSCRIBE', elements: 'ii' },
  [MessageType.CALL]: { name: 'CALL', elements: 'idsLD' },
  [MessageType.CANCEL]: { name: 'CANCEL', elements: 'id' },
  [MessageType.REGISTER]: { name: 'REGISTER', elements: 'ids' },
  [MessageType.UNREGISTER]: { name: 'UNREGISTER', elements: 'ii' },
  [MessageType.YIELD]: { name: 'YIELD', elements: 'idLD' },
};

const shapes: Record<number, { name: string; elements: string; required: number }> = Object.fromEntries(
  Object.entries(shapeTable).map(([type, shape]) => [type, { ...shape, required: shape.elements.replace(/[A-Z]/g, '').length }]),
);

function elementOk(kind: string, value: unknown): boolean {
  switch (kind.toLowerCase()) {
    case 'i':
      return isId(value);
    case 'd':
      return isDict(value);
    case 's':
      return typeof value === 'string';
    default:
      return Array.isArray(value);
  }
}

/** The message, typed, when it is structurally valid; else the reason it is not. */
export function parseClientMessage(message: unknown): ClientMessage | string {
  if (!Array.isArray(message) || message.length === 0) return 'a WAMP message must be a non-empty array';
  const type = message[0];
  const shape = typeof type === 'number' ? shapes[type] : undefined;
  if (shape === undefined) return `message type ${JSON.stringify(type)} may not be sent by a client`;
  const { name, elements, required } = shape;
  if (message.length - 1 < required || message.length - 1 > elements.length) {
    return `${name} has ${message.length} elements`;
  }
  for (let i = 1; i < message.length; i++) {
    if (!elementOk(elements[i - 1], message[i])) return `${name} element ${i} has the wrong type`;
  }
  // ERROR's request type: clients answer INVOCATIONs and nothing else.
  if (type === MessageType.ERROR && message[1] !== MessageType.INVOCATION)
    return `ERROR for request type ${String(message[1])}: a client only answers INVOCATION`;
  return message as ClientMessage;
}
