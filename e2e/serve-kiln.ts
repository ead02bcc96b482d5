/**
 * Starts the real `kiln serve` (bin/kiln.mjs, as a user would) on a free port and reads the URL it
 * prints, for the control center's end-to-end tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';

const KILN = fileURLToPath(new URL('../bin/kiln.mjs', import.meta.url));
const SERVING = /^Kiln is serving (http:\/\/\S+)$/m;

export interface ServedKiln {
  /** http://127.0.0.1:PORT/#token=... */
  uiUrl: string;
  /** ws://127.0.0.1:PORT/ws */
  routerUrl: string;
  /** The UI's ticket credentials (authid "ui", role controller), for a test's own controller session. */
  uiCredentials: { method: 'ticket'; authid: string; ticket: string };
  close(): Promise<void>;
}

export function serveKiln(threads: number, timeoutMs = 30_000): Promise<ServedKiln> {
  const child = spawn(process.execPath, [KILN, 'serve', '--port', '0', '--threads', String(threads)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`kiln serve printed no URL within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(error);
    };
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = SERVING.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', read);
      // Keep draining, so a chatty server never blocks on a full pipe.
      child.stdout!.resume();
      const url = new URL(match[1]);
      const ticket = new URLSearchParams(url.hash.slice(1)).get('token')!;
      resolve({ uiUrl: match[1], routerUrl: `ws://${url.host}/ws`, uiCredentials: { method: 'ticket', authid: 'ui', ticket }, close: () => stop(child) });
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => fail(new Error(`kiln serve exited (${code ?? signal}) before serving:\n${output}`)));
  });
}

/** SIGTERM, as a supervisor would, and wait for the clean shutdown. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** One `kiln serve` for a whole spec file (started before its first test, stopped after its last). */
export function serveKilnForSpec(threads: number): () => ServedKiln {
  let kiln: ServedKiln | undefined;
  test.beforeAll(async () => {
    kiln = await serveKiln(threads);
  });
  test.afterAll(async () => {
    await kiln?.close();
  });
  return () => kiln!;
}

/** Opens the control center signed in and waits for its router session. */
export async function openControlCenter(page: Page, kiln: ServedKiln): Promise<void> {
  await page.goto(kiln.uiUrl);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-phase', 'open');
}
