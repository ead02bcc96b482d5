/**
 * The answer to a WAMP-Cryptosign CHALLENGE, for the Node client (electron/wamp/client.ts, node:crypto)
 * and the page (renderer/src/lib/wamp/cryptosign.ts, tweetnacl): hex of the 64-byte Ed25519 signature
 * of the challenge's 32 bytes, followed by those bytes, as the spec, autobahn and Kiln's router have it.
 * Each side brings its own Ed25519 signer; the checks and the encoding are written once, here.
 */
import { bytesToHex, hexToBytes } from './ed25519-key.ts';

/** Signs `message` with the session's Ed25519 private key: the 64-byte signature. */
export type Ed25519Signer = (message: Uint8Array) => Uint8Array;

/** The AUTHENTICATE signature for a cryptosign CHALLENGE.Extra; throws on a malformed challenge (not 32 bytes of hex). */
export function cryptosignAnswer(extra: unknown, sign: Ed25519Signer): string {
  const challenge = String((extra as { challenge?: unknown } | null)?.challenge ?? '');
  if (!/^[0-9a-fA-F]{64}$/.test(challenge)) throw new Error('the router sent a malformed cryptosign challenge');
  return bytesToHex(sign(hexToBytes(challenge))) + challenge.toLowerCase();
}
