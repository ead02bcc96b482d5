/**
 * WAMP-CRA (challenge-response): the router sends a JSON challenge string, the client answers with
 * base64(HMAC-SHA256(key, challenge)), so the secret never travels. The challenge carries a fresh
 * random nonce, which is what defeats replay.
 *
 * Salted secrets: the principal's `secret` is then not the password but the key derived from it,
 * base64(PBKDF2-HMAC-SHA256(password, salt, iterations, keylen)), the router's store holds no password,
 * and CHALLENGE.Extra tells the client the salt, iterations and keylen to derive the same key
 * (autobahn's auth_cra.derive_key). In both cases the HMAC key is the UTF-8 bytes of `secret`,
 * which is how autobahn signs with the derived key's base64 text.
 */
import { createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthIdentity, AuthMethod, Dict, HelloContext, HelloOutcome } from '../types.ts';
import { NOT_AUTHORIZED, type Reject, quote, reject, requestedAuthid } from './common.ts';

export interface CraPrincipal {
  /** The shared secret; with `salt`, the derived key (see deriveCraKey), never the password. */
  secret: string;
  role: string;
  salt?: string;
  /** PBKDF2 iterations for a salted secret. Default 1000 (autobahn's and Crossbar.io's). */
  iterations?: number;
  /** Derived key length in bytes for a salted secret. Default 32. */
  keylen?: number;
}

/** A lookup's answer for an authid it knows but will not admit: the ABORT message says why (e.g. "invite expired"). */
export interface CraRefusal {
  refused: string;
}

export interface WampCraOptions {
  /** authid -> principal. */
  principals: Record<string, CraPrincipal>;
  /**
   * Principals not in `principals`, looked up at every HELLO (so expiry and revocation take effect
   * at the next join): undefined refuses the authid as unknown, a CraRefusal with its own message.
   * Used for Kiln's invites.
   */
  lookup?: (authid: string) => CraPrincipal | CraRefusal | undefined;
}

/** The derived key a salted principal's `secret` must hold; equal to autobahn's auth_cra.derive_key. */
export function deriveCraKey(password: string, salt: string, iterations = 1000, keylen = 32): string {
  return pbkdf2Sync(password, salt, iterations, keylen, 'sha256').toString('base64');
}

interface StoredPrincipal {
  key: Buffer;
  role: string;
  /** The salt/iterations/keylen members of CHALLENGE.Extra, or none for an unsalted secret. */
  salting: Dict;
}

interface CraState {
  authid: string;
  role: string;
  authprovider: string;
  expected: Buffer;
}

export function wampcraAuth({ principals, lookup }: WampCraOptions): AuthMethod {
  const stored = new Map<string, StoredPrincipal>();
  for (const [authid, principal] of Object.entries(principals)) {
    stored.set(authid, compile(authid, principal));
  }

  return {
    name: 'wampcra',

    hello({ details, session }: HelloContext): HelloOutcome {
      const authid = requestedAuthid(details);
      if (authid === undefined) return reject(NOT_AUTHORIZED, 'WAMP-CRA requires an authid in HELLO');
      if (authid === null) return reject(NOT_AUTHORIZED, 'HELLO.Details.authid is not a usable authid');
      const found = stored.get(authid) ?? lookup?.(authid);
      if (found === undefined) return reject(NOT_AUTHORIZED, `no principal with authid ${quote(authid)} exists`);
      if ('refused' in found) return reject(NOT_AUTHORIZED, found.refused);
      const principal = 'key' in found ? found : compile(authid, found);
      const authprovider = stored.has(authid) ? 'static' : 'dynamic';

      // Member order and formats follow Crossbar.io's challenge (nonce of 64 characters, ISO timestamp).
      const challenge = JSON.stringify({
        authid,
        authrole: principal.role,
        authmethod: 'wampcra',
        authprovider,
        session: session ?? null,
        nonce: randomBytes(48).toString('base64'),
        timestamp: new Date().toISOString(),
      });
      const expected = Buffer.from(createHmac('sha256', principal.key).update(challenge, 'utf8').digest('base64'), 'utf8');
      const state: CraState = { authid, role: principal.role, authprovider, expected };
      return { kind: 'challenge', extra: { challenge, ...principal.salting }, state };
    },

    authenticate(signature: string, _extra: Dict, state: unknown): AuthIdentity | Reject {
      const { authid, role, authprovider, expected } = state as CraState;
      // The expected signature's length (44 base64 characters) is public; only its content is compared in constant time.
      const valid = typeof signature === 'string' && signature.length === expected.length && timingSafeEqual(Buffer.from(signature, 'utf8'), expected);
      if (!valid) return reject(NOT_AUTHORIZED, `invalid WAMP-CRA signature for authid ${quote(authid)}`);
      return { authid, authrole: role, authmethod: 'wampcra', authprovider };
    },
  };
}

function compile(authid: string, principal: CraPrincipal): StoredPrincipal {
  const where = `wampcraAuth: principal ${quote(authid)}`;
  if (typeof principal.secret !== 'string' || principal.secret.length === 0) throw new TypeError(`${where} needs a non-empty secret`);
  if (typeof principal.role !== 'string' || principal.role.length === 0) throw new TypeError(`${where} needs a role`);
  const key = Buffer.from(principal.secret, 'utf8');
  if (principal.salt === undefined) return { key, role: principal.role, salting: {} };

  const { salt, iterations = 1000, keylen = 32 } = principal;
  if (typeof salt !== 'string' || salt.length === 0) throw new TypeError(`${where}: salt must be a non-empty string`);
  if (!Number.isSafeInteger(iterations) || iterations < 1) throw new TypeError(`${where}: iterations must be a positive integer`);
  // autobahn derives keylen / 4 32-bit words, so only multiples of 4 round-trip.
  if (!Number.isSafeInteger(keylen) || keylen < 4 || keylen % 4 !== 0) throw new TypeError(`${where}: keylen must be a positive multiple of 4`);
  return { key, role: principal.role, salting: { salt, iterations, keylen } };
}
