/**
 * Attack 2 of issue 11: capacity was the sum of kiln.worker.load claims, which any compute session could
 * publish for invented worker ids (20 of them: 20,481 slices dispatched, none completed), and
 * kiln.worker.gone for another worker's id removed it from the run.
 */
import { describe, expect, it } from 'vitest';
import { Procedures, Topics } from '../../shared/protocol/uris.ts';
import type { WorkerLoad } from '../../shared/protocol/wire.ts';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { donorLoad, expectValidFinishedRun, honestAnswer, honestSlices, randomProblem, until, guardedKilnPerTest } from './fixture.ts';

const startGuarded = guardedKilnPerTest();

describe('capacity comes from what the router says callees registered', () => {
  it('gives invented workers and inflated claims no capacity, refuses a fake gone for the local worker, and the run stays within the registered slots', async () => {
    const guarded = await startGuarded();
    const { kiln, controller } = guarded;
    const { workers } = kiln.orchestrator;
    await until(() => workers.size === 1, 'the local worker');
    const donor = await guarded.donor();
    for (let i = 0; i < 20; i++) {
      donor.publish(Topics.workerLoad, [donorLoad(`invented-${i}`, 1024)], { disclose_me: true });
      donor.publish(Topics.workerLoad, [donorLoad(`undisclosed-${i}`, 1024)]);
    }
    donor.send([16, 900, { acknowledge: true }, Topics.workerGone, [{ workerId: 'local' }]]);
    const goneRefused = await donor.next((m) => m[0] === 8 && m[1] === 16 && m[2] === 900);
    expect(goneRefused[4]).toBe('wamp.error.not_authorized');
    donor.onInvocation = (invocation) => donor.yield(invocation.request, honestAnswer(invocation, 40, 'donor'));
    await donor.registerAnneal(1);
    await until(() => workers.size === 2, 'the donor to register');
    // Its session holds the first worker id it claimed, disclosed (invented-0): a load under another id is not its
    // own, and its claim of 1024 threads under its own still gives only the one slot it registered.
    let claimSeen: () => void = () => {};
    const seen = new Promise<void>((resolve) => (claimSeen = resolve));
    await controller.subscribe(Topics.workerLoad, (args) => {
      if ((args?.[0] as WorkerLoad | undefined)?.host === 'claims-1024') claimSeen();
    });
    donor.publish(Topics.workerLoad, [donorLoad('donor-claims-1024', 1024)], { disclose_me: true });
    donor.publish(Topics.workerLoad, [{ ...donorLoad('invented-0', 1024), host: 'claims-1024' }], { disclose_me: true });
    await seen;
    // The orchestrator's session gets the same events before it answers this call (one socket, in order).
    await controller.call(Procedures.solveStatus);

    expect(workers.totalConcurrency).toBe(2);
    const loads = workers.list();
    expect(loads.map((load) => load.workerId).sort()).toEqual(['invented-0', 'local']);
    expect(loads.find((load) => load.workerId === 'invented-0')!.host).toBe('claims-1024');

    const problem = randomProblem(40);
    const run = kiln.orchestrator.startRun({ problem: problemToWire(problem), budgetMs: 4000, params: { sliceMs: 100, seed: 1 } });
    let mostInFlight = 0;
    const sampler = setInterval(() => (mostInFlight = Math.max(mostInFlight, run.slicesInFlight)), 5);
    const result = await run.finished();
    clearInterval(sampler);

    expectValidFinishedRun(result, problem);
    expect(honestSlices(result)).toBeGreaterThan(0);
    expect(mostInFlight).toBeLessThanOrEqual(2);
    expect(workers.size).toBe(2);
  });

  it('drops a callee the moment the router reports its session gone, and tells viewers', async () => {
    const guarded = await startGuarded({ threads: 0 });
    const { kiln, controller } = guarded;
    const { workers } = kiln.orchestrator;
    const gone: unknown[] = [];
    await controller.subscribe(Topics.workerGone, (args) => gone.push(args?.[0]));
    const donor = await guarded.donor();
    await donor.registerAnneal(3);
    donor.publish(Topics.workerLoad, [donorLoad('leaving', 3)], { disclose_me: true });
    await until(() => workers.totalConcurrency === 3 && workers.list().length === 1, 'the donor and its load');
    donor.close();
    await until(() => workers.size === 0, 'the donor to be dropped');
    await until(() => gone.length === 1, 'kiln.worker.gone');
    expect(gone).toEqual([{ workerId: 'leaving' }]);
    expect(workers.totalConcurrency).toBe(0);
  });
});
