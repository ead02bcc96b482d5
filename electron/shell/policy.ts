/**
 * The window's web security policy, as plain functions of the app's origin (http://127.0.0.1:PORT,
 * the embedded server that serves the UI and the router).
 */

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
