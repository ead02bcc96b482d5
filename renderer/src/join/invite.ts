/**
 * What the invite link carries in its fragment (never sent to the server or its logs):
 * `#invite=<inviteId>.<secret>`, with TLS `&fp=<sha256>` (the certificate's fingerprint, shown for the user to
 * compare: a page cannot pin it), and for tests `&threads=N` to cap the compute threads.
 */
import { normalizeFingerprint } from '../../../shared/fingerprint.ts';

export interface Invite {
  inviteId: string;
  secret: string;
}

export interface JoinParams {
  invite: Invite | null;
  /** Compute threads: one per logical core, or fewer when the link caps them. */
  threads: number;
  /** The router certificate's SHA-256 fingerprint (hex) from the link, when it has a valid one. */
  fingerprint: string | null;
}

export function parseJoinFragment(hash: string, cores: number): JoinParams {
  const params = fragmentParams(hash);
  const fp = params.get('fp');
  return {
    invite: parseInvite(params.get('invite') ?? null),
    threads: threadCount(params.get('threads') ?? null, cores),
    fingerprint: fp === undefined ? null : normalizeFingerprint(fp),
  };
}

/** Not URLSearchParams: it reads '+' as a space, and a base64 secret may hold one. */
function fragmentParams(hash: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const pair of hash.replace(/^#/, '').split('&')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) continue;
    try {
      params.set(pair.slice(0, equals), decodeURIComponent(pair.slice(equals + 1)));
    } catch {
      // A malformed escape: that parameter is as good as absent.
    }
  }
  return params;
}

/** The invite id is everything before the first dot; the secret (base64url) has none. */
function parseInvite(value: string | null): Invite | null {
  if (!value) return null;
  const dot = value.indexOf('.');
  if (dot <= 0 || dot === value.length - 1) return null;
  return { inviteId: value.slice(0, dot), secret: value.slice(dot + 1) };
}

function threadCount(value: string | null, cores: number): number {
  const all = Math.max(1, cores || 1);
  const cap = value === null ? NaN : Number(value);
  return Number.isInteger(cap) && cap >= 1 ? Math.min(cap, all) : all;
}

const STORAGE_KEY = 'kiln.join';

/**
 * The link's fragment: from the address bar, then moved to this tab's sessionStorage and cleared, so
 * the invite secret leaves the address bar, history and bookmarks (as the control center does with
 * its ticket); a reload finds it there.
 */
export function takeJoinFragment(win: Window): string {
  const { hash } = win.location;
  if (fragmentParams(hash).has('invite')) {
    try {
      win.sessionStorage.setItem(STORAGE_KEY, hash);
    } catch {
      return hash; // Storage disabled: keep the fragment, or a reload could not rejoin.
    }
    win.history.replaceState(win.history.state, '', win.location.pathname + win.location.search);
    return hash;
  }
  try {
    return win.sessionStorage.getItem(STORAGE_KEY) ?? hash;
  } catch {
    return hash;
  }
}
