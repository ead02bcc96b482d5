/**
 * WAMP-Cryptosign (Ed25519): the client announces its public key in HELLO.Details.authextra.pubkey,
 * the router sends 32 random bytes as CHALLENGE.Extra.challenge, and the client returns, hex encoded,
 * the 64-byte signature followed by the 32 bytes it signed (96 bytes, the spec's and autobahn's
 * format). The router identifies the principal by the public key; an authid in HELLO, when given,
 * must be the one that key belongs to.
 *
 * TLS channel binding and router authentication (authextra.challenge) are not offered: the spec lets
 * a router continue without binding, so CHALLENGE.Extra.channel_binding is always null.
 */
import { type KeyObject, createPublicKey, randomBytes, timingSafeEqual, verify } from 'node:crypto';
import type { AuthIdentity, AuthMethod, Dict, HelloContext, HelloOutcome } from '../types.ts';
import { NOT_AUTHORIZED, type Reject, authextraOf, quote, reject, requestedAuthid } from './common.ts';

export interface CryptosignPrincipal {
  /** Ed25519 public keys (32 bytes, hex) this principal may authenticate with (Crossbar.io's authorized_keys). */
  authorizedKeys: string[];
  role: string;
}

export interface CryptosignOptions {
  /** authid -> principal. A public key may belong to one principal only. */
  principals: Record<string, CryptosignPrincipal>;
  /**
   * Keys not in `principals`, looked up (lower-case hex) at every HELLO, so that a key revoked or
   * expired is refused at the next join: undefined refuses the key. Used for Kiln's paired workers.
   */
  lookup?: (pubkey: string) => { authid: string; role: string } | undefined;
}

// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the raw 32-byte key follows it.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PUBKEY_HEX = /^[0-9a-fA-F]{64}$/;
const SIGNED_MESSAGE_HEX = /^[0-9a-fA-F]{192}$/;

interface KeyEntry {
  authid: string;
  role: string;
  key: KeyObject;
  authprovider: 'static' | 'dynamic';
}

interface CryptosignState {
  entry: KeyEntry;
  challenge: Buffer;
}

/** Builds a node:crypto public key from the raw 32-byte hex form clients send. */
function ed25519PublicKey(hex: string): KeyObject {
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' });
}

export function cryptosignAuth({ principals, lookup }: CryptosignOptions): AuthMethod {
  // pubkey (lower-case hex) -> principal: clients are found by key, so one key names one principal.
  const byKey = new Map<string, KeyEntry>();
  for (const [authid, principal] of Object.entries(principals)) {
    const where = `cryptosignAuth: principal ${quote(authid)}`;
    if (typeof principal.role !== 'string' || principal.role.length === 0) throw new TypeError(`${where} needs a role`);
    if (!Array.isArray(principal.authorizedKeys)) throw new TypeError(`${where} needs authorizedKeys`);
    for (const hex of principal.authorizedKeys) {
      if (typeof hex !== 'string' || !PUBKEY_HEX.test(hex)) throw new TypeError(`${where}: authorized key is not 32 bytes of hex`);
      const pubkey = hex.toLowerCase();
      const other = byKey.get(pubkey);
      if (other !== undefined) throw new TypeError(`${where}: key ${pubkey} is already authorized for ${quote(other.authid)}`);
      byKey.set(pubkey, { authid, role: principal.role, key: ed25519PublicKey(pubkey), authprovider: 'static' });
    }
  }

  const dynamicEntry = (pubkey: string): KeyEntry | undefined => {
    const found = lookup?.(pubkey);
    return found === undefined ? undefined : { ...found, key: ed25519PublicKey(pubkey), authprovider: 'dynamic' };
  };

  return {
    name: 'cryptosign',

    hello({ details }: HelloContext): HelloOutcome {
      const pubkey = authextraOf(details).pubkey;
      if (typeof pubkey !== 'string' || !PUBKEY_HEX.test(pubkey)) {
        return reject(NOT_AUTHORIZED, 'cryptosign requires HELLO.Details.authextra.pubkey: an Ed25519 public key as 64 hex characters');
      }
      const entry = byKey.get(pubkey.toLowerCase()) ?? dynamicEntry(pubkey.toLowerCase());
      if (entry === undefined) return reject(NOT_AUTHORIZED, `no principal is authorized for public key ${pubkey.toLowerCase()}`);

      const authid = requestedAuthid(details);
      if (authid === null) return reject(NOT_AUTHORIZED, 'HELLO.Details.authid is not a usable authid');
      if (authid !== undefined && authid !== entry.authid) {
        return reject(NOT_AUTHORIZED, `public key is not authorized for authid ${quote(authid)}`);
      }

      const challenge = randomBytes(32);
      const state: CryptosignState = { entry, challenge };
      return { kind: 'challenge', extra: { challenge: challenge.toString('hex'), channel_binding: null }, state };
    },

    authenticate(signature: string, _extra: Dict, state: unknown): AuthIdentity | Reject {
      const { entry, challenge } = state as CryptosignState;
      if (typeof signature !== 'string' || !SIGNED_MESSAGE_HEX.test(signature)) {
        return reject(NOT_AUTHORIZED, 'cryptosign signature must be 96 bytes of hex: the signature followed by the challenge');
      }
      const signed = Buffer.from(signature, 'hex');
      const message = signed.subarray(64);
      // The message must be our challenge (else the client signed something else); both are public, the
      // constant-time compare is only habit. Then the signature must verify under the principal's key.
      if (!timingSafeEqual(message, challenge) || !verify(null, message, entry.key, signed.subarray(0, 64))) {
        return reject(NOT_AUTHORIZED, `invalid cryptosign signature for authid ${quote(entry.authid)}`);
      }
      return { authid: entry.authid, authrole: entry.role, authmethod: 'cryptosign', authprovider: entry.authprovider };
    },
  };
}
