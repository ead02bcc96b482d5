/**
 * CALL.Options.timeout: counted from the call's arrival (queued or not), answered with
 * wamp.error.timeout even to callers without call_canceling; INTERRUPT to callees that understand it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRouter, type Router } from '../../electron/router/router.ts';
import { CANCELING_CALLEE_ROLES, MemoryPeer, settle } from './helpers/memory-peer.ts';
import { callError, startFixture, type Fixture } from './helpers/router-fixture.ts';
import { openRealm } from './helpers/test-realm.ts';

describe('call timeout over autobahn-js', () => {
  let fixture: Fixture;
  afterEach(async () => fixture.close());

  it('answers wamp.error.timeout when the callee is too slow, and frees its slot', async () => {
    fixture = await startFixture();
    const [caller, callee] = [await fixture.connect(), await fixture.connect()];
    const pending: Array<(value: string) => void> = [];
    await callee.session.register('com.test.slow', () => new Promise((resolve) => pending.push(resolve)), { concurrency: 1 } as never);
    const started = Date.now();
    expect((await callError(caller.session.call('com.test.slow', [], {}, { timeout: 80 }))).error).toBe('wamp.error.timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
    pending[0]('late');
    // The slot is free again: the next call is invoked, not queued or refused.
    const next = caller.session.call('com.test.slow');
    await fixture.until(() => pending.length === 2);
    pending[1]('fresh');
    expect(await next).toBe('fresh');
  });

  it("counts a queued call's waiting time", async () => {
    fixture = await startFixture({ limits: { maxCallQueue: 4 } });
    const [caller, callee] = [await fixture.connect(), await fixture.connect()];
    const pending: Array<(value: string) => void> = [];
    await callee.session.register('com.test.slow', () => new Promise((resolve) => pending.push(resolve)), { concurrency: 1 } as never);
    const running = caller.session.call('com.test.slow');
    await fixture.until(() => pending.length === 1);
    expect((await callError(caller.session.call('com.test.slow', [], {}, { timeout: 50 }))).error).toBe('wamp.error.timeout');
    expect(fixture.router.stats().realms.realm1.queuedCalls).toBe(0);
    pending[0]('first');
    expect(await running).toBe('first');
    expect(pending.length).toBe(1);
  });

  it('leaves calls that finish in time alone', async () => {
    fixture = await startFixture();
    const [caller, callee] = [await fixture.connect(), await fixture.connect()];
    await callee.session.register('com.test.fast', () => 'ok');
    expect(await caller.session.call('com.test.fast', [], {}, { timeout: 1000 })).toBe('ok');
    expect(fixture.router.stats().realms.realm1.invocations).toBe(0);
  });
});

describe('call timeout with a callee that announced call_canceling', () => {
  let router: Router;
  afterEach(() => router.close());

  it('sends INTERRUPT (killnowait, reason wamp.error.timeout) and ignores the late answer', async () => {
    router = createRouter({ realms: [openRealm()] });
    const caller = await MemoryPeer.join(router);
    const callee = await MemoryPeer.join(router, 'realm1', { roles: CANCELING_CALLEE_ROLES });
    callee.post([64, 1, {}, 'com.test.slow']);
    await callee.next();
    caller.post([48, 2, { timeout: 30 }, 'com.test.slow']);
    const invocation = await callee.next();
    expect(await callee.next()).toEqual([69, invocation[1], { mode: 'killnowait', reason: 'wamp.error.timeout' }]);
    expect(await caller.next()).toEqual([8, 48, 2, {}, 'wamp.error.timeout', ['no result within 30 ms']]);
    callee.post([70, invocation[1], {}, ['late']]);
    await settle();
    expect(caller.drain()).toEqual([]);
  });
});
