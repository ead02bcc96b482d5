/**
 * Crossbar.io's per-callee concurrency, and Kiln's bounded FIFO queue for calls that find every callee
 * saturated: dispatched as capacity frees, refused with crossbar.error.max_concurrency_reached when full.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { callError, startFixture, type Client, type Fixture } from './helpers/router-fixture.ts';

/** A procedure whose invocations wait until the test releases (or fails) them, oldest first. */
class Gate {
  readonly waiting: Array<{ resolve: (value: unknown) => void; reject: (error: unknown) => void; args: unknown[] }> = [];
  readonly handler = (args: unknown[]): Promise<unknown> => new Promise((resolve, reject) => this.waiting.push({ resolve, reject, args }));
  release(value: unknown = 'done'): void {
    this.waiting.shift()!.resolve(value);
  }
}

describe('concurrency and the call queue', () => {
  let fixture: Fixture;
  let caller: Client;
  afterEach(async () => fixture.close());

  async function setUp(maxCallQueue: number): Promise<void> {
    fixture = await startFixture({ limits: { maxCallQueue } });
    caller = await fixture.connect();
  }

  it('never gives a callee more than `concurrency` invocations; the rest wait in order and go out as slots free', async () => {
    await setUp(8);
    const callee = await fixture.connect();
    const gate = new Gate();
    await callee.session.register('com.test.slow', gate.handler, { concurrency: 2 } as never);
    const calls = [1, 2, 3, 4, 5].map((n) => caller.session.call('com.test.slow', [n]));
    // Once all five calls are at the router, two went out and three wait: no third invocation is on its way.
    await fixture.until(() => fixture.router.stats().realms.realm1.queuedCalls === 3);
    await fixture.until(() => gate.waiting.length === 2);
    expect(gate.waiting.length).toBe(2);
    const order: unknown[] = [];
    while (order.length < 5) {
      await fixture.until(() => gate.waiting.length > 0);
      expect(gate.waiting.length).toBeLessThanOrEqual(2);
      order.push(gate.waiting[0].args[0]);
      gate.release(gate.waiting[0].args[0]);
    }
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(await Promise.all(calls)).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses at once with crossbar.error.max_concurrency_reached when maxCallQueue is 0 (Crossbar.io behaviour)', async () => {
    await setUp(0);
    const callee = await fixture.connect();
    const gate = new Gate();
    await callee.session.register('com.test.slow', gate.handler, { concurrency: 1 } as never);
    const first = caller.session.call('com.test.slow');
    await fixture.until(() => gate.waiting.length === 1);
    expect((await callError(caller.session.call('com.test.slow'))).error).toBe('crossbar.error.max_concurrency_reached');
    gate.release();
    await first;
  });

  it('refuses when the queue is full, for every policy', async () => {
    await setUp(1);
    const callees = [await fixture.connect(), await fixture.connect()];
    const gate = new Gate();
    for (const callee of callees) await callee.session.register('com.test.slow', gate.handler, { invoke: 'roundrobin', concurrency: 1 } as never);
    const running = [caller.session.call('com.test.slow'), caller.session.call('com.test.slow')];
    await fixture.until(() => gate.waiting.length === 2);
    const queued = caller.session.call('com.test.slow');
    expect((await callError(caller.session.call('com.test.slow'))).error).toBe('crossbar.error.max_concurrency_reached');
    gate.release();
    await fixture.until(() => gate.waiting.length === 2);
    gate.release();
    gate.release();
    await Promise.all([...running, queued]);
  });

  it('frees the slot when the callee answers with ERROR', async () => {
    await setUp(4);
    const callee = await fixture.connect();
    const gate = new Gate();
    await callee.session.register('com.test.slow', gate.handler, { concurrency: 1 } as never);
    const failing = caller.session.call('com.test.slow');
    const queued = caller.session.call('com.test.slow');
    await fixture.until(() => gate.waiting.length === 1);
    gate.waiting.shift()!.reject(new Error('boom'));
    expect((await callError(failing)).error).toBe('wamp.error.runtime_error');
    await fixture.until(() => gate.waiting.length === 1);
    gate.release('second');
    expect(await queued).toBe('second');
  });

  it('drains the queue into a callee that registers later', async () => {
    await setUp(4);
    const [first, second] = [await fixture.connect(), await fixture.connect()];
    const gate = new Gate();
    await first.session.register('com.test.slow', gate.handler, { invoke: 'roundrobin', concurrency: 1 } as never);
    const calls = [caller.session.call('com.test.slow'), caller.session.call('com.test.slow')];
    await fixture.until(() => gate.waiting.length === 1);
    await second.session.register('com.test.slow', () => 'fresh', { invoke: 'roundrobin', concurrency: 1 } as never);
    expect(await calls[1]).toBe('fresh');
    gate.release('old');
    expect(await calls[0]).toBe('old');
  });

  it('drains the queue into the remaining callee when a busy one leaves', async () => {
    await setUp(4);
    const [busy, idle] = [await fixture.connect(), await fixture.connect()];
    const gateBusy = new Gate();
    const gateIdle = new Gate();
    await busy.session.register('com.test.slow', gateBusy.handler, { invoke: 'first', concurrency: 1 } as never);
    await idle.session.register('com.test.slow', gateIdle.handler, { invoke: 'first', concurrency: 1 } as never);
    const calls = [1, 2, 3].map((n) => caller.session.call('com.test.slow', [n]));
    const canceled = callError(calls[0]);
    await fixture.until(() => gateBusy.waiting.length === 1 && gateIdle.waiting.length === 1);
    await busy.leave();
    expect((await canceled).error).toBe('wamp.error.canceled');
    gateIdle.release('b');
    await fixture.until(() => gateIdle.waiting.length === 1);
    expect(gateIdle.waiting[0].args).toEqual([3]);
    gateIdle.release('c');
    expect(await Promise.all(calls.slice(1))).toEqual(['b', 'c']);
  });

  it('fails queued calls with wamp.error.no_such_procedure when the last callee unregisters', async () => {
    await setUp(4);
    const callee = await fixture.connect();
    const gate = new Gate();
    const registration = await callee.session.register('com.test.slow', gate.handler, { concurrency: 1 } as never);
    const running = caller.session.call('com.test.slow');
    const queued = callError(caller.session.call('com.test.slow'));
    await fixture.until(() => gate.waiting.length === 1);
    await callee.session.unregister(registration);
    expect((await queued).error).toBe('wamp.error.no_such_procedure');
    gate.release('finished anyway');
    expect(await running).toBe('finished anyway');
  });

  it("drops a departed caller's queued calls", async () => {
    await setUp(4);
    const callee = await fixture.connect();
    const other = await fixture.connect();
    const gate = new Gate();
    await callee.session.register('com.test.slow', gate.handler, { concurrency: 1 } as never);
    const running = other.session.call('com.test.slow', ['other']);
    await fixture.until(() => gate.waiting.length === 1);
    void caller.session.call('com.test.slow', ['gone']).then(
      () => {},
      () => {},
    );
    await fixture.until(() => fixture.router.stats().realms.realm1.queuedCalls === 1);
    await caller.leave();
    await fixture.until(() => fixture.router.stats().realms.realm1.queuedCalls === 0);
    const next = other.session.call('com.test.slow', ['next']);
    gate.release();
    await running;
    await fixture.until(() => gate.waiting.length === 1);
    expect(gate.waiting[0].args).toEqual(['next']);
    gate.release();
    await next;
  });

  it('publishes kiln.router.registration.on_saturated and on_queue_depth (0 <-> non-0 at once)', async () => {
    await setUp(4);
    const callee = await fixture.connect();
    const observer = await fixture.connect();
    const saturated: unknown[] = [];
    const depths: number[] = [];
    await observer.session.subscribe('kiln.router.registration.on_saturated', (args, kwargs) => saturated.push([args[0], kwargs]));
    await observer.session.subscribe('kiln.router.registration.on_queue_depth', (args) => depths.push(args[1] as number));
    const gate = new Gate();
    const registration = await callee.session.register('com.test.slow', gate.handler, { concurrency: 1 } as never);
    const calls = [caller.session.call('com.test.slow'), caller.session.call('com.test.slow')];
    await fixture.until(() => saturated.length === 1 && depths.length === 1);
    expect(saturated[0]).toEqual([registration.id, { procedure: 'com.test.slow', callees: 1 }]);
    expect(depths).toEqual([1]);
    gate.release();
    await fixture.until(() => depths.length === 2);
    expect(depths).toEqual([1, 0]);
    await fixture.until(() => gate.waiting.length === 1);
    gate.release();
    await Promise.all(calls);
  });
});
