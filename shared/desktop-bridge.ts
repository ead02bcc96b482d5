/**
 * The contract between Electron's preload (electron/preload.ts) and the renderer: what the desktop
 * app exposes as `window.kiln`. Isomorphic types and constants only; the renderer runs without it
 * in a browser served by `kiln serve`.
 */

import type { RouterSettingsSaveAnswer, RouterSettingsView } from './router-settings.ts';

/** Native menu items the renderer carries out (they act on its state: the problem, the tour, the map). */
const MENU_ACTIONS = ['open-problem', 'export-tour', 'export-map'] as const;
export type MenuAction = (typeof MENU_ACTIONS)[number];

export interface OpenedFile {
  /** The file's base name (no directories: the renderer needs only the name and extension). */
  name: string;
  text: string;
}

export interface KilnBridge {
  /** ws://127.0.0.1:PORT/ws of the app's embedded router (empty when the app uses a cluster: see `cluster`). */
  routerUrl: string;
  /**
   * Set when the app's control center is on a shared router (its settings): where, and its name. The
   * page then signs in there with credentials of its own; authid and ticket are empty.
   */
  cluster?: { router: string; realm: string; center: string };
  /** This launch's UI credentials (authid "ui" and a fresh random ticket). */
  authid: string;
  ticket: string;
  /** Shows the native open dialog for a city set or tour; null when cancelled. */
  openFile(): Promise<OpenedFile | null>;
  /** Shows the native save dialog, suggesting `suggestedName`, and writes `content`; false when cancelled. */
  saveFile(suggestedName: string, content: string | Uint8Array): Promise<boolean>;
  /** The router setting (Settings > Router): what is saved and what this launch runs with. */
  routerSettings(): Promise<RouterSettingsView>;
  /** Validates and saves the router setting for the next launch; a mistake comes back naming its field. */
  saveRouterSettings(settings: unknown): Promise<RouterSettingsSaveAnswer>;
  /** Calls `listener` for each menu action; returns a function that stops listening. */
  onMenu(listener: (action: MenuAction) => void): () => void;
}

export function isMenuAction(value: unknown): value is MenuAction {
  return typeof value === 'string' && (MENU_ACTIONS as readonly string[]).includes(value);
}
