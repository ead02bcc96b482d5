/**
 * Join links: `http(s)://HOST:PORT/join#invite=<inviteId>.<secret>[&fp=<sha256>]`. The browser join
 * page and `kiln worker --join` read the same link; the secret sits in the fragment, which browsers
 * never send to a server. The router is at ws(s)://HOST:PORT/ws.
 */
import { normalizeFingerprint } from '../../shared/fingerprint.ts';

export interface JoinLink {
  inviteId: string;
  secret: string;
  /** ws:// or wss:// URL of the router. */
  routerUrl: string;
  /** SHA-256 fingerprint of the router's TLS certificate (hex, no colons), when it serves wss. */
  tlsFingerprint?: string;
}

const PART = /^[A-Za-z0-9_-]{8,128}$/;

export function formatJoinLink(baseUrl: string, inviteId: string, secret: string, tlsFingerprint?: string): string {
  const url = new URL('/join', baseUrl);
  url.hash = `invite=${inviteId}.${secret}${tlsFingerprint ? `&fp=${tlsFingerprint}` : ''}`;
  return url.toString();
}

/** Parses a join link, with an error that says what is wrong (never quoting the secret). */
export function parseJoinLink(link: string): JoinLink {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new Error('the join link is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('the join link must be an http:// or https:// URL');
  const params = new URLSearchParams(url.hash.replace(/^#/, ''));
  const [inviteId, secret, ...rest] = (params.get('invite') ?? '').split('.');
  if (inviteId === undefined || secret === undefined || rest.length > 0 || !PART.test(inviteId) || !PART.test(secret)) {
    throw new Error('the join link has no valid #invite=<id>.<secret> part');
  }
  const fpParam = params.get('fp');
  const fp = fpParam === null ? undefined : (normalizeFingerprint(fpParam) ?? undefined);
  if (fpParam !== null && fp === undefined) throw new Error('the join link has an fp= that is not a SHA-256 fingerprint');
  const routerUrl = `${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}/ws`;
  return fp === undefined ? { inviteId, secret, routerUrl } : { inviteId, secret, routerUrl, tlsFingerprint: fp };
}
