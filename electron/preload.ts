/**
 * The preload: runs sandboxed and context-isolated before the page, and exposes `window.kiln`
 * (shared/desktop-bridge.ts) — the router URL, this launch's UI credentials, the open and save
 * dialogs, the router setting and menu actions. Nothing else of Electron or IPC reaches the page: no ipcRenderer, no
 * event objects, only fixed channels with plain arguments.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isMenuAction, type KilnBridge, type MenuAction, type OpenedFile } from '../shared/desktop-bridge.ts';
import type { RouterSettingsSaveAnswer, RouterSettingsView } from '../shared/router-settings.ts';
import { Channels } from './ipc/channels.ts';

interface Launch {
  routerUrl: string;
  authid: string;
  ticket: string;
  cluster?: { router: string; realm: string; center: string };
}

// Synchronous because contextBridge exposes values, not promises, and the page reads them at start-up.
// Main answers null to any page not on the app's origin, which then gets no bridge at all.
const launch = ipcRenderer.sendSync(Channels.bridge) as Launch | null;

if (launch) {
  const bridge: KilnBridge = {
    routerUrl: launch.routerUrl,
    authid: launch.authid,
    ticket: launch.ticket,
    ...(launch.cluster ? { cluster: launch.cluster } : {}),
    openFile: () => ipcRenderer.invoke(Channels.openFile) as Promise<OpenedFile | null>,
    saveFile: (suggestedName, content) => ipcRenderer.invoke(Channels.saveFile, suggestedName, content) as Promise<boolean>,
    routerSettings: () => ipcRenderer.invoke(Channels.routerSettings) as Promise<RouterSettingsView>,
    saveRouterSettings: (settings) => ipcRenderer.invoke(Channels.saveRouterSettings, settings) as Promise<RouterSettingsSaveAnswer>,
    onMenu: (listener) => {
      const forward = (_event: IpcRendererEvent, action: unknown) => {
        if (isMenuAction(action)) listener(action satisfies MenuAction);
      };
      ipcRenderer.on(Channels.menu, forward);
      return () => {
        ipcRenderer.removeListener(Channels.menu, forward);
      };
    },
  };
  contextBridge.exposeInMainWorld('kiln', bridge);
}
