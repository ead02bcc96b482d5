/**
 * Serves the built renderer (dist/renderer) over HTTP, read-only: GET/HEAD of files under the root,
 * no directory listings, no path escapes, and security headers on every answer.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { contentSecurityPolicy } from './csp.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  // Lets Web Workers share memory (SharedArrayBuffer) for prompt slice stops in browser donors.
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * `secure`: served over HTTPS. The CSP names the origin the page was asked for (the Host header, which
 * the server's host policy has already checked), so the page may connect to its own router only
 * (and to `clusterOrigin`, the external router of a `kiln serve --router`).
 */
export function serveStatic(root: string, missingHint: string, secure = false, clusterOrigin?: string): RequestHandler {
  const base = normalize(root + sep);
  return (request, response) => {
    const securityHeaders = {
      ...SECURITY_HEADERS,
      'Content-Security-Policy': contentSecurityPolicy(`${secure ? 'https' : 'http'}://${request.headers.host ?? 'localhost'}`, clusterOrigin),
    };
    const reply = (status: number, body: string) => {
      response.writeHead(status, { ...securityHeaders, 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return reply(405, 'method not allowed\n');
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    } catch {
      return reply(400, 'bad request\n');
    }
    if (pathname.endsWith('/')) pathname += 'index.html';
    // Clean page URLs: /join serves join.html (invite links point there).
    else if (extname(pathname) === '') pathname += '.html';
    const file = normalize(join(base, pathname));
    if (!file.startsWith(base) || pathname.includes('\0')) return reply(404, 'not found\n');
    stat(file).then(
      (info) => {
        if (!info.isFile()) return reply(404, 'not found\n');
        const headers = {
          ...securityHeaders,
          'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
          'Content-Length': info.size,
          'Cache-Control': pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        };
        if (request.method === 'HEAD') return response.writeHead(200, headers).end();
        // Headers only once the file is open: opening can still fail (out of descriptors, the file
        // replaced by a rebuild), and an unhandled stream error would take the whole process down.
        const stream = createReadStream(file);
        stream.once('open', () => {
          response.writeHead(200, headers);
          stream.pipe(response);
        });
        stream.once('error', () => {
          if (response.headersSent) response.destroy();
          else reply(500, 'cannot read the file\n');
        });
        response.once('close', () => stream.destroy());
      },
      () => reply(404, pathname === '/index.html' ? missingHint : 'not found\n'),
    );
  };
}
