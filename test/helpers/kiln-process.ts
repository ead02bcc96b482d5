/**
 * Kiln processes and sessions for tests that run the real commands: a child's output read line by
 * line, a session that rejects with the router's reason, and polling until something holds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REALM } from '../../shared/protocol/uris.ts';
import type { WampSession } from '../../shared/wamp.ts';
import { afterAll, beforeAll } from 'vitest';
import { startKiln, type RunningKiln } from '../../electron/app/kiln.ts';
import { openWampClient, type Credentials, type WampClient } from '../../electron/wamp/client.ts';

/** The `kiln` command as users run it: the bundled CLI (test/helpers/build-cli.ts builds it before the tests). */
export const KILN = fileURLToPath(new URL('../../bin/kiln.mjs', import.meta.url));

export class KilnProcess {
  readonly output: string[] = [];
  readonly exited: Promise<number | null>;
  private waiters: (() => void)[] = [];

  constructor(readonly child: ChildProcess) {
    // Lines, not chunks: a pipe may cut a line in two or deliver several at once.
    const lineReader = () => {
      let partial = '';
      return (chunk: Buffer) => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop()!;
        this.output.push(...lines.filter(Boolean));
        for (const wake of this.waiters.splice(0)) wake();
      };
    };
    child.stdout?.on('data', lineReader());
    child.stderr?.on('data', lineReader());
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  /** The first output line matching `pattern`, waiting up to `timeoutMs`. */
  async line(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const text of this.output) {
        const match = pattern.exec(text);
        if (match) return match;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output:\n${this.output.join('\n')}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/**
 * `kiln ARGS` run to its end (a command that ends by itself: a refusal, `kiln runs`), with `env` added
 * to this process's environment: its exit code and everything it wrote.
 */
export function runKiln(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [KILN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // 'close', not 'exit': by then both pipes are read to their end.
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Opens a session, or rejects with the router's reason (ABORT). */
export function join(url: string, credentials: Credentials, tlsFingerprint?: string, realm = REALM): Promise<{ session: WampSession; client: WampClient }> {
  return new Promise((resolve, reject) => {
    let client: WampClient | undefined = undefined;
    client = openWampClient({
      url,
      realm,
      credentials,
      tlsFingerprint,
      onOpen: (session) => resolve({ session, client: client! }),
      onClose: (reason, message) => reject(new Error(`${reason}: ${message ?? ''}`)),
    });
  });
}

/** The credentials a Kiln's own UI signs in with (a controller), from the tickets it made at start. */
export function controllerCredentials(kiln: Pick<RunningKiln, 'credentials'>): Credentials {
  return { method: 'ticket', ...kiln.credentials.ui };
}

/** A controller's session on a Kiln the test started, as its UI signs in (pinning `tlsFingerprint` over wss://). */
export function joinAsController(kiln: Pick<RunningKiln, 'routerUrl' | 'credentials'>, tlsFingerprint?: string): ReturnType<typeof join> {
  return join(kiln.routerUrl, controllerCredentials(kiln), tlsFingerprint);
}

/**
 * For the describe block (or file) it is called in: a Kiln with no compute threads and no UI, and a
 * controller's session on it, started before the block's tests and closed after them.
 */
export function kilnWithController(): { readonly kiln: RunningKiln; readonly ui: WampSession } {
  let kiln: RunningKiln | undefined;
  let joined: { session: WampSession; client: WampClient } | undefined;
  beforeAll(async () => {
    kiln = await startKiln({ host: '127.0.0.1', port: 0, threads: 0, uiDir: null });
    joined = await joinAsController(kiln);
  });
  afterAll(async () => {
    await joined?.client.close();
    await kiln?.close();
  });
  return {
    get kiln() {
      return kiln!;
    },
    get ui() {
      return joined!.session;
    },
  };
}

export async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
