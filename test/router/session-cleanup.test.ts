/**
 * No state outlives its session: subscriptions, registrations, invocations, queued calls, per-session
 * bookkeeping and session IDs are all gone once everyone has left, however they left.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRouter } from '../../electron/router/router.ts';
import { MemoryPeer, settle } from './helpers/memory-peer.ts';
import { callError, startFixture, type Fixture } from './helpers/router-fixture.ts';
import { openRealm } from './helpers/test-realm.ts';

const EMPTY_REALM = {
  sessions: 0,
  subscriptions: 0,
  subscriberSessions: 0,
  registrations: 0,
  invocations: 0,
  queuedCalls: 0,
  callerSessions: 0,
  calleeSessions: 0,
  busyCallees: 0,
};

describe('session cleanup', () => {
  let fixture: Fixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('leaves nothing behind after busy autobahn sessions leave, whether by GOODBYE or by a dropped connection', async () => {
    const live = (fixture = await startFixture({ limits: { maxCallQueue: 8 } }));
    const [caller, callee, subscriber, observer] = await Promise.all([1, 2, 3, 4].map(() => live.connect()));
    await observer.session.subscribe('wamp.session.on_leave', () => {});
    await subscriber.session.subscribe('kiln.', () => {}, { match: 'prefix' });
    await subscriber.session.subscribe('kiln.state', () => {});
    let invoked = 0;
    await callee.session.register(
      'kiln.slow',
      () => {
        invoked++;
        return new Promise(() => {});
      },
      { concurrency: 1 } as never,
    );
    await callee.session.register('kiln.', () => 1, { match: 'prefix' });
    const calls = [1, 2, 3].map(() => callError(caller.session.call('kiln.slow', [], {}, { timeout: 10_000 })));
    await live.until(() => invoked === 1 && live.router.stats().realms.realm1.queuedCalls === 2);
    expect(live.router.stats().realms.realm1).toMatchObject({ sessions: 4, subscriptions: 3, registrations: 2, invocations: 1, queuedCalls: 2 });

    await callee.leave();
    expect((await Promise.all(calls)).map((c) => c.error)).toEqual(['wamp.error.canceled', 'wamp.error.no_such_procedure', 'wamp.error.no_such_procedure']);
    await subscriber.leave();
    await caller.leave();
    await observer.leave();
    await live.until(() => live.router.stats().connections === 0);
    expect(live.router.stats()).toEqual({ sessions: 0, connections: 0, realms: { realm1: EMPTY_REALM } });
  });

  it('a caller that vanishes mid-call leaves no invocation, call or queue entry', async () => {
    const router = createRouter({ realms: [openRealm()], limits: { maxCallQueue: 8 } });
    const callee = await MemoryPeer.join(router);
    const caller = await MemoryPeer.join(router);
    callee.post([64, 1, { concurrency: 1 }, 'kiln.slow']);
    await callee.next();
    caller.post([48, 2, { timeout: 60_000 }, 'kiln.slow']);
    caller.post([48, 3, {}, 'kiln.slow']);
    await callee.next();
    caller.drop();
    await settle();
    expect(router.stats().realms.realm1).toMatchObject({ sessions: 1, invocations: 0, queuedCalls: 0, callerSessions: 0, busyCallees: 0, registrations: 1 });
    callee.drop();
    await settle();
    expect(router.stats()).toEqual({ sessions: 0, connections: 0, realms: { realm1: EMPTY_REALM } });
    router.close();
  });

  it('sessions that never finish the handshake release their slot', async () => {
    const router = createRouter({ realms: [openRealm()], limits: { maxSessions: 1 } });
    const unknownRealm = new MemoryPeer(router);
    unknownRealm.post([1, 'nowhere', { roles: { caller: {} } }]);
    await settle();
    const silent = new MemoryPeer(router);
    silent.drop();
    const joined = await MemoryPeer.join(router);
    expect(joined.sessionId).toBeGreaterThan(0);
    expect(router.stats().connections).toBe(1);
    router.close();
  });
});
