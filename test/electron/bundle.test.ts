/**
 * The Electron bundle, checked where no Electron binary can be downloaded: `npm run build:electron`
 * builds, each output requires only what will exist at run time, and main.cjs — run by Node with a
 * stand-in for the `electron` module (fake-electron.cjs) — starts Kiln, opens a locked-down window
 * on the embedded server, answers only trusted and well-formed IPC, solves on its bundled compute
 * threads, and closes Kiln before it quits.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Procedures, REALM } from '../../shared/protocol/uris.ts';
import type { RunResult, RunState } from '../../shared/protocol/wire.ts';
import { loadOrCreateTlsIdentity } from '../../electron/tls/tls-identity.ts';
import { openWampClient } from '../../electron/wamp/client.ts';
import type { WampSession } from '../../shared/wamp.ts';
import { solveRequest } from '../helpers/cluster.ts';
import { fixturePath, loadTsplib } from '../helpers/tsplib-fixtures.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const FAKE_ELECTRON = fileURLToPath(new URL('./fake-electron.cjs', import.meta.url));
const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
/** ws's optional native accelerators, required inside try/catch (build/electron.mjs OPTIONAL_EXTERNALS). */
const OPTIONAL = new Set(['bufferutil', 'utf-8-validate']);

const work = mkdtempSync(join(tmpdir(), 'kiln-electron-'));
const out = join(work, 'dist-electron');

