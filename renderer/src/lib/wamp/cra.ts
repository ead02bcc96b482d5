/** WAMP-CRA answers for pages: the control center's cluster sign-in and the join page's invite. */
import autobahn from 'autobahn-browser';

/** The signature of the router's CHALLENGE.Extra; a salted secret is first derived as the router expects. */
export function signCraChallenge(secret: string, extra: unknown): string {
  const { challenge, salt, iterations, keylen } = (extra ?? {}) as { challenge?: string; salt?: string; iterations?: number; keylen?: number };
  if (typeof challenge !== 'string') throw new Error('the router sent a WAMP-CRA challenge without a challenge string');
  const key = salt ? autobahn.auth_cra.derive_key(secret, salt, iterations ?? 1000, keylen ?? 32) : secret;
  return autobahn.auth_cra.sign(key, challenge);
}
