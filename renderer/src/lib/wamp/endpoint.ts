/**
 * Where the router is and how to authenticate, decided once at start-up:
 * (a) in Electron, the preload exposes `window.kiln` with the router URL and a ticket;
 * (b) in a browser served by `kiln serve`, the router is this origin's /ws and the ticket is the
 *     URL fragment's `token` (fragments never reach the server or its logs, Jupyter-style). It then
 *     moves to this tab's sessionStorage, out of the address bar, history and bookmarks, and a reload
 *     finds it there;
 * (c) otherwise anonymous, which `kiln router --anonymous` allows (Kiln's own realm does not);
 * (d) a control center on a shared router (`kiln serve --router`, the desktop app set to a cluster):
 *     /cluster.json (or the preload's `cluster`) names the router, realm and control center, and the
 *     page signs in there with credentials the user gives it (clusterEndpoint), never the control
 *     center's own.
 */

import { CLUSTER_INFO_PATH, parseClusterInfo, type ClusterInfo } from '../../../../shared/cluster-info.ts';
import type { KilnBridge } from '../../../../shared/desktop-bridge.ts';
import type { CryptosignKey } from './cryptosign.ts';

declare global {
  interface Window {
    kiln?: KilnBridge;
  }
}

export type AuthMethod = 'ticket' | 'wampcra' | 'cryptosign' | 'anonymous';

/** The credentials a user signs in to a cluster's router with (kept in the page's memory only). */
export type ClusterSignIn =
  | { method: 'ticket' | 'wampcra'; authid: string; secret: string }
  /** authid optional: the router finds the principal by the public key. */
  | { method: 'cryptosign'; authid?: string; key: CryptosignKey };

export interface RouterEndpoint {
  url: string;
  /** Default: Kiln's realm. */
  realm?: string;
  /** The control center to use on a shared router (its procedures are kiln.center.<name>.*). */
  center?: string;
  /** Empty: the user has yet to sign in (a cluster). */
  authmethods: AuthMethod[];
  authid?: string;
  /** The ticket, or the WAMP-CRA secret. */
  ticket?: string;
  /** The Ed25519 key pair (WAMP-Cryptosign). */
  key?: CryptosignKey;
  /** A page served by `kiln serve`: signed in with its link's token, or opened without one. */
  link?: 'token' | 'none';
}

/**
 * Why Kiln's own router refused a page opened without the link `kiln serve` printed (a bookmark, the
 * bare address), with a link from an earlier start (each start makes a new token), or with a damaged
 * one, in the user's words; null for any other refusal.
 */
export function linkRefusal(endpoint: RouterEndpoint, reason: string | null | undefined): string | null {
  if (endpoint.link === 'none' && reason === 'wamp.error.no_matching_auth_method')
    return 'this page needs the link Kiln printed when it started (http://…/#token=…): open that link';
  if (endpoint.link === 'token' && (reason === 'wamp.error.not_authorized' || reason === 'wamp.error.authentication_failed'))
    return 'this link is not valid for this Kiln: each start of Kiln prints a new one; open the link it printed last';
  // The router refuses a ticket too long to be one it made from its frame's length, before reading it.
  if (endpoint.link === 'token' && reason === 'kiln.error.message_too_big')
    return 'this link is not valid: its token is far longer than any Kiln prints; open the link Kiln printed when it started';
  return null;
}

/** The control center on a shared router this page belongs to, or null when it is Kiln's own router's. */
export async function findCluster(win: Window): Promise<ClusterInfo | null> {
  if (win.kiln) return win.kiln.cluster ? parseClusterInfo(win.kiln.cluster) : null;
  try {
    const response = await win.fetch(CLUSTER_INFO_PATH, { cache: 'no-store' });
    return response.ok ? parseClusterInfo(await response.json()) : null;
  } catch {
    return null; // Not served by kiln serve --router (or not JSON): Kiln's own router.
  }
}

/** A cluster's endpoint with the credentials the user signed in with (none yet: authmethods empty). */
export function clusterEndpoint(info: ClusterInfo, signIn?: ClusterSignIn): RouterEndpoint {
  const endpoint: RouterEndpoint = { url: info.router, realm: info.realm, center: info.center, authmethods: [] };
  if (!signIn) return endpoint;
  if (signIn.method === 'cryptosign') return { ...endpoint, authmethods: ['cryptosign'], authid: signIn.authid, key: signIn.key };
  return { ...endpoint, authmethods: [signIn.method], authid: signIn.authid, ticket: signIn.secret };
}

export function resolveEndpoint(win: Window): RouterEndpoint {
  const bridge = win.kiln;
  if (bridge) return { url: bridge.routerUrl, authmethods: ['ticket'], authid: bridge.authid, ticket: bridge.ticket };

  const { location } = win;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  let url = `${scheme}//${location.host}/ws`;
  // Vite's dev server has no router behind it: `?router=ws://127.0.0.1:PORT/ws` points at one.
  const override = new URLSearchParams(location.search).get('router');
  if (import.meta.env.DEV && override) url = override;

  const token = takeToken(win);
  if (token) return { url, authmethods: ['ticket'], authid: 'ui', ticket: token, link: 'token' };
  return { url, authmethods: ['anonymous'], link: 'none' };
}

const TOKEN_KEY = 'kiln.token';

/** The ticket from the URL fragment (then removed from the URL) or from an earlier load of this tab. */
function takeToken(win: Window): string | null {
  const fromUrl = new URLSearchParams(win.location.hash.slice(1)).get('token');
  if (fromUrl) {
    try {
      win.sessionStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {
      return fromUrl; // Storage disabled: keep the token in the URL, or a reload could not reconnect.
    }
    win.history.replaceState(win.history.state, '', win.location.pathname + win.location.search);
    return fromUrl;
  }
  try {
    return win.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}
