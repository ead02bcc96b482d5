/**
 * Browsers from other origins, and DNS rebinding, against the real commands: `kiln router
 * --anonymous` refuses WebSocket upgrades from pages of other origins (Node clients send no Origin
 * and still join); `kiln serve` answers only to its own Host names and sends its CSP as a header,
 * with connect-src naming its own router origin exactly.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { KilnProcess } from '../helpers/kiln-process.ts';
import { autobahnSession } from '../router/autobahn-helpers.ts';

const KILN = fileURLToPath(new URL('../../bin/kiln.mjs', import.meta.url));
const processes: KilnProcess[] = [];
// kiln serve keeps its run history in its state directory: a temporary one, not the user's.
const stateDir = mkdtempSync(join(tmpdir(), 'kiln-origin-host-'));
afterAll(async () => {
  await Promise.all(processes.map((started) => started.stop('SIGKILL')));
  rmSync(stateDir, { recursive: true, force: true });
});

function kiln(...args: string[]): KilnProcess {
  const started = new KilnProcess(spawn(process.execPath, [KILN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
  processes.push(started);
  return started;
}

/** The HTTP status a WebSocket upgrade gets (101 when it is accepted). */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, ['wamp.2.json'], { headers });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

function get(url: string, host: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Host: host } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

describe('Origin and Host', () => {
  it('kiln router --anonymous refuses a WebSocket upgrade from a foreign page, takes its own origin, no Origin and --allow-origin ones', async () => {
    const router = kiln('router', '--port', '0', '--anonymous', '--allow-origin', 'https://kiln.example.com');
    const url = (await router.line(/^ready (ws:\S+)$/))[1];
    const port = new URL(url).port;
    expect(await upgradeStatus(url, { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(url, { Origin: 'null' })).toBe(403);
    // Same host name but another port is another origin (another local web server).
    expect(await upgradeStatus(url, { Origin: `http://127.0.0.1:${Number(port) + 1}` })).toBe(403);
    expect(await upgradeStatus(url, { Origin: `http://127.0.0.1:${port}` })).toBe(101);
    expect(await upgradeStatus(url, { Origin: 'https://kiln.example.com' })).toBe(101);
    // DNS rebinding: the attacker's name in Host.
    expect(await upgradeStatus(url, { Host: `rebind.evil.example:${port}`, Origin: `http://rebind.evil.example:${port}` })).toBe(421);
    const { session, close } = await autobahnSession(url);
    expect(session.id).toBeGreaterThan(0);
    await close();
  }, 30_000);

  it('kiln serve answers only to its own Host names, sends one CSP header naming its router, and refuses foreign upgrades', async () => {
    const serve = kiln('serve', '--port', '0', '--threads', '0', '--state-dir', stateDir, '--allow-host', 'kiln.example.com');
    const uiUrl = (await serve.line(/^Kiln is serving (http:\S+)$/))[1];
    const { origin, host, port } = new URL(uiUrl);
    const page = await get(`${origin}/`, host);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain(`connect-src 'self' ws://${host};`);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    // The policy is the header alone: the page carries no looser meta policy of its own.
    expect(page.body).not.toMatch(/http-equiv="Content-Security-Policy"/i);
    expect((await get(`${origin}/`, `localhost:${port}`)).headers['content-security-policy']).toContain(`ws://localhost:${port}`);
    expect((await get(`${origin}/`, `kiln.example.com:${port}`)).status).toBe(200);
    // DNS rebinding: a page of rebind.evil.example whose name now points at 127.0.0.1.
    const rebound = await get(`${origin}/`, `rebind.evil.example:${port}`);
    expect(rebound.status).toBe(421);
    expect(rebound.body).not.toContain('<script');
    expect(await upgradeStatus(`${origin.replace('http', 'ws')}/ws`, { Host: `rebind.evil.example:${port}` })).toBe(421);
    expect(await upgradeStatus(`${origin.replace('http', 'ws')}/ws`, { Origin: 'http://evil.example' })).toBe(403);
  }, 30_000);

  it.each([
    [['router', '--anonymous', '--allow-origin', 'kiln.example.com'], /--allow-origin must be an origin/],
    [['serve', '--state-dir', stateDir, '--allow-host', 'evil/example'], /--allow-host must be a DNS name/],
  ])(
    'kiln %j fails with a clear error',
    async (...args) => {
      const [argv, message] = args as [string[], RegExp];
      const run = kiln(...argv);
      expect(await run.exited).toBe(2);
      expect(run.output.join('\n')).toMatch(message);
    },
    30_000,
  );
});
