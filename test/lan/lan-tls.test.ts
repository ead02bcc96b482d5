/**
 * Pairing over TLS, on a LAN the test builds (test/helpers/test-lan.ts): `kiln serve --tls` in one
 * namespace, an offering `kiln worker` in another. The invitation carries wss:// router URLs and the
 * certificate's fingerprint, which the worker pins to join with WAMP-Cryptosign and compute. Skips
 * where namespaces cannot be made.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Procedures } from '../../shared/protocol/uris.ts';
import type { LanInvitation, LanMachine, RunResult, RunState } from '../../shared/protocol/wire.ts';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { randomUniformProblem } from '../../shared/tsp/instance.ts';
import type { WampClient } from '../../electron/wamp/client.ts';
import { join, KILN, KilnProcess, until } from '../helpers/kiln-process.ts';
import { createTestLan, unavailableReason, type LanHost, type TestLan } from '../helpers/test-lan.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

describe('LAN pairing over TLS', () => {
  const why = unavailableReason();
  const stateDir = mkdtempSync(joinPath(tmpdir(), 'kiln-lan-tls-'));
  let lan: TestLan | undefined;
  const processes: KilnProcess[] = [];
  let client: WampClient | undefined;

  const kiln = (host: LanHost, args: string[]): KilnProcess => {
    const child = lan!.spawnIn(host, process.execPath, [KILN, ...args], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    const started = new KilnProcess(child);
    processes.push(started);
    return started;
  };

  afterAll(async () => {
    try {
      await client?.close().catch(() => undefined);
      await Promise.all(processes.map((started) => started.stop('SIGKILL')));
    } finally {
      lan?.close();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('puts the certificate fingerprint in the invitation; the worker pins it, joins over wss and computes', async (context) => {
    if (why !== null) return context.skip(why);
    lan = createTestLan(2);
    const [control, host] = lan.hosts;
    const serve = kiln(control, ['serve', '--host', control.address, '--port', '0', '--threads', '0', '--tls', '--state-dir', stateDir]);
    const ticket = (await serve.line(/Kiln is serving https:\S+#token=(\S+)/))[1];
    const routerUrl = (await serve.line(/^router (wss:\S+)/))[1];
    const fingerprint = (await serve.line(/^tls certificate sha256 ([0-9a-f]{64})$/))[1];
    let ui;
    ({ client, session: ui } = await join(routerUrl, { method: 'ticket', authid: 'ui', ticket }, fingerprint));

    const worker = kiln(host, ['worker', '--threads', '1', '--id', 'lan-tls', '--state-dir', joinPath(stateDir, 'worker')]);
    const machineId = (await worker.line(/^worker (\S+) waiting for an invitation/))[1];
    await until(
      async () => ((await ui.call<LanMachine[]>(Procedures.lanList)).some((machine) => machine.machineId === machineId) ? true : undefined),
      'the worker to be discovered',
    );

    const invitation = await ui.call<LanInvitation>(Procedures.lanInvite, [], { machineId });
    expect((await worker.line(/^pairing code (\d{6})/))[1]).toBe(invitation.code);
    worker.child.stdin!.write('y\n');
    const accepted = await worker.line(/accepted: joining (\S+) as \S+ \(certificate sha256 ([0-9a-f]{64})\)/);
    expect(accepted[1]).toBe(`wss://${control.address}:${new URL(routerUrl).port}/ws`);
    expect(accepted[2]).toBe(fingerprint);
    await worker.line(/worker lan-tls: joined wss:/);

    const started = await ui.call<RunState>(Procedures.solveStart, [], {
      problem: problemToWire(randomUniformProblem(60, 3)),
      budgetMs: 5000,
      params: { sliceMs: 250, seed: 1 },
    });
    const result = await ui.call<RunResult>(Procedures.solveResult, [started.runId]);
    expect(result.slicesByWorker['lan-tls']).toBeGreaterThan(0);
  }, 90_000);
});
