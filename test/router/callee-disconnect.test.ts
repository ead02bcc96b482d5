/** A callee that goes away with invocations in flight: each caller hears wamp.error.canceled at once, never a hang. */
import { afterEach, describe, expect, it } from 'vitest';
import { createRouter, type Router } from '../../electron/router/router.ts';
import { MemoryPeer } from './helpers/memory-peer.ts';
import { callError, startFixture, type Fixture } from './helpers/router-fixture.ts';
import { openRealm } from './helpers/test-realm.ts';

describe('callee disconnect', () => {
  let fixture: Fixture;
  afterEach(async () => fixture.close());

  it('answers every caller waiting on a callee that leaves with wamp.error.canceled', async () => {
    fixture = await startFixture();
    const [a, b, callee] = [await fixture.connect(), await fixture.connect(), await fixture.connect()];
    let invoked = 0;
    await callee.session.register('com.test.hang', () => {
      invoked++;
      return new Promise(() => {});
    });
    const calls = [callError(a.session.call('com.test.hang')), callError(b.session.call('com.test.hang')), callError(a.session.call('com.test.hang'))];
    await fixture.until(() => invoked === 3);
    await callee.leave();
    expect((await Promise.all(calls)).map((failure) => failure.error)).toEqual(['wamp.error.canceled', 'wamp.error.canceled', 'wamp.error.canceled']);
    expect(fixture.router.stats().realms.realm1).toMatchObject({ invocations: 0, registrations: 0 });
  });
});

describe('callee dropped without GOODBYE', () => {
  let router: Router;
  afterEach(() => router.close());

  it('cancels its callers when the transport closes', async () => {
    router = createRouter({ realms: [openRealm()] });
    const caller = await MemoryPeer.join(router);
    const callee = await MemoryPeer.join(router);
    callee.post([64, 1, {}, 'com.test.hang']);
    await callee.next();
    caller.post([48, 2, {}, 'com.test.hang']);
    await callee.next();
    callee.drop();
    expect(await caller.next()).toEqual([8, 48, 2, {}, 'wamp.error.canceled', ['the callee left before answering']]);
  });
});
