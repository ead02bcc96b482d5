/** Progressive call results: forwarded only to callers that asked for them (receive_progress). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRouter, type Router } from '../../electron/router/router.ts';
import { ALL_ROLES, CANCELING_CALLEE_ROLES, MemoryPeer } from './helpers/memory-peer.ts';
import { startFixture, type Fixture, type InvocationDetails } from './helpers/router-fixture.ts';
import { openRealm } from './helpers/test-realm.ts';

describe('progressive call results over autobahn-js', () => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await startFixture();
  });
  afterEach(async () => fixture.close());

  it('forwards each progressive YIELD as RESULT {progress: true}, then the final one', async () => {
    const [caller, callee] = [await fixture.connect(), await fixture.connect()];
    await callee.session.register('com.test.anneal', (_args: unknown, _kwargs: unknown, details: InvocationDetails) => {
      for (const step of [1, 2, 3]) details.progress?.([step]);
      return 'final';
    });
    const progress: unknown[] = [];
    const call = caller.session.call('com.test.anneal', [], {}, { receive_progress: true }) as unknown as {
      then(ok: (value: unknown) => void, fail: (error: unknown) => void, onProgress: (value: unknown) => void): void;
    };
    const result = await new Promise((resolve, reject) => call.then(resolve, reject, (value) => progress.push(value)));
    expect(progress).toEqual([1, 2, 3]);
    expect(result).toBe('final');
  });

  it('does not offer progress to the callee when the caller did not ask', async () => {
    const [caller, callee] = [await fixture.connect(), await fixture.connect()];
    let offered: unknown = 'unset';
    await callee.session.register('com.test.anneal', (_args: unknown, _kwargs: unknown, details: InvocationDetails) => {
      offered = details.progress;
      return 'final';
    });
    expect(await caller.session.call('com.test.anneal')).toBe('final');
    expect(offered).toBeNull();
  });
});

describe('progressive YIELDs the caller did not ask for', () => {
  let router: Router;
  afterEach(() => router.close());

  it('are dropped; the final YIELD still answers', async () => {
    router = createRouter({ realms: [openRealm()] });
    const caller = await MemoryPeer.join(router, 'realm1', { roles: ALL_ROLES });
    const callee = await MemoryPeer.join(router, 'realm1', { roles: CANCELING_CALLEE_ROLES });
    callee.post([64, 1, {}, 'com.test.p']);
    await callee.next();
    caller.post([48, 2, {}, 'com.test.p']);
    const invocation = await callee.next();
    expect(invocation[3]).toEqual({});
    callee.post([70, invocation[1], { progress: true }, ['step']]);
    callee.post([70, invocation[1], {}, ['final']]);
    expect(await caller.next()).toEqual([50, 2, {}, ['final']]);
  });
});
