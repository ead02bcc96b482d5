/**
 * Where the router is and how to authenticate, decided once at start-up:
 * (a) in Electron, the preload exposes `window.kiln` with the router URL and a ticket;
 * (b) in a browser served by `kiln serve`, the router is this origin's /ws and the ticket is the
 *     URL fragment's `token` (fragments never reach the server or its logs, Jupyter-style). It then
 *     moves to this tab's sessionStorage, out of the address bar, history and bookmarks, and a reload
 *     finds it there;
 * (c) otherwise anonymous, which `kiln router --anonymous` allows (Kiln's own realm does not).
 */

import type { KilnBridge } from '../../../../shared/desktop-bridge.ts';

declare global {
  interface Window {
    kiln?: KilnBridge;
  }
}

export interface RouterEndpoint {
  url: string;
  authmethods: ('ticket' | 'anonymous')[];
  authid?: string;
  ticket?: string;
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
  if (token) return { url, authmethods: ['ticket'], authid: 'ui', ticket: token };
  return { url, authmethods: ['anonymous'] };
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
