/**
 * WAMP-Cryptosign in the page: the user's Ed25519 private key (typed or read from a file they pick,
 * shared/ed25519-key.ts) becomes a tweetnacl key pair (autobahn-browser bundles tweetnacl as
 * autobahn.nacl), kept in memory only; it signs the answer to a CHALLENGE (shared/cryptosign.ts).
 */
import autobahn from 'autobahn-browser';
import { cryptosignAnswer } from '../../../../shared/cryptosign.ts';
import { bytesToHex, checkClaimedPublicKey, hexToBytes, parseEd25519Key } from '../../../../shared/ed25519-key.ts';

export interface CryptosignKey {
  /** The public key (64 hex) announced in HELLO.Details.authextra.pubkey. */
  publicKey: string;
  /** tweetnacl's 64-byte secret key (seed, then public key). */
  secretKey: Uint8Array;
}

/** The key pair of a key text, or an Error saying what is wrong with the text. */
export function cryptosignKey(text: string): CryptosignKey {
  const parsed = parseEd25519Key(text);
  const pair = autobahn.nacl.sign.keyPair.fromSeed(hexToBytes(parsed.seedHex));
  const publicKey = bytesToHex(pair.publicKey);
  checkClaimedPublicKey(parsed, publicKey);
  return { publicKey, secretKey: pair.secretKey };
}

/** The AUTHENTICATE signature for a cryptosign CHALLENGE's extra. */
export function signChallenge(key: CryptosignKey, extra: unknown): string {
  return cryptosignAnswer(extra, (message) => autobahn.nacl.sign.detached(message, key.secretKey));
}
