/**
 * The one Content-Security-Policy of Kiln's pages, sent as an HTTP header by `kiln serve` (for the
 * Host the page was asked for) and by the desktop window's session. `connect-src` names the page's
 * own router origin exactly: older mobile Safari does not let 'self' match ws:/wss:, and any wider
 * source would let injected script talk to other hosts. `cluster`: the origin (ws:// or wss://) of the
 * external router a `kiln serve --router` page joins, the one other host it may reach.
 */
export function contentSecurityPolicy(origin: string, cluster?: string): string {
  const router = origin.replace(/^http/, 'ws') + (cluster ? ` ${cluster}` : '');
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
