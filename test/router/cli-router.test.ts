import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { autobahnSession } from './autobahn-helpers.ts';

const KILN = fileURLToPath(new URL('../../bin/kiln.mjs', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function kiln(...args: string[]) {
  const child = spawn(process.execPath, [KILN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const line = async (pattern: RegExp, timeoutMs = 20_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const match = stdout.match(pattern);
      if (match) return match[0];
      if (child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no ${pattern} in stdout: ${stdout}\nstderr: ${stderr}`);
  };
  return { child, exited, line, output: () => ({ stdout, stderr }) };
}

describe('kiln router', () => {
  it('prints its ready line, serves autobahn sessions, and exits 0 on SIGTERM', async () => {
    const run = kiln('router', '--host', '127.0.0.1', '--port', '0', '--realm', 'realm1', '--anonymous');
    const ready = await run.line(/^ready ws:\/\/127\.0\.0\.1:\d+\/ws$/m);
    const { session, close } = await autobahnSession(ready.slice('ready '.length));
    await session.register('com.example.hello', () => 'hi');
    expect(await session.call('com.example.hello')).toBe('hi');
    await close();
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 30_000);

  it('exits 0 on SIGINT too', async () => {
    const run = kiln('router', '--port', '0', '--anonymous');
    await run.line(/^ready /m);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  }, 30_000);

  it('refuses --anonymous on a non-loopback host', async () => {
    const run = kiln('router', '--host', '0.0.0.0', '--port', '0', '--anonymous');
    expect(await run.exited).toBe(2);
    expect(run.output().stderr).toMatch(/--anonymous .* refused on the non-loopback host '0\.0\.0\.0'/);
  }, 30_000);

  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['router', '--anonymous', '--colour'], /unknown option '--colour'/],
    [['router', '--anonymous', '--port', 'eighty'], /--port must be a port number/],
  ])(
    'kiln %j fails with a clear error and exit code 2',
    async (args, message) => {
      const run = kiln(...args);
      expect(await run.exited).toBe(2);
      expect(run.output().stderr).toMatch(message);
    },
    30_000,
  );

  it('prints help', async () => {
    const top = kiln('--help');
    expect(await top.exited).toBe(0);
    expect(top.output().stdout).toMatch(/router +run a bare WAMP router/);
    const sub = kiln('router', '--help');
    expect(await sub.exited).toBe(0);
    expect(sub.output().stdout).toMatch(/--anonymous/);
  }, 30_000);
});
