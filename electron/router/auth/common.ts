/**
 * What the authentication methods share: the error URIs they answer with, how they read the
 * client's HELLO.Details, and how a failing hook is contained. Nothing here ever sees a secret in
 * a form that could end up in a message.
 */
import type { Dict, HelloOutcome } from '../types.ts';

export type Reject = Extract<HelloOutcome, { kind: 'reject' }>;

/**
 * Wrong or missing credentials, unknown principals, refused transports. Crossbar.io answers all of
 * these with this URI (its `Deny` default), and autobahn clients are written against it, so we do
 * too, rather than the finer-grained URIs of the newer spec draft (no_such_principal, authentication_denied).
 */
export const NOT_AUTHORIZED = 'wamp.error.not_authorized';

/** The spec's "fail secure" answer: authentication could not be completed (a hook threw, returned garbage). */
export const AUTHENTICATION_FAILED = 'wamp.error.authentication_failed';

/** Longest authid accepted from a client; longer ones are refused before any lookup. */
const MAX_AUTHID_LENGTH = 256;

export function reject(error: string, message: string): Reject {
  return { kind: 'reject', error, message };
}

// C0 controls and DEL: an authid with these would corrupt log lines and meta events.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** True for strings usable as an authid: non-empty, bounded, no control characters. */
function isUsableAuthid(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_AUTHID_LENGTH && !CONTROL.test(value);
}

/**
 * HELLO.Details.authid: undefined when the client sent none, null when it sent something unusable
 * (wrong type, empty, too long, control characters), else the authid.
 */
export function requestedAuthid(details: Dict): string | undefined | null {
  const authid = details.authid;
  if (authid === undefined || authid === null) return undefined;
  return isUsableAuthid(authid) ? authid : null;
}

/** HELLO.Details.authextra as a plain object; {} when absent or not an object. */
export function authextraOf(details: Dict): Dict {
  const extra = details.authextra;
  return typeof extra === 'object' && extra !== null && !Array.isArray(extra) ? (extra as Dict) : {};
}

/** Quotes a client-supplied value for a message (it was bounded before; this keeps it on one line). */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/**
 * Runs a user hook (a verify function, a custom method) so that a throw or rejection becomes the
 * fail-secure reject. The thrown error is deliberately dropped: it may quote the credential.
 */
export async function failSecure<T>(what: string, hook: () => Promise<T> | T): Promise<{ ok: true; value: T } | { ok: false; reject: Reject }> {
  try {
    return { ok: true, value: await hook() };
  } catch {
    return { ok: false, reject: reject(AUTHENTICATION_FAILED, `${what} failed`) };
  }
}
