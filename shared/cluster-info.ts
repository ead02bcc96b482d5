/**
 * What a control center on a shared router tells its pages (`kiln serve --router` serves it as
 * /cluster.json; the desktop app's preload as `window.kiln.cluster`): where the router is, the realm,
 * and the control center's name, so the page calls that control center's procedures (centerUris).
 * Nothing secret: the page signs in to the router with credentials of its own.
 */
import { CENTER_NAME } from './protocol/uris.ts';
import { isRecord } from './protocol/validate.ts';

export const CLUSTER_INFO_PATH = '/cluster.json';

export interface ClusterInfo {
  /** ws:// or wss:// URL of the router. */
  router: string;
  realm: string;
  center: string;
}

/** Realm names as Crossbar.io and Kiln's router accept them. */
export const REALM_NAME = /^[A-Za-z0-9_.-]{1,255}$/;

/** A ws:// or wss:// URL, or why not. */
export function routerUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `not a URL: ${JSON.stringify(value.slice(0, 100))}`;
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return `expected a ws:// or wss:// URL, got ${url.protocol}//`;
  if (url.username || url.password) return 'the URL must not carry a user name or password (credentials go elsewhere)';
  return undefined;
}

/** The info from the network (or the preload), checked; null when it is not one. */
export function parseClusterInfo(value: unknown): ClusterInfo | null {
  if (!isRecord(value)) return null;
  const { router, realm, center } = value;
  if (typeof router !== 'string' || router.length > 2048 || routerUrlProblem(router) !== undefined) return null;
  if (typeof realm !== 'string' || !REALM_NAME.test(realm)) return null;
  if (typeof center !== 'string' || !CENTER_NAME.test(center)) return null;
  return { router, realm, center };
}
