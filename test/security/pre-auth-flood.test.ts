/**
 * Attack 6 of issue 11: before WELCOME the 16 MiB message limit applied and every frame was decoded: four
 * unauthenticated connections sending 16 MB HELLOs blocked the event loop 10-16 s per round, an
 * authenticated session lost most of its calls, and memory went from 228 to 776 MB.
 */
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { HostileDonor } from './hostile-donor.ts';
import { expectValidFinishedRun, honestSlices, randomProblem, rssMB, Sentinel, solve, guardedKilnPerTest } from './fixture.ts';

const startGuarded = guardedKilnPerTest();

const CONNECTIONS = 4;
const ROUNDS = 5;

describe('unauthenticated peers', () => {
  it('are refused 16 MB HELLOs from the length header, before the router reads or decodes them, while a controller stays answered', async () => {
    const guarded = await startGuarded();
    const { kiln, controller } = guarded;
    const hello = new Packr({ useRecords: false }).pack([1, 'kiln', { roles: { callee: {} }, authmethods: ['wampcra'], pad: 'x'.repeat(16 * 2 ** 20 - 256) }]);
    expect(hello.length).toBeLessThan(kiln.router.limits.maxMessageSize);

    const startRss = rssMB();
    const sentinel = new Sentinel(controller);
    const problem = randomProblem(60);
    const solving = solve(controller, problem, 4000, 100);
    const closeCodes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          const peer = await HostileDonor.open(kiln.routerUrl);
          peer.ws.send(hello);
          closeCodes.push((await peer.closed()).code);
        }),
      );
    }
    const result = await solving;
    const { slowestMs, calls } = await sentinel.stop();

    // 1009 (message too big) as the router closes; 1006 when the socket went while the client still wrote.
    expect(closeCodes).toHaveLength(CONNECTIONS * ROUNDS);
    for (const code of closeCodes) expect([1009, 1006]).toContain(code);
    expect(closeCodes).toContain(1009);
    expectValidFinishedRun(result, problem);
    expect(honestSlices(result)).toBeGreaterThan(0);
    expect(calls).toBeGreaterThan(10);
    expect(slowestMs).toBeLessThan(1000);
    expect(rssMB() - startRss).toBeLessThan(300);
  });
});
