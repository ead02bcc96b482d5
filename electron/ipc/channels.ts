/**
 * The IPC channels between the main process and the preload: the complete allow-list. Main handles
 * only these, and the preload sends on no other.
 */
export const Channels = {
  /** sendSync, once per page load: the router URL and this launch's UI credentials. */
  bridge: 'kiln:bridge',
  /** invoke(): the native open dialog; answers { name, text } or null. */
  openFile: 'kiln:open-file',
  /** invoke(suggestedName, content): the native save dialog; answers whether the file was written. */
  saveFile: 'kiln:save-file',
  /** invoke(): the router setting (shared/router-settings.ts RouterSettingsView). */
  routerSettings: 'kiln:router-settings',
  /** invoke(settings): validates and saves router.json for the next launch; answers RouterSettingsSaveAnswer. */
  saveRouterSettings: 'kiln:save-router-settings',
  /** main → renderer: a menu action (see shared/desktop-bridge.ts). */
  menu: 'kiln:menu',
} as const;
