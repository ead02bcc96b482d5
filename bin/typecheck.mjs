#!/usr/bin/env node
// `npm run typecheck`'s TypeScript half: tsc on tsconfig.json, or, where the optional electron package is
// not installed (its binary download failed, and npm then leaves the whole package out, types included),
// on tsconfig.headless.json, which leaves out only electron/main.ts and electron/preload.ts, and says so.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const hasElectronTypes = existsSync(`${root}node_modules/electron/electron.d.ts`);
if (!hasElectronTypes) {
  console.log(
    'typecheck: electron/main.ts and electron/preload.ts skipped: the optional electron package is not installed (`ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install` brings its types without the binary)',
  );
}
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const project = hasElectronTypes ? 'tsconfig.json' : 'tsconfig.headless.json';
const { status } = spawnSync(process.execPath, [tsc, '-p', project], { cwd: root, stdio: 'inherit' });
process.exitCode = status ?? 1;
