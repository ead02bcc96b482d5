/**
 * The Electron main process, kept thin: one instance, one window, the menu, the dialogs and the
 * lifecycle. Kiln itself (router, orchestrator, compute threads) is startKiln(), the same code that
 * `kiln serve` runs headless.
 *
 * The window loads the UI from the embedded server (http://127.0.0.1:PORT/) rather than from file://:
 * it is then exactly the page `kiln serve` serves and the end-to-end tests drive, its CSP's 'self'
 * means that server, and the router is same-origin. The URL carries no ticket: the preload hands
 * the credentials to the page, so they never appear in a URL or the history.
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  session,
  type IpcMainEvent,
  type IpcMainInvokeEvent,
  type MenuItemConstructorOptions,
  type Session,
} from 'electron';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MenuAction } from '../shared/desktop-bridge.ts';
import type { RouterSettings, RouterSettingsView } from '../shared/router-settings.ts';
import { startClusterCenter } from './app/cluster-center.ts';
import { startKiln } from './app/kiln.ts';
import { clusterJoinSettings, loadRouterSettings, saveRouterSettingsAnswer } from './settings/router-settings-store.ts';
import { Channels } from './ipc/channels.ts';
import { fileActions, type FileFilter } from './ipc/files.ts';
import { expectNoArguments, parseRouterSettingsRequest, parseSaveRequest } from './ipc/validate.ts';
import { contentSecurityPolicy } from './http/csp.ts';
import { isPinnedCertificate, isSameOrigin } from './shell/policy.ts';
import { loadOrCreateControlCenterKey } from './lan/control-center-key.ts';
import { loadOrCreateTlsIdentity } from './tls/tls-identity.ts';
import { VERSION } from './version.ts';

const isDev = !app.isPackaged;
/** How long quitting waits for Kiln to tell workers and close sessions before giving up. */
const CLOSE_TIMEOUT_MS = 5000;
const PRELOAD = fileURLToPath(new URL('./preload.cjs', import.meta.url));

let kiln: { close(): Promise<void> } | null = null;
let origin = '';
let mainWindow: BrowserWindow | null = null;

function log(level: 'info' | 'warn' | 'error', message: string): void {
  console.error(`${level}: ${message}`);
}

