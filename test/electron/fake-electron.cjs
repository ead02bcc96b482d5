// A stand-in for the `electron` module, preloaded with `node -r` in front of dist-electron/main.cjs
// where no Electron binary can be downloaded. It records what main does with Electron's API, drives
// it the way Electron would (window created, page loaded, IPC from the page, navigation, menu
// clicks) and prints each observation as one JSON line. A line "quit" on stdin quits the app.
'use strict';
const Module = require('node:module');
const { EventEmitter } = require('node:events');
const { tmpdir } = require('node:os');
const { X509Certificate } = require('node:crypto');
const { readFileSync } = require('node:fs');
const tls = require('node:tls');

const say = (type, data = {}) => process.stdout.write(`${JSON.stringify({ type, ...data })}\n`);
const prevented = () => ({
  defaultPrevented: false,
  preventDefault() {
    this.defaultPrevented = true;
  },
});

const app = new EventEmitter();
Object.assign(app, {
  isPackaged: false,
  requestSingleInstanceLock: () => true,
  getAppPath: () => process.env.FAKE_APP_PATH,
  getPath: (name) => (name === 'userData' && process.env.FAKE_USER_DATA) || tmpdir(),
  commandLine: { hasSwitch: (name) => process.argv.includes(`--${name}`) },
  setAboutPanelOptions: () => {},
  showAboutPanel: () => say('about'),
  whenReady: () => Promise.resolve(),
  quit() {
    const event = prevented();
    app.emit('before-quit', event);
    if (event.defaultPrevented) return say('quit-deferred');
    say('quit');
    process.exit(0);
  },
  exit(code) {
    say('exit', { code });
    process.exit(code);
  },
});

const ipc = { on: new Map(), handle: new Map() };
const ipcMain = { on: (channel, fn) => ipc.on.set(channel, fn), handle: (channel, fn) => ipc.handle.set(channel, fn) };

const session = {
  permissionRequest: null,
  permissionCheck: null,
  headers: null,
  verifyCertificate: null,
  downloads: new EventEmitter(),
  setCertificateVerifyProc(fn) {
    this.verifyCertificate = fn;
  },
  setPermissionRequestHandler(fn) {
    this.permissionRequest = fn;
  },
  setPermissionCheckHandler(fn) {
    this.permissionCheck = fn;
  },
  on(name, fn) {
    this.downloads.on(name, fn);
  },
  webRequest: {
    onHeadersReceived: (fn) => {
      session.headers = fn;
    },
  },
};

const dialogAnswers = { open: null, save: null };
const dialog = {
  showOpenDialog: async (...args) => {
    say('open-dialog', { options: args.at(-1) });
    return dialogAnswers.open ?? { canceled: true, filePaths: [] };
  },
  showSaveDialog: async (...args) => {
    say('save-dialog', { options: args.at(-1) });
    return dialogAnswers.save ?? { canceled: true };
  },
  showErrorBox: (title, content) => say('error-box', { title, content }),
};

let applicationMenu = null;
const Menu = {
  buildFromTemplate: (template) => ({ template }),
  setApplicationMenu: (menu) => {
    applicationMenu = menu;
  },
};

const windows = [];
class BrowserWindow extends EventEmitter {
  static getAllWindows() {
    return windows;
  }
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new EventEmitter();
    this.webContents.mainFrame = { url: '' };
    this.webContents.getURL = () => this.webContents.mainFrame.url;
    this.webContents.setWindowOpenHandler = (fn) => {
      this.webContents.windowOpenHandler = fn;
    };
    this.webContents.send = (channel, ...args) => say('send', { channel, args });
    windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(url) {
    this.webContents.mainFrame.url = url;
    say('load', { url, webPreferences: this.options.webPreferences });
    // As in Electron, the page loads (and talks) only after loadURL has returned to its caller.
    await new Promise((resolve) => setImmediate(resolve));
    await drive(this, url);
  }
  isMinimized() {
    return false;
  }
  restore() {}
  focus() {}
  show() {}
}

