/**
 * Which Host names the HTTP server answers to and which page origins may open WebSocket sessions.
 *
 * Host: an IP literal, `localhost`, this machine's names (its host name, with and without `.local`,
 * and the mDNS name Kiln advertises), or a name allowed by --allow-host. DNS rebinding always
 * arrives with the attacker's own domain in Host (the browser sends the name it resolved), so an IP
 * literal is never a rebinding, whichever of this machine's addresses (or a NAT's) it names.
 *
 * Origin: absent (Node clients, curl), the server's own origin (the page it served: scheme of this
 * server, the same host and port as the request's Host), or one given by --allow-origin (a
 * reverse proxy on another name). Anything else, `null` included, is a page from somewhere else.
 */
import type { RequestListener } from 'node:http';
import { isIP } from 'node:net';
import { hostname } from 'node:os';

export interface HostPolicy {
  /** Extra host names (lower case, no port) this server answers to: its mDNS name, --allow-host. */
  names: string[];
  /** Extra page origins (scheme://host[:port]) allowed to open WebSocket sessions: --allow-origin. */
  origins: string[];
}

/** This machine's names, and `names`/`origins` given (--allow-host, --allow-origin, the mDNS name). */
export function hostPolicy(names: readonly string[] = [], origins: readonly string[] = []): HostPolicy {
  const own = hostname().toLowerCase();
  return { names: [own, `${own}.local`, ...names.map((name) => name.toLowerCase())], origins: [...origins] };
}

/** The host name of a Host header (brackets and port removed, lower case), or null when it is not one. */
function hostName(host: string | undefined): string | null {
  if (host === undefined || host === '' || /[/@?#\\\s]/.test(host)) return null;
  try {
    return new URL(`http://${host}`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return null;
  }
}

export function hostAllowed(hostHeader: string | undefined, policy: HostPolicy): boolean {
  const name = hostName(hostHeader);
  if (name === null) return false;
  return isIP(name) !== 0 || name === 'localhost' || policy.names.includes(name);
}

export function originAllowed(originHeader: string | undefined, hostHeader: string | undefined, secure: boolean, policy: HostPolicy): boolean {
  if (originHeader === undefined) return true;
  let origin: string;
  try {
    origin = new URL(originHeader).origin;
  } catch {
    return false;
  }
  if (origin === 'null') return false;
  if (policy.origins.includes(origin)) return true;
  if (!hostAllowed(hostHeader, policy)) return false;
  return origin === new URL(`${secure ? 'https' : 'http'}://${hostHeader}`).origin;
}

/** An --allow-origin value as an origin, or a message saying why it is not one. */
export function parseOrigin(value: string): string | Error {
  try {
    const url = new URL(value);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value.replace(/\/$/, '')) return url.origin;
  } catch {
    // reported below
  }
  return new Error(`--allow-origin must be an origin like https://kiln.example.com[:PORT], got '${value}'`);
}

/** An --allow-host value as a lower-case host name, or a message saying why it is not one. */
export function parseHostName(value: string): string | Error {
  const name = value.toLowerCase();
  return /^[a-z0-9]([a-z0-9-]{0,62})(\.[a-z0-9]([a-z0-9-]{0,62}))*\.?$/.test(name)
    ? name.replace(/\.$/, '')
    : new Error(`--allow-host must be a DNS name like kiln.example.com, got '${value}'`);
}

/** Answers requests for a Host this server does not serve with 421 before `handler` sees them. */
export function guardHost(policy: HostPolicy, handler: RequestListener): RequestListener {
  return (request, response) => {
    if (hostAllowed(request.headers.host, policy)) return handler(request, response);
    response.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end('this server does not answer to that host name\n');
  };
}
