/**
 * Vitest global setup: builds the bundled CLI (build/cli.mjs) once before any test spawns `kiln`, so
 * that the tests run what users run and no test process pays for (or races another over) the build.
 * It also builds the UI when none is built yet (a fresh clone): tests of `kiln serve` fetch its pages.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export default function buildCli(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  execFileSync(process.execPath, ['build/cli.mjs'], { cwd: root, stdio: 'inherit' });
  if (!existsSync(`${root}dist/renderer/index.html`)) {
    execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], {
      cwd: root,
      stdio: 'inherit',
    });
  }
}