function externalRequires(file: string): string[] {
  const code = readFileSync(join(out, file), 'utf8');
  return [...new Set([...code.matchAll(/\brequire\("([^"]+)"\)/g)].map((match) => match[1]))];
}

beforeAll(() => {
  execFileSync(process.execPath, ['build/electron.mjs', out], { cwd: REPO, stdio: 'pipe' });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run build:electron', () => {
  it('requires only electron, Node builtins and optional accelerators from main.cjs', () => {
    const outside = externalRequires('main.cjs').filter((name) => !NODE_BUILTINS.has(name) && !OPTIONAL.has(name));
    expect(outside).toEqual(['electron']);
  });

  it('gives the sandboxed preload nothing but electron', () => {
    expect(externalRequires('preload.cjs')).toEqual(['electron']);
  });

  it('emits the compute thread entry with only Node builtins', () => {
    expect(externalRequires('slice-thread.cjs').every((name) => NODE_BUILTINS.has(name))).toBe(true);
  });

  it("emits the orchestrator's crossover thread entry with only Node builtins", () => {
    expect(externalRequires('crossover-thread.cjs').every((name) => NODE_BUILTINS.has(name))).toBe(true);
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the fake app's JSON lines, read field by field per type
type Line = Record<string, any>;

/** main.cjs run by Node with the stand-in electron module, and the JSON lines it prints. */
interface FakeApp {
  child: ChildProcessWithoutNullStreams;
  lines: Line[];
  /** The first line of this type, now or when it comes. */
  next(type: string): Promise<Line>;
}

function launchFakeApp(args: string[], env: Record<string, string>): FakeApp {
  // The app's directory as electron-builder lays it out: the bundle and the built UI.
  const appDir = join(work, 'app');
  mkdirSync(join(appDir, 'dist', 'renderer'), { recursive: true });
  writeFileSync(join(appDir, 'dist', 'renderer', 'index.html'), '<!doctype html><title>Kiln</title>');
  const child = spawn(process.execPath, ['-r', FAKE_ELECTRON, join(out, 'main.cjs'), ...args], {
    env: { ...process.env, KILN_LOOPBACK_ONLY: '1', FAKE_APP_PATH: appDir, FAKE_OPEN_PATH: fixturePath('berlin52.tsp'), ...env },
  });
  const lines: Line[] = [];
  const waiters: { type: string; resolve: (line: Line) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    if (!text.startsWith('{')) return;
    const line = JSON.parse(text) as Line;
    lines.push(line);
    for (const waiter of waiters.filter((w) => w.type === line.type)) waiter.resolve(line);
  });
  child.stderr.resume();
  const next = (type: string): Promise<Line> =>
    new Promise((resolve) => {
      const seen = lines.find((line) => line.type === type);
      if (seen) resolve(seen);
      else waiters.push({ type, resolve });
    });
  return { child, lines, next };
}

describe('main.cjs under a stand-in electron module', () => {
  const savePath = join(work, 'saved.tour');
  let app: FakeApp;
  const next = (type: string): Promise<Line> => app.next(type);

  beforeAll(() => {
    app = launchFakeApp([], { FAKE_SAVE_PATH: savePath });
  });

  afterAll(() => {
    if (app.child.exitCode === null) app.child.kill();
  });

  it('opens a sandboxed, context-isolated window on the embedded server, without the ticket in its URL', async () => {
    const { url, webPreferences } = await next('load');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(webPreferences.preload).toBe(join(out, 'preload.cjs'));
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Kiln</title>');
  });

  it('hands the credentials to the app page only', async () => {
    const { trusted, stranger } = await next('bridge');
    expect(trusted).toMatchObject({ routerUrl: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/), authid: 'ui', ticket: expect.any(String) });
    expect(stranger).toBeNull();
  });

  it('shows and saves the router setting only to the window, with validated arguments and the field at fault', async () => {
    const settings = await next('router-settings');
    expect(settings.loaded.value).toMatchObject({ active: { mode: 'embedded' }, saved: { mode: expect.stringMatching(/^(embedded|cluster)$/) } });
    expect(settings.loadStranger.error).toMatch(/refused/);
    expect(settings.loadWithArgument.error).toMatch(/takes no arguments/);
    expect(settings.badUrl).toEqual({ value: { field: 'router', error: expect.stringMatching(/ws:\/\/ or wss:\/\//) } });
    expect(settings.saveStranger.error).toMatch(/refused/);
    expect(settings.notAnObject.error).toMatch(/must be an object/);
    expect(settings.extraArgument.error).toMatch(/takes 1 argument, got 2/);
  });

  it('reads and writes files only through the dialogs, with validated arguments', async () => {
    expect(await next('open-file')).toMatchObject({ name: 'berlin52.tsp', head: expect.stringMatching(/^NAME: berlin52\n/) });
    const save = await next('save-file');
    expect(save.saved).toEqual({ value: true });
    expect(readFileSync(savePath, 'utf8')).toBe('TOUR_SECTION\n');
    // The suggested name only seeds the dialog, reduced to a base name.
    const dialog = app.lines.find((line) => line.type === 'save-dialog')!;
    expect(dialog.options.defaultPath).toMatch(/[\\/]berlin52\.tour$/);
    expect(save.stranger.error).toMatch(/refused/);
    expect(save.badContent.error).toMatch(/string or a Uint8Array/);
    expect(save.extraArgument.error).toMatch(/takes 2 arguments/);
    expect(save.openWithArgument.error).toMatch(/takes no arguments/);
  });

  it('keeps the window on the app: no navigation away, no pop-ups, no webviews', async () => {
    expect(await next('navigation')).toEqual({
      type: 'navigation',
      elsewhere: true,
      sameOrigin: false,
      redirect: true,
      windowOpen: { action: 'deny' },
      webview: true,
    });
  });

  it('denies permissions but the clipboard write, and downloads, and sends the CSP header on the app origin only', async () => {
    const { url } = await next('load');
    const session = await next('session');
    // Everything refused but writing to the clipboard (the invite dialog's Copy), for the app's page only.
    expect(session.permissionRequest).toEqual([false, true]);
    expect(session.permissionCheck).toBe(false);
    expect(session.clipboardCheck).toBe(true);
    expect(session.clipboardCheckElsewhere).toBe(false);
    expect(session.downloadPrevented).toBe(true);
    const csp: string = session.ownHeaders.responseHeaders['Content-Security-Policy'][0];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ${url.replace('http:', 'ws:').replace(/\/$/, '')}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(session.ownHeaders.responseHeaders['X-Test']).toEqual(['1']);
    expect(session.otherHeaders).toEqual({});
  });

  it('has the File, View and Help menus, whose actions reach the page', async () => {
    const menu = await next('menu');
    // Plain http: Chromium's own certificate checks are left alone.
    expect(app.lines.some((line) => line.type === 'certificates')).toBe(false);
    expect(menu.top).toEqual(expect.arrayContaining(['&File', 'editMenu', '&View', 'help']));
    expect(menu.items).toEqual(expect.arrayContaining(['open-problem', 'export-tour', 'export-map', 'quit', 'toggleDevTools']));
    expect(await next('send')).toMatchObject({ channel: 'kiln:menu', args: ['open-problem'] });
  });

  it('solves berlin52 on the bundled compute threads, then closes Kiln before quitting', async () => {
    const { trusted } = await next('bridge');
    const session = await new Promise<WampSession>((resolve, reject) => {
      openWampClient({
        url: trusted.routerUrl,
        realm: REALM,
        credentials: { method: 'ticket', authid: trusted.authid, ticket: trusted.ticket },
        onOpen: resolve,
        onClose: (reason) => reject(new Error(reason)),
      });
    });
    const started = await session.call<RunState>(Procedures.solveStart, [], solveRequest(loadTsplib('berlin52'), 2000) as unknown as Record<string, unknown>);
    const result = await session.call<RunResult>(Procedures.solveResult, [started.runId]);
    expect(result.slicesByWorker.local).toBeGreaterThan(0);
    expect(result.bestLength).toBeLessThan(7542 * 1.05);

    const exited = new Promise<number | null>((resolve) => app.child.once('exit', resolve));
    app.child.stdin.write('quit\n');
    expect(await exited).toBe(0);
    const order = app.lines.map((line) => line.type);
    expect(order.indexOf('quit-deferred')).toBeGreaterThan(-1);
    expect(order.indexOf('quit')).toBeGreaterThan(order.indexOf('quit-deferred'));
    await expect(fetch(trusted.routerUrl.replace('ws:', 'http:'))).rejects.toThrow();
  });
});

describe('main.cjs --tls under a stand-in electron module', () => {
  const userData = join(work, 'user-data');
  const otherIdentity = loadOrCreateTlsIdentity(join(work, 'another-kiln'));
  let app: FakeApp;

  beforeAll(() => {
    const otherCert = join(work, 'another-cert.pem');
    writeFileSync(otherCert, otherIdentity.cert);
    app = launchFakeApp(['--tls'], { FAKE_USER_DATA: userData, FAKE_OTHER_CERT: otherCert, FAKE_SAVE_PATH: join(work, 'tls-saved.tour') });
  });

  afterAll(() => {
    if (app.child.exitCode === null) app.child.kill();
  });

  it('serves the window over https with a certificate kept in the user data directory, and the page reaches the router over wss', async () => {
    const { url } = await app.next('load');
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const identity = loadOrCreateTlsIdentity(userData);
    const { trusted } = await app.next('bridge');
    expect(trusted.routerUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ws$/);
    const csp: string = (await app.next('session')).ownHeaders.responseHeaders['Content-Security-Policy'][0];
    expect(csp).toContain(`connect-src 'self' ${url.replace('https:', 'wss:').replace(/\/$/, '')}`);
    // The page's own session, pinning the certificate in the user data directory.
    const session = await new Promise<WampSession>((resolve, reject) => {
      openWampClient({
        url: trusted.routerUrl,
        realm: REALM,
        credentials: { method: 'ticket', authid: trusted.authid, ticket: trusted.ticket },
        tlsFingerprint: identity.fingerprint,
        onOpen: resolve,
        onClose: (reason) => reject(new Error(reason)),
      });
    });
    expect(session.id).toBeGreaterThan(0);
  });

  it("trusts only its own certificate, only on the app's host; everything else goes to Chromium's checks", async () => {
    expect(await app.next('certificates')).toEqual({ type: 'certificates', own: 0, ownOnAnotherHost: -3, another: -3, garbage: -3 });
  });
});
