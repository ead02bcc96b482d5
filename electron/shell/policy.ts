/**
 * The window's web security policy, as plain functions of the app's origin (http(s)://127.0.0.1:PORT,
 * the embedded server that serves the UI and the router).
 */
import { X509Certificate } from 'node:crypto';
import { normalizeFingerprint } from '../../shared/fingerprint.ts';

/**
 * Sent as a header on every answer from the app's origin, on top of index.html's meta CSP (both
 * apply): this one pins connections to the app's own router and forbids framing, which a meta
 * element cannot.
 */
export function contentSecurityPolicy(origin: string): string {
  const router = origin.replace(/^http/, 'ws');
  return [
    "default-src 'self'",
    "script-src 'self'",
    `connect-src 'self' ${router}`,
    "img-src 'self' data: blob:",
    "style-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

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
