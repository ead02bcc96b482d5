/**
 * The control center's own long-lived Ed25519 key, which signs every invitation it sends a worker.
 * Made once and kept in the state directory next to the TLS certificate
 * (`<stateDir>/identity/control-center-ed25519.pem`, mode 0600), so a worker that paired once knows
 * it again after a restart (and refuses, loudly, a control center of the same name with another key).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rawPublicKey } from './pairing-crypto.ts';

export interface ControlCenterKey {
  /** Raw 32-byte Ed25519 public key, lower-case hex (what invitations carry). */
  publicKey: string;
  privateKey: KeyObject;
  /** SHA-256 of the public key, hex: what the worker shows and pins, and the Machines panel shows. */
  fingerprint: string;
}

export function controlCenterKeyFrom(privateKey: KeyObject): ControlCenterKey {
  const publicKey = rawPublicKey(createPublicKey(privateKey));
  return { publicKey, privateKey, fingerprint: controlCenterKeyFingerprint(publicKey) };
}

export function controlCenterKeyFingerprint(publicKey: string): string {
  return createHash('sha256').update(Buffer.from(publicKey, 'hex')).digest('hex');
}

/** A key for this launch only (startKiln without a state directory: tests, embedders). */
export function ephemeralControlCenterKey(): ControlCenterKey {
  return controlCenterKeyFrom(generateKeyPairSync('ed25519').privateKey);
}

export function loadOrCreateControlCenterKey(stateDir: string): ControlCenterKey {
  const dir = join(stateDir, 'identity');
  const path = join(dir, 'control-center-ed25519.pem');
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(path, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  }
  // A key others can read is a key others can sign invitations with.
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0)
    throw new Error(`${path} is readable by other users: chmod 600 it (or delete it to make a new identity)`);
  const privateKey = createPrivateKey(readFileSync(path, 'utf8'));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${path} is not an Ed25519 private key`);
  return controlCenterKeyFrom(privateKey);
}
