/**
 * The router's test-only profiles (limits.emulate), which the distributed tests run against: where
 * Crossbar.io 21.3.1 and Nexus 3.2.2 differ from Kiln's router, each behaves as that router does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { callError, startFixture, type Fixture } from './helpers/router-fixture.ts';

/** Invocations that wait until the test answers them. */
function gate(): { waiting: Array<(value: unknown) => void>; handler: () => Promise<unknown> } {
  const waiting: Array<(value: unknown) => void> = [];
  return { waiting, handler: () => new Promise((resolve) => waiting.push(resolve)) };
}

describe('router emulation profiles', () => {
  let fixture: Fixture;
  afterEach(async () => fixture.close());

  it("as Crossbar.io: a call beyond every callee's concurrency is rejected at once, even with a call queue configured", async () => {
    fixture = await startFixture({ limits: { emulate: 'crossbar', maxCallQueue: 64 } });
    const [caller, callee] = [await fixture.connect(), await fixture.connect()];
    const slow = gate();
    await callee.session.register('com.test.slow', slow.handler, { concurrency: 1 } as never);
    const first = caller.session.call('com.test.slow');
    await fixture.until(() => slow.waiting.length === 1);
    expect((await callError(caller.session.call('com.test.slow'))).error).toBe('crossbar.error.max_concurrency_reached');
    slow.waiting[0]('done');
    expect(await first).toBe('done');
  });

  it('as Crossbar.io: CALL.Options.timeout is ignored, the caller waits for the callee', async () => {
    fixture = await startFixture({ limits: { emulate: 'crossbar' } });
    // The same call on Kiln's router, as the clock: once it has timed out, Crossbar.io's would have too.
    const reference = await startFixture();
    try {
      const calls: PromiseLike<unknown>[] = [];
      const gates: ReturnType<typeof gate>[] = [];
      for (const router of [fixture, reference]) {
        const [caller, callee] = [await router.connect(), await router.connect()];
        const slow = gate();
        await callee.session.register('com.test.slow', slow.handler);
        calls.push(caller.session.call('com.test.slow', [], {}, { timeout: 50 }));
        gates.push(slow);
      }
      let settled = false;
      void calls[0].then(
        () => (settled = true),
        () => (settled = true),
      );
      expect((await callError(calls[1])).error).toBe('wamp.error.timeout');
      await fixture.until(() => gates[0].waiting.length === 1);
      expect(settled).toBe(false);
      gates[0].waiting[0]('late');
      expect(await calls[0]).toBe('late');
    } finally {
      await reference.close();
    }
  });

  it("as Nexus: REGISTER's concurrency is ignored, every call goes to the callee at once", async () => {
    fixture = await startFixture({ limits: { emulate: 'nexus', maxCallQueue: 0 } });
    const [caller, callee] = [await fixture.connect(), await fixture.connect()];
    const slow = gate();
    await callee.session.register('com.test.slow', slow.handler, { concurrency: 1 } as never);
    const calls = [1, 2, 3].map(() => caller.session.call('com.test.slow'));
    await fixture.until(() => slow.waiting.length === 3);
    for (const answer of slow.waiting) answer('ok');
    expect(await Promise.all(calls)).toEqual(['ok', 'ok', 'ok']);
  });

  it("as Kiln's router: the call waits in the queue and times out as asked", async () => {
    fixture = await startFixture({ limits: { maxCallQueue: 4 } });
    const [caller, callee] = [await fixture.connect(), await fixture.connect()];
    const slow = gate();
    await callee.session.register('com.test.slow', slow.handler, { concurrency: 1 } as never);
    void caller.session.call('com.test.slow').then(undefined, () => undefined);
    await fixture.until(() => slow.waiting.length === 1);
    expect((await callError(caller.session.call('com.test.slow', [], {}, { timeout: 50 }))).error).toBe('wamp.error.timeout');
  });

  it('refuses an unknown profile', async () => {
    await expect(startFixture({ limits: { emulate: 'rabbitmq' as never } })).rejects.toThrow(/limits.emulate must be/);
    fixture = await startFixture();
  });
});
