/**
 * Structural validation of what a client sends (spec, "Messages" and "Protocol Errors"): the message
 * is an array, its type is one a client may send, and every element has its type. Anything else is
 * a protocol violation, which ends that session with ABORT and nothing more. URI syntax, option values
 * and authorization are checked later by the broker and dealer, which answer those with ERROR.
 */
import type { Dict } from './types.ts';

type Args = unknown[];

export type HelloMessage = [1, string, Dict];
export type AbortMessage = [3, Dict, string];
export type AuthenticateMessage = [5, string, Dict];
export type GoodbyeMessage = [6, Dict, string];
/** Clients send ERROR only in answer to an INVOCATION (68). */
export type InvocationErrorMessage = [8, 68, number, Dict, string, Args?, Dict?];
export type PublishMessage = [16, number, Dict, string, Args?, Dict?];
export type SubscribeMessage = [32, number, Dict, string];
export type UnsubscribeMessage = [34, number, number];
export type CallMessage = [48, number, Dict, string, Args?, Dict?];
export type CancelMessage = [49, number, Dict];
export type RegisterMessage = [64, number, Dict, string];
export type UnregisterMessage = [66, number, number];
export type YieldMessage = [70, number, Dict, Args?, Dict?];

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
  1: { name: 'HELLO', elements: 'sd' },
  3: { name: 'ABORT', elements: 'ds' },
  5: { name: 'AUTHENTICATE', elements: 'sd' },
  6: { name: 'GOODBYE', elements: 'ds' },
  8: { name: 'ERROR', elements: 'iidsLD' },
  16: { name: 'PUBLISH', elements: 'idsLD' },
  32: { name: 'SUBSCRIBE', elements: 'ids' },
  34: { name: 'UNSUBSCRIBE', elements: 'ii' },
  48: { name: 'CALL', elements: 'idsLD' },
  49: { name: 'CANCEL', elements: 'id' },
  64: { name: 'REGISTER', elements: 'ids' },
  66: { name: 'UNREGISTER', elements: 'ii' },
  70: { name: 'YIELD', elements: 'idLD' },
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
  if (type === 8 && message[1] !== 68) return `ERROR for request type ${String(message[1])}: a client only answers INVOCATION`;
  return message as ClientMessage;
}
