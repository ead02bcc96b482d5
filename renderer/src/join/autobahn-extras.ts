/**
 * The parts of autobahn-browser the join page needs beyond what the control center's typings
 * declare: WAMP-CRA signing, and autobahn.Error for errors an endpoint throws. One cast, here.
 */
import autobahn from 'autobahn-browser';
import type { ErrorFactory } from '../../../shared/wamp.ts';

interface Extras {
  auth_cra: {
    sign(key: string, challenge: string): string;
    derive_key(secret: string, salt: string, iterations: number, keylen: number): string;
  };
  Error: new (uri: string, args: unknown[]) => unknown;
}

const extras = autobahn as unknown as Extras;

/** WAMP-CRA: the router's CHALLENGE.Extra; a salted secret is first derived as the router expects. */
export function signCraChallenge(secret: string, extra: unknown): string {
  const { challenge, salt, iterations, keylen } = (extra ?? {}) as { challenge?: string; salt?: string; iterations?: number; keylen?: number };
  if (typeof challenge !== 'string') throw new Error('the router sent a WAMP-CRA challenge without a challenge string');
  const key = salt ? extras.auth_cra.derive_key(secret, salt, iterations ?? 1000, keylen ?? 32) : secret;
  return extras.auth_cra.sign(key, challenge);
}

export const makeWampError: ErrorFactory = (uri, message) => new extras.Error(uri, [message]);
