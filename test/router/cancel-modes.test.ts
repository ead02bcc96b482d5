/**
 * CANCEL's three modes (skip, kill, killnowait), with a raw callee that announces call_canceling (so
 * it gets INTERRUPT) and with autobahn-js, which does not (kill then behaves as skip for the caller).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRouter, type Router } from '../../electron/router/router.ts';
import { CANCELING_CALLEE_ROLES, MemoryPeer, settle } from './helpers/memory-peer.ts';
import { callError, startFixture, type Fixture } from './helpers/router-fixture.ts';
import { openRealm } from './helpers/test-realm.ts';

describe('cancel modes with a callee that announced call_canceling', () => {
  let router: Router;
  let caller: MemoryPeer;
  let callee: MemoryPeer;
  let invocationId: number;

  beforeEach(async () => {
    router = createRouter({ realms: [openRealm()], limits: { maxCallQueue: 4 } });
    caller = await MemoryPeer.join(router);
    callee = await MemoryPeer.join(router, 'realm1', { roles: CANCELING_CALLEE_ROLES });
    callee.post([64, 1, { concurrency: 1 }, 'com.test.long']);
    expect((await callee.next())[0]).toBe(65);
    caller.post([48, 7, {}, 'com.test.long', [1]]);
    const invocation = await callee.next();
    expect(invocation[0]).toBe(68);
    invocationId = invocation[1] as number;
  });
  afterEach(() => router.close());

  it('skip: answers the caller wamp.error.canceled now, sends no INTERRUPT, discards the late result, frees the slot', async () => {
    caller.post([49, 7, { mode: 'skip' }]);
    expect(await caller.next()).toEqual([8, 48, 7, {}, 'wamp.error.canceled', ['canceled']]);
    caller.post([48, 8, {}, 'com.test.long', [2]]);
    const second = await callee.next();
    expect(second[0]).toBe(68);
    callee.post([70, invocationId, {}, ['late']]);
    await settle();
    expect(caller.drain()).toEqual([]);
    callee.post([70, second[1], {}, ['second']]);
    expect(await caller.next()).toEqual([50, 8, {}, ['second']]);
  });

  it("kill: INTERRUPTs the callee and answers the caller with the callee's ERROR, freeing the slot then", async () => {
    caller.post([49, 7, { mode: 'kill' }]);
    expect(await callee.next()).toEqual([69, invocationId, { mode: 'kill' }]);
    await settle();
    expect(caller.drain()).toEqual([]);
    caller.post([48, 8, {}, 'com.test.long']);
    await settle();
    expect(callee.drain()).toEqual([]);
    expect(router.stats().realms.realm1.queuedCalls).toBe(1);
    callee.post([8, 68, invocationId, {}, 'wamp.error.canceled', ['stopped at 40%']]);
    expect(await caller.next()).toEqual([8, 48, 7, {}, 'wamp.error.canceled', ['stopped at 40%']]);
    expect((await callee.next())[0]).toBe(68);
  });

  it('killnowait: INTERRUPTs the callee and answers the caller at once', async () => {
    caller.post([49, 7, { mode: 'killnowait' }]);
    expect(await callee.next()).toEqual([69, invocationId, { mode: 'killnowait' }]);
    expect(await caller.next()).toEqual([8, 48, 7, {}, 'wamp.error.canceled', ['canceled']]);
    callee.post([8, 68, invocationId, {}, 'wamp.error.canceled']);
    await settle();
    expect(caller.drain()).toEqual([]);
    expect(router.stats().realms.realm1.invocations).toBe(0);
  });

  it('killnowait is the default mode', async () => {
    caller.post([49, 7, {}]);
    expect((await callee.next())[0]).toBe(69);
    expect((await caller.next())[4]).toBe('wamp.error.canceled');
  });

  it('a queued call is answered wamp.error.canceled under any mode and never reaches the callee', async () => {
    caller.post([48, 8, {}, 'com.test.long']);
    await settle();
    caller.post([49, 8, { mode: 'kill' }]);
    expect(await caller.next()).toEqual([8, 48, 8, {}, 'wamp.error.canceled', ['canceled while waiting for a callee']]);
    expect(router.stats().realms.realm1.queuedCalls).toBe(0);
    callee.post([70, invocationId, {}, ['first']]);
    expect(await caller.next()).toEqual([50, 7, {}, ['first']]);
    await settle();
    expect(callee.drain()).toEqual([]);
  });

  it('a caller that leaves gets its invocation interrupted (killnowait) and the slot freed', async () => {
    caller.drop();
    expect(await callee.next()).toEqual([69, invocationId, { mode: 'killnowait' }]);
    await settle();
    expect(router.stats().realms.realm1).toMatchObject({ invocations: 0, busyCallees: 0, callerSessions: 0 });
  });

  it('ignores CANCEL for a call that has completed, and rejects an unknown mode', async () => {
    callee.post([70, invocationId, {}, ['done']]);
    expect((await caller.next())[0]).toBe(50);
    caller.post([49, 7, { mode: 'skip' }]);
    caller.post([49, 7, { mode: 'explode' }]);
    expect(await caller.next()).toEqual([8, 49, 7, {}, 'wamp.error.invalid_argument', ['unknown cancel mode "explode"']]);
    await settle();
    expect(caller.drain()).toEqual([]);
  });
});

describe('cancel with autobahn-js, whose callees do not announce call_canceling', () => {
  let fixture: Fixture;
  afterEach(async () => fixture.close());

  it('kill behaves as skip for the caller: answered at once, the callee is not interrupted, its late result is dropped', async () => {
    fixture = await startFixture();
    const [caller, callee] = [await fixture.connect(), await fixture.connect()];
    let finish: (value: string) => void = () => {};
    let invoked = false;
    await callee.session.register(
      'com.test.long',
      () =>
        new Promise((resolve) => {
          invoked = true;
          finish = resolve;
        }),
    );
    const call = caller.session.call('com.test.long', [], {}, { receive_progress: false }) as unknown as Promise<unknown> & { cancel(options: object): void };
    await fixture.until(() => invoked);
    const outcome = callError(call);
    call.cancel({ mode: 'kill' });
    expect((await outcome).error).toBe('wamp.error.canceled');
    await fixture.until(() => fixture.router.stats().realms.realm1.invocations === 0);
    finish('too late');
    expect(await caller.session.call('wamp.session.count')).toBe(2);
  });
});
