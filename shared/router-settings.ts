/**
 * The desktop app's router setting: its own embedded router (the default), or a control center on a
 * shared router cluster, as `kiln serve --router` runs one. Isomorphic: the main process validates what
 * it loads and what the settings form sends with this, and the form shows the same messages first.
 * The secret is never a setting: the settings name an owner-only file that holds it.
 */
import { CENTER_NAME } from './protocol/uris.ts';
import { REALM_NAME, routerUrlProblem } from './cluster-info.ts';
import { isRecord } from './protocol/validate.ts';

export const CLUSTER_AUTH_METHODS = ['ticket', 'wampcra', 'cryptosign'] as const;
export type ClusterAuthMethod = (typeof CLUSTER_AUTH_METHODS)[number];

export type RouterSettings =
  | { mode: 'embedded' }
  | {
      mode: 'cluster';
      /** ws:// or wss:// URL of the router. */
      router: string;
      realm: string;
      /** This control center's name on the router (kiln.center.<name>.*). */
      center: string;
      authid: string;
      authmethod: ClusterAuthMethod;
      /** Absolute path of an owner-only file holding the ticket, WAMP-CRA secret or Ed25519 key. */
      secretFile: string;
    };

export const EMBEDDED: RouterSettings = { mode: 'embedded' };

/** The settings, or the first field that is wrong and why (in words for the form). */
export function parseRouterSettings(value: unknown): { settings: RouterSettings } | { field: string; error: string } {
  if (!isRecord(value)) return { field: 'mode', error: 'expected the settings as an object' };
  if (value.mode === 'embedded') return { settings: EMBEDDED };
  if (value.mode !== 'cluster') return { field: 'mode', error: "mode must be 'embedded' or 'cluster'" };
  const { router, realm, center, authid, authmethod, secretFile } = value;
  if (typeof router !== 'string' || router.length > 2048) return { field: 'router', error: 'give the router as a ws:// or wss:// URL' };
  const urlProblem = routerUrlProblem(router);
  if (urlProblem) return { field: 'router', error: urlProblem };
  if (typeof realm !== 'string' || !REALM_NAME.test(realm)) return { field: 'realm', error: "the realm is 1-255 letters, digits, '.', '_' or '-'" };
  if (typeof center !== 'string' || !CENTER_NAME.test(center))
    return { field: 'center', error: 'the control center name is 1-32 lower-case letters and digits' };
  if (typeof authid !== 'string' || authid.trim() === '' || authid.length > 255)
    return { field: 'authid', error: 'give the identity (authid) the router knows this app by' };
  if (!CLUSTER_AUTH_METHODS.includes(authmethod as ClusterAuthMethod)) return { field: 'authmethod', error: 'the method is ticket, wampcra or cryptosign' };
  if (typeof secretFile !== 'string' || !isAbsolutePath(secretFile) || secretFile.length > 4096)
    return { field: 'secretFile', error: 'give the full path of the file holding the secret (readable by you only)' };
  return { settings: { mode: 'cluster', router, realm, center, authid: authid.trim(), authmethod: authmethod as ClusterAuthMethod, secretFile } };
}

function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\');
}

/** What the settings form shows: the saved setting (with why it was set aside, if damaged) and the one this launch runs with. */
export interface RouterSettingsView {
  saved: RouterSettings;
  problem?: string;
  active: RouterSettings;
}

/** The answer to a save: what was saved (it applies at the next launch), or the field at fault and why. */
export type RouterSettingsSaveAnswer = { saved: RouterSettings } | { field: string; error: string };