/** What Electron and the page would do once the window is up, with the outcomes printed. */
async function drive(window, url) {
  const origin = new URL(url).origin;
  const contents = window.webContents;
  const trusted = { sender: contents, senderFrame: contents.mainFrame };
  const stranger = { sender: contents, senderFrame: { url: 'https://example.org/' } };
  const sendSync = (event) => {
    const e = { ...event, returnValue: undefined };
    ipc.on.get('kiln:bridge')(e);
    return e.returnValue;
  };
  const invoke = async (event, channel, ...args) => {
    try {
      return { value: await ipc.handle.get(channel)(event, ...args) };
    } catch (error) {
      return { error: error.message };
    }
  };

  say('bridge', { trusted: sendSync(trusted), stranger: sendSync(stranger) });

  dialogAnswers.open = { canceled: false, filePaths: [process.env.FAKE_OPEN_PATH] };
  const opened = await invoke(trusted, 'kiln:open-file');
  say('open-file', { name: opened.value?.name, head: opened.value?.text.slice(0, 20), error: opened.error });
  dialogAnswers.save = { canceled: false, filePath: process.env.FAKE_SAVE_PATH };
  say('save-file', {
    saved: await invoke(trusted, 'kiln:save-file', '../../etc/berlin52.tour', 'TOUR_SECTION\n'),
    stranger: await invoke(stranger, 'kiln:save-file', 'a.tour', 'x'),
    badContent: await invoke(trusted, 'kiln:save-file', 'a.tour', { path: '/etc/passwd' }),
    extraArgument: await invoke(trusted, 'kiln:save-file', 'a.tour', 'x', '/tmp/elsewhere'),
    openWithArgument: await invoke(trusted, 'kiln:open-file', '/etc/passwd'),
  });
  // Nothing here saves: the first app's user data directory is the system's temporary directory.
  say('router-settings', {
    loaded: await invoke(trusted, 'kiln:router-settings'),
    loadStranger: await invoke(stranger, 'kiln:router-settings'),
    loadWithArgument: await invoke(trusted, 'kiln:router-settings', '/etc/passwd'),
    badUrl: await invoke(trusted, 'kiln:save-router-settings', { mode: 'cluster', router: 'http://wamp.example.org/ws' }),
    saveStranger: await invoke(stranger, 'kiln:save-router-settings', { mode: 'embedded' }),
    notAnObject: await invoke(trusted, 'kiln:save-router-settings', 'embedded'),
    extraArgument: await invoke(trusted, 'kiln:save-router-settings', { mode: 'embedded' }, '/tmp/elsewhere'),
  });

  const navigate = (name, target) => {
    const event = prevented();
    contents.emit(name, event, target);
    return event.defaultPrevented;
  };
  say('navigation', {
    elsewhere: navigate('will-navigate', 'https://example.org/'),
    sameOrigin: navigate('will-navigate', `${origin}/`),
    redirect: navigate('will-redirect', 'https://example.org/'),
    windowOpen: contents.windowOpenHandler({ url: 'https://example.org/' }),
    webview: (() => {
      const event = prevented();
      contents.emit('will-attach-webview', event, {}, {});
      return event.defaultPrevented;
    })(),
  });

  const permissions = [];
  session.permissionRequest(contents, 'media', (granted) => permissions.push(granted));
  session.permissionRequest(contents, 'clipboard-sanitized-write', (granted) => permissions.push(granted));
  const download = prevented();
  session.downloads.emit('will-download', download, {}, contents);
  const headersFor = (target) => new Promise((resolve) => session.headers({ url: target, responseHeaders: { 'X-Test': ['1'] } }, resolve));
  say('session', {
    permissionRequest: permissions,
    permissionCheck: session.permissionCheck(contents, 'notifications', origin, {}),
    clipboardCheck: session.permissionCheck(contents, 'clipboard-sanitized-write', origin, {}),
    clipboardCheckElsewhere: session.permissionCheck(contents, 'clipboard-sanitized-write', 'https://example.org', {}),
    downloadPrevented: download.defaultPrevented,
    ownHeaders: await headersFor(`${origin}/`),
    otherHeaders: await headersFor('https://example.org/'),
  });

  if (session.verifyCertificate) say('certificates', await certificateVerdicts(origin));

  const items = applicationMenu.template.flatMap((menu) => (Array.isArray(menu.submenu) ? menu.submenu : []));
  say('menu', { top: applicationMenu.template.map((menu) => menu.label ?? menu.role), items: items.map((item) => item.id ?? item.role ?? item.type) });
  items.find((item) => item.id === 'open-problem').click();
}

/** What main's certificate check answers (0 trusted, -3 Chromium decides) for the server's own certificate and others. */
async function certificateVerdicts(origin) {
  const { hostname, port } = new URL(origin);
  const served = await new Promise((resolve, reject) => {
    const socket = tls.connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      resolve(new X509Certificate(socket.getPeerCertificate().raw).toString());
      socket.end();
    });
    socket.on('error', reject);
  });
  const verdict = (host, data) => new Promise((resolve) => session.verifyCertificate({ hostname: host, certificate: { data } }, resolve));
  return {
    own: await verdict(hostname, served),
    ownOnAnotherHost: await verdict('example.org', served),
    another: await verdict(hostname, readFileSync(process.env.FAKE_OTHER_CERT, 'utf8')),
    garbage: await verdict(hostname, 'not a certificate'),
  };
}

const electron = { app, BrowserWindow, dialog, ipcMain, Menu, session: { defaultSession: session } };
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'electron' ? electron : load.call(this, request, ...rest);
};

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  if (chunk.includes('quit')) app.quit();
});