if (!app.requestSingleInstanceLock()) {
  // Another Kiln is running: it gets focus (second-instance below) and this one leaves.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => {
    // No pop-ups, no <webview>, and no navigating away from the app, whatever the page asks for.
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.on('will-navigate', (event, url) => {
      if (!isSameOrigin(url, origin)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isSameOrigin(url, origin)) event.preventDefault();
    });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (kiln && BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
  app.on('before-quit', onBeforeQuit);
  app.whenReady().then(start).catch(fail);
}

async function start(): Promise<void> {
  app.setAboutPanelOptions({
    applicationName: 'Kiln',
    applicationVersion: VERSION,
    credits: 'Distributed simulated annealing for travelling-salesman problems, over WAMP.',
  });
  const stateDir = app.getPath('userData');
  const uiDir = join(app.getAppPath(), 'dist', 'renderer');
  // The router setting (Settings, router.json): the embedded router, or a control center on a cluster.
  const { settings, problem } = loadRouterSettings(stateDir);
  if (problem) log('warn', problem);
  if (settings.mode === 'cluster') {
    const { realm, credentials } = clusterJoinSettings(settings);
    const center = await startClusterCenter({
      router: { url: settings.router, realm, credentials },
      center: settings.center,
      threads: availableParallelism(),
      uiDir,
      stateDir,
      log,
      onLost: (message) => log('error', message),
    });
    kiln = center;
    origin = new URL(center.uiUrl!).origin;
    secureSession(session.defaultSession, undefined, new URL(settings.router).origin);
    // The page signs in to the cluster with credentials of its own: no ticket of this app's reaches it.
    registerIpc({ routerUrl: '', authid: '', ticket: '', cluster: center.info }, { stateDir, active: settings });
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate()));
    mainWindow = createWindow();
    return;
  }
  // Compute runs on worker threads of this process, so the window never waits on it: every core.
  // Every interface, with LAN discovery: inviting the machines around is what the app is for. Nothing is
  // open without credentials (per-launch tickets, invites, paired keys); the window itself uses loopback.
  // KILN_LOOPBACK_ONLY=1 keeps the app on this machine (no listening on the LAN, no mDNS).
  const lanEnabled = process.env.KILN_LOOPBACK_ONLY !== '1';
  // On the LAN (or with `--tls`, KILN_TLS=1): HTTPS and wss:// with a self-signed certificate kept in
  // the user data directory, pinned by fingerprint (as `kiln serve`). `--insecure` (KILN_INSECURE=1)
  // serves the LAN plain http/ws instead; the log and the UI say so.
  const insecure = app.commandLine.hasSwitch('insecure') || process.env.KILN_INSECURE === '1';
  const wantsTls = app.commandLine.hasSwitch('tls') || process.env.KILN_TLS === '1' || (lanEnabled && !insecure);
  const tls = wantsTls ? loadOrCreateTlsIdentity(stateDir) : undefined;
  if (lanEnabled && !tls)
    log(
      'warn',
      '--insecure: serving plain http:// and ws:// on the LAN; anyone on the network can read and alter every session, invitation, city set and tour',
    );
  const running = await startKiln({
    host: lanEnabled ? '0.0.0.0' : '127.0.0.1',
    threads: availableParallelism(),
    uiDir,
    lan: { discover: lanEnabled },
    tls,
    // The run history lives beside the certificate, in the user data directory.
    stateDir,
    // Invitations to discovered workers are signed by this key, which workers pin.
    identity: lanEnabled ? loadOrCreateControlCenterKey(app.getPath('userData')) : undefined,
    log,
  });
  kiln = running;
  origin = new URL(running.uiUrl!).origin;
  secureSession(session.defaultSession, running.tlsFingerprint);
  registerIpc({ routerUrl: running.routerUrl, ...running.credentials.ui }, { stateDir, active: settings });
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate()));
  mainWindow = createWindow();
}

function fail(error: unknown): void {
  dialog.showErrorBox('Kiln could not start', error instanceof Error ? error.message : String(error));
  app.exit(1);
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 800,
    minHeight: 600,
    title: 'Kiln',
    show: false,
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: isDev,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadURL(`${origin}/`);
  return window;
}

/**
 * Deny every permission (camera, notifications, ...) and downloads, add the CSP header to the app's
 * pages, and with TLS trust the app's own pinned certificate.
 */
function secureSession(target: Session, tlsFingerprint: string | undefined, clusterOrigin?: string): void {
  if (tlsFingerprint !== undefined) {
    // 0: trusted; -3: Chromium's own verification decides.
    target.setCertificateVerifyProc((request, callback) =>
      callback(isPinnedCertificate(request.hostname, request.certificate.data, origin, tlsFingerprint) ? 0 : -3),
    );
  }
  // Only the invite dialog's Copy buttons (writing to the clipboard), and only for the app's own page.
  target.setPermissionRequestHandler((contents, permission, callback) =>
    callback(permission === 'clipboard-sanitized-write' && isSameOrigin(contents.getURL(), origin)),
  );
  target.setPermissionCheckHandler(
    (_contents, permission, requestingOrigin) => permission === 'clipboard-sanitized-write' && isSameOrigin(requestingOrigin, origin),
  );
  // Exports go through the save dialog (saveFile), never through Chromium's downloads.
  target.on('will-download', (event) => event.preventDefault());
  const policy = contentSecurityPolicy(origin, clusterOrigin);
  target.webRequest.onHeadersReceived((details, callback) => {
    if (!isSameOrigin(details.url, origin)) return callback({});
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] } });
  });
}

