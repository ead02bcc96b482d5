/**
 * Attack 5 of issue 11: one 4 MB reply from a donor blocked the control center's event loop for about
 * 3 s (the router decoded it, then the orchestrator walked it) while other sessions' calls waited.
 */
import { describe, expect, it } from 'vitest';
import { HostileDonor } from './hostile-donor.ts';
import { expectValidFinishedRun, honestSlices, randomProblem, rssMB, Sentinel, solve, until, guardedKilnPerTest } from './fixture.ts';

const startGuarded = guardedKilnPerTest();

describe('replies larger than a slice can be', () => {
  it('are refused from the frame header, ending that donor, while a controller stays answered and memory stays bounded', async () => {
    const guarded = await startGuarded();
    const { kiln, controller } = guarded;
    const flooder = await guarded.donor();
    // 800,000 five-byte MessagePack integers: a 4 MB "tour", packed once (the attacker's cost is not measured).
    const huge = HostileDonor.pack({ tour: new Array(800_000).fill(100_000), length: 1, stats: { movesTried: 0 }, workerId: 'flooder', stopped: false });
    expect(huge.length).toBeGreaterThan(4_000_000);
    let invoked = 0;
    flooder.onInvocation = (invocation) => {
      invoked++;
      flooder.yieldPacked(invocation.request, huge);
    };
    await flooder.registerAnneal(2);
    // One within the size limit but not a tour of this problem: refused by its length, before it is walked.
    const padder = await guarded.donor();
    padder.onInvocation = (invocation) =>
      padder.yield(invocation.request, {
        runId: invocation.kwargs.runId,
        tour: new Array(6000).fill(1),
        length: 1,
        stats: { movesTried: 0 },
        workerId: 'padder',
        stopped: false,
      });
    await padder.registerAnneal(1);
    await until(() => kiln.orchestrator.workers.size === 3, 'both donors to register');

    const startRss = rssMB();
    const sentinel = new Sentinel(controller);
    const problem = randomProblem(60);
    const result = await solve(controller, problem, 3000, 100);
    const { slowestMs, calls } = await sentinel.stop();

    expect(invoked).toBeGreaterThan(0);
    expect((await flooder.closed()).code).toBe(1009);
    expect(guarded.log.some((line) => line.includes(`callee ${padder.sessionId} quarantined`) && line.includes('expected 60 cities'))).toBe(true);
    expectValidFinishedRun(result, problem);
    expect(honestSlices(result)).toBeGreaterThan(0);
    expect(calls).toBeGreaterThan(10);
    expect(slowestMs).toBeLessThan(1000);
    expect(rssMB() - startRss).toBeLessThan(300);
  });
});
