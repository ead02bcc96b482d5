/**
 * A worker's pairing identity, made at start and kept in memory only: an Ed25519 key pair (what the
 * control center authorizes for WAMP-Cryptosign, and what signs its proofs of possession) and an
 * X25519 key pair (the agreement an unattended worker's code is proven under). Nothing secret is shared.
 */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { rawPublicKey } from './pairing-crypto.ts';

export interface WorkerKey {
  /** Raw 32-byte Ed25519 public key, lower-case hex (cryptosign's HELLO.Details.authextra.pubkey). */
  publicKey: string;
  privateKey: KeyObject;
  /** Raw 32-byte X25519 public key, lower-case hex. */
  agreementKey: string;
  agreementPrivateKey: KeyObject;
}

export function generateWorkerKey(): WorkerKey {
  const signing = generateKeyPairSync('ed25519');
  const agreement = generateKeyPairSync('x25519');
  return {
    publicKey: rawPublicKey(signing.publicKey),
    privateKey: signing.privateKey,
    agreementKey: rawPublicKey(agreement.publicKey),
    agreementPrivateKey: agreement.privateKey,
  };
}

/** What the mDNS record and the UI show of a key: 16 hex characters of its SHA-256. */
export function keyFingerprint(publicKey: string): string {
  return createHash('sha256').update(Buffer.from(publicKey, 'hex')).digest('hex').slice(0, 16);
}
