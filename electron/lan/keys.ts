/**
 * A worker's pairing identity: an Ed25519 key pair made at start and kept in memory only. Its
 * public key is what the control center authorizes for WAMP-Cryptosign; nothing secret is shared.
 */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface WorkerKey {
  /** Raw 32-byte public key, lower-case hex (cryptosign's HELLO.Details.authextra.pubkey). */
  publicKey: string;
  privateKey: KeyObject;
}

export const PUBLIC_KEY_HEX = /^[0-9a-f]{64}$/;

export function generateWorkerKey(): WorkerKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  // The raw key is the last 32 bytes of the DER SubjectPublicKeyInfo (RFC 8410).
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return { publicKey: raw.toString('hex'), privateKey };
}

/** What the mDNS record and the UI show of a key: 16 hex characters of its SHA-256. */
export function keyFingerprint(publicKey: string): string {
  return createHash('sha256').update(Buffer.from(publicKey, 'hex')).digest('hex').slice(0, 16);
}
