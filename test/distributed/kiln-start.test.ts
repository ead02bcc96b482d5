/**
 * A Kiln that cannot start rejects with the reason and frees its port: when its last step (the LAN side) fails, the
 * port is free again, and the next start on it serves WAMP with kiln.lan.* answering (the desktop app lives on after
 * the error). That the local compute threads also went is not checked here.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { startKiln, type RunningKiln } from '../../electron/app/kiln.ts';
import { ControlCenterLan, type LanStartOptions } from '../../electron/lan/control-center.ts';
import { Procedures } from '../../shared/protocol/uris.ts';
import { joinAsController, KILN, KilnProcess } from '../helpers/kiln-process.ts';

let kiln: RunningKiln | null = null;
afterEach(async () => {
  vi.restoreAllMocks();
  await kiln?.close();
  kiln = null;
});

/** Listens on the port and lets it go: rejects with EADDRINUSE while anything still holds it. */
function bindOnce(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

it('a start whose LAN side fails rejects with the reason and frees its port', async () => {
  let failedPort = 0;
  vi.spyOn(ControlCenterLan.prototype, 'start').mockImplementationOnce(async (options: LanStartOptions) => {
    failedPort = options.port;
    throw new Error('no LAN here');
  });
  await expect(startKiln({ threads: 1, uiDir: null, lan: { discover: false } })).rejects.toThrow('no LAN here');
  expect(failedPort).toBeGreaterThan(0);
  await bindOnce(failedPort);
  // The same port again, with a LAN that starts: a controller joins over WAMP there and kiln.lan.list answers.
  kiln = await startKiln({ threads: 0, uiDir: null, lan: { discover: false }, port: failedPort });
  expect(kiln.port).toBe(failedPort);
  const { client, session } = await joinAsController(kiln);
  try {
    expect(Array.isArray(await session.call<unknown[]>(Procedures.lanList))).toBe(true);
  } finally {
    await client.close();
  }
});

it('kiln serve and kiln router on a busy port say so, and how to choose another', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address() as AddressInfo;
  const stateDir = mkdtempSync(join(tmpdir(), 'kiln-busy-'));
  try {
    for (const args of [
      ['serve', '--threads', '0', '--state-dir', stateDir],
      ['router', '--anonymous'],
    ]) {
      const started = new KilnProcess(spawn(process.execPath, [KILN, ...args, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] }));
      expect(await started.exited, args[0]).toBe(1);
      expect(started.output.join('\n')).toContain(
        `kiln ${args[0]}: listen EADDRINUSE: address already in use 127.0.0.1:${port} (another program, or another Kiln, listens there: --port N picks another port, --port 0 a free one)`,
      );
    }
  } finally {
    holder.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
});
