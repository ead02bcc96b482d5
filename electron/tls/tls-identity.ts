/**
 * The control center's TLS identity: a self-signed certificate made once and kept under the state
 * directory (`<stateDir>/tls/cert.pem`, `key.pem`), so its fingerprint, which invite links, paired
 * workers and mDNS records carry, stays the same across restarts.
 */
import { normalizeFingerprint } from '../../shared/fingerprint.ts';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createSelfSignedCertificate } from './self-signed.ts';

export interface TlsIdentity {
  cert: string;
  key: string;
  /** SHA-256 of the certificate's DER, 64 lower-case hex characters (what `fp=` carries). */
  fingerprint: string;
}

/** $XDG_CONFIG_HOME/kiln, or ~/.config/kiln. */
export function defaultStateDir(): string {
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'kiln');
}

export function loadOrCreateTlsIdentity(stateDir: string): TlsIdentity {
  const dir = join(stateDir, 'tls');
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    const made = createSelfSignedCertificate('Kiln control center');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // The key first, owner-only; a crash between the two writes leaves no certificate without its key.
    writeFileSync(keyPath, made.key, { mode: 0o600 });
    writeFileSync(certPath, made.cert, { mode: 0o644 });
  }
  const cert = readFileSync(certPath, 'utf8');
  const key = readFileSync(keyPath, 'utf8');
  const x509 = new X509Certificate(cert);
  // A certificate and key that do not belong together (a hand-edited directory) would fail every handshake: say so now.
  if (!x509.checkPrivateKey(createPrivateKey(key))) throw new Error(`${keyPath} is not the key of ${certPath}`);
  // Node's fingerprint256 is always a SHA-256 in "AB:CD:…" form.
  return { cert, key, fingerprint: normalizeFingerprint(x509.fingerprint256)! };
}