/** Only the app's own window, on the app's origin, in its main frame, may use the bridge. */
function isTrustedSender(event: IpcMainEvent | IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return (
    mainWindow !== null && event.sender === mainWindow.webContents && frame !== null && frame === event.sender.mainFrame && isSameOrigin(frame.url, origin)
  );
}

/** What the preload hands the page: the embedded router's URL and this launch's UI ticket, or the cluster to sign in to. */
interface Launch {
  routerUrl: string;
  authid: string;
  ticket: string;
  cluster?: { router: string; realm: string; center: string };
}

function registerIpc(launch: Launch, router: { stateDir: string; active: RouterSettings }): void {
  const files = fileActions({
    chooseOpenPath: async (filters: FileFilter[]) => {
      const options = { title: 'Open a city set', properties: ['openFile' as const], filters };
      const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
      return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0];
    },
    chooseSavePath: async (defaultName: string, filters: FileFilter[]) => {
      const options = { title: 'Export', defaultPath: join(app.getPath('documents'), defaultName), filters };
      const result = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
  });

  ipcMain.on(Channels.bridge, (event) => {
    event.returnValue = isTrustedSender(event) ? launch : null;
  });
  ipcMain.handle(Channels.openFile, (event, ...args: unknown[]) => {
    if (!isTrustedSender(event)) throw new Error('refused: not the Kiln window');
    expectNoArguments(Channels.openFile, args);
    return files.open();
  });
  ipcMain.handle(Channels.saveFile, (event, ...args: unknown[]) => {
    if (!isTrustedSender(event)) throw new Error('refused: not the Kiln window');
    return files.save(parseSaveRequest(args));
  });
  // The store validates and keeps router.json; a change applies at the next launch.
  ipcMain.handle(Channels.routerSettings, (event, ...args: unknown[]): RouterSettingsView => {
    if (!isTrustedSender(event)) throw new Error('refused: not the Kiln window');
    expectNoArguments(Channels.routerSettings, args);
    const { settings, problem } = loadRouterSettings(router.stateDir);
    return { saved: settings, ...(problem ? { problem } : {}), active: router.active };
  });
  ipcMain.handle(Channels.saveRouterSettings, (event, ...args: unknown[]) => {
    if (!isTrustedSender(event)) throw new Error('refused: not the Kiln window');
    return saveRouterSettingsAnswer(router.stateDir, parseRouterSettingsRequest(args));
  });
}

function sendMenu(action: MenuAction): void {
  mainWindow?.webContents.send(Channels.menu, action);
}

function menuTemplate(): MenuItemConstructorOptions[] {
  const isMac = process.platform === 'darwin';
  const developer: MenuItemConstructorOptions[] = isDev ? [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] : [];
  return [
    ...(isMac ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : []),
    // Item ids are the menu actions they send, so tests can find and click them.
    {
      label: '&File',
      submenu: [
        { id: 'open-problem', label: 'Open City Set…', accelerator: 'CmdOrCtrl+O', click: () => sendMenu('open-problem') },
        { id: 'export-tour', label: 'Export Tour…', accelerator: 'CmdOrCtrl+E', click: () => sendMenu('export-tour') },
        { id: 'export-map', label: 'Export Map…', accelerator: 'CmdOrCtrl+Shift+E', click: () => sendMenu('export-map') },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    // Standard editing roles, so copy and paste work in the number fields (macOS needs the menu for them).
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [...developer, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'help', submenu: [{ label: 'About Kiln', click: () => app.showAboutPanel() }] },
  ];
}

/** Quitting waits for Kiln to stop its runs, tell its workers and close its sessions (bounded). */
function onBeforeQuit(event: Electron.Event): void {
  const running = kiln;
  if (!running) return;
  event.preventDefault();
  kiln = null;
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref());
  Promise.race([running.close(), timeout])
    .catch((error: unknown) => log('error', `closing Kiln: ${error instanceof Error ? error.message : String(error)}`))
    .finally(() => app.quit());
}
