/**
 * Starts the real `kiln serve` (bin/kiln.mjs, as a user would) on a free port and reads the URL it
 * prints, for the control center's end-to-end tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  /** SIGKILL, as a crash or power cut would end it: no clean shutdown. */
  kill(): Promise<void>;
}

/**
 * `stateDir`: where it keeps its run history; by default a fresh directory, deleted on close (tests
 * never write into the user's own ~/.config/kiln).
 */
export function serveKiln(threads: number, { stateDir, timeoutMs = 30_000 }: { stateDir?: string; timeoutMs?: number } = {}): Promise<ServedKiln> {
  const ownDir = stateDir === undefined ? mkdtempSync(join(tmpdir(), 'kiln-e2e-')) : null;
  const dir = stateDir ?? ownDir!;
  const child = spawn(process.execPath, [KILN, 'serve', '--port', '0', '--threads', String(threads), '--state-dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const removeOwnDir = (): void => {
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  };
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`kiln serve printed no URL within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGTERM');
      removeOwnDir();
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
      resolve({
        uiUrl: match[1],
        routerUrl: `ws://${url.host}/ws`,
        uiCredentials: { method: 'ticket', authid: 'ui', ticket },
        close: () => stop(child).then(removeOwnDir),
        kill: () => kill(child),
      });
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => fail(new Error(`kiln serve exited (${code ?? signal}) before serving:\n${output}`)));
  });
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
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
