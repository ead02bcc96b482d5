/**
 * Pairing over TLS, on a LAN the test builds (test/helpers/test-lan.ts): `kiln serve --tls` in one
 * namespace, an offering `kiln worker` in another. The invitation carries wss:// router URLs and the
 * certificate's fingerprint, which the worker pins to join with WAMP-Cryptosign and compute. Skips
 * where namespaces cannot be made.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Procedures } from '../../shared/protocol/uris.ts';
import type { LanInvitation, LanMachine, RunResult, RunState } from '../../shared/protocol/wire.ts';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { randomUniformProblem } from '../../shared/tsp/instance.ts';
import { until } from '../helpers/kiln-process.ts';
import { LanKilns } from '../helpers/lan-kilns.ts';
import { unavailableReason } from '../helpers/test-lan.ts';

describe('LAN pairing over TLS', () => {
  const why = unavailableReason();
  const kilns = new LanKilns('lan-tls');
  afterAll(() => kilns.close());

  it('puts the certificate fingerprint in the invitation; the worker pins it, joins over wss and computes', async (context) => {
    if (why !== null) return context.skip(why);
    const [control, host] = kilns.build(2).hosts;
    const served = await kilns.serve(control, kilns.stateDir('control'), ['--tls']);
    const { routerUrl, fingerprint } = served;
    const ui = await kilns.join(served, { method: 'ticket', authid: 'ui', ticket: served.ticket });

    const worker = kilns.kiln(host, ['worker', '--threads', '1', '--id', 'lan-tls', '--state-dir', kilns.stateDir('worker')]);
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
