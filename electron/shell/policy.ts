/**
 * The window's web security policy, as plain functions of the app's origin (http(s)://127.0.0.1:PORT,
 * the embedded server that serves the UI and the router).
 */
import { X509Certificate } from 'node:crypto';
import { normalizeFingerprint } from '../../shared/fingerprint.ts';

/** Whether `url` is on `origin` (the window may navigate only within the app). */
export function isSameOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

/**
 * With TLS the app's own server has a self-signed certificate that no authority vouches for: the
 * window trusts it only on the app's host and only when it is the pinned one (SHA-256, hex).
 * Everything else keeps Chromium's own verification.
 */
export function isPinnedCertificate(hostname: string, certificatePem: string, origin: string, pinnedFingerprint: string): boolean {
  if (!origin.startsWith('https:') || hostname !== new URL(origin).hostname) return false;
  try {
    return normalizeFingerprint(new X509Certificate(certificatePem).fingerprint256) === pinnedFingerprint;
  } catch {
    return false;
  }
}
