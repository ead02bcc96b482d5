/**
 * Vitest global setup: builds the bundled CLI (build/cli.mjs) once before any test spawns `kiln`, so
 * that the tests run what users run and no test process pays for (or races another over) the build.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function buildCli(): void {
  execFileSync(process.execPath, ['build/cli.mjs'], { cwd: fileURLToPath(new URL('../../', import.meta.url)), stdio: 'inherit' });
}
