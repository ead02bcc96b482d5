#!/usr/bin/env node
// `npm start [-- --tls]`: the desktop app. Checks first that a usable Electron is there, and if not says in
// one line what is missing and how to fix it (Electron is an optional dependency: its binary download
// may fail or be skipped, and the headless `npm run serve` needs none); then builds the UI and the
// Electron bundle and runs Electron on this directory, passing on arguments, signals and the exit code.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const SERVE_INSTEAD = 'or run `npm run serve` for the control center in a browser';

function fail(message) {
  console.error(`kiln: ${message}`);
  process.exit(1);
}

const DOWNLOAD = 'run `npm rebuild electron` where github.com is reachable (without ELECTRON_SKIP_BINARY_DOWNLOAD)';

/** The Electron binary's path, or what is missing and how to get it. */
function findElectron() {
  let path;
  try {
    // The electron package exports its binary's path; it throws when the download did not happen.
    path = createRequire(import.meta.url)('electron');
  } catch (error) {
    if (error.code === 'MODULE_NOT_FOUND')
      return { missing: 'the electron package is not installed (its binary download failed)', fix: 'run `npm install` again where github.com is reachable' };
    return { missing: "Electron's binary was not downloaded", fix: DOWNLOAD };
  }
  return existsSync(path) ? { path } : { missing: `Electron's binary is missing (${path})`, fix: DOWNLOAD };
}

const electron = findElectron();
if (!electron.path) fail(`cannot start the desktop app: ${electron.missing}; ${electron.fix}, ${SERVE_INSTEAD}`);
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  fail(`cannot start the desktop app: no display (neither DISPLAY nor WAYLAND_DISPLAY is set); start it from a desktop session, ${SERVE_INSTEAD}`);
}

// The same builds `npm run build:renderer` and `npm run build:electron` do, through the npm running us.
const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
for (const script of ['build:renderer', 'build:electron']) {
  const { status } = spawnSync(npm[0], [...npm.slice(1), 'run', '--silent', script], {
    cwd: root,
    stdio: 'inherit',
    shell: npm.length === 1 && process.platform === 'win32',
  });
  if (status !== 0) process.exit(status ?? 1);
}

const child = spawn(electron.path, ['.', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', windowsHide: false });
child.on('error', (error) => fail(`cannot start Electron (${electron.path}): ${error.message}`));
child.on('exit', (code, signal) => {
  // 127: the loader could not start it, typically shared libraries missing (Electron prints which).
  if (code === 127) fail(`Electron could not start: install the system libraries it names above, ${SERVE_INSTEAD}`);
  process.exit(code ?? (signal ? 1 : 0));
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
