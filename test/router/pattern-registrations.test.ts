/** Prefix and wildcard registrations, and which one a call reaches when several match. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRouter } from '../../electron/router/router.ts';
import { MemoryPeer } from './helpers/memory-peer.ts';
import { callError, startFixture, type Client, type Fixture, type InvocationDetails as Details } from './helpers/router-fixture.ts';
import { openRealm } from './helpers/test-realm.ts';

describe('pattern-based registrations', () => {
  let fixture: Fixture;
  let caller: Client;
  let callee: Client;
  beforeEach(async () => {
    fixture = await startFixture();
    [caller, callee] = [await fixture.connect(), await fixture.connect()];
  });
  afterEach(async () => fixture.close());

  const answer = (name: string) => (_args: unknown, _kwargs: unknown, details: Details) => [name, details.procedure ?? null];

  it('routes by precedence: exact, then the longest prefix, then a wildcard', async () => {
    await callee.session.register('kiln.run.state', answer('exact'));
    await callee.session.register('kiln.run', answer('short prefix'), { match: 'prefix' });
    await callee.session.register('kiln.run.st', answer('long prefix'), { match: 'prefix' });
    await callee.session.register('kiln..state', answer('wildcard'), { match: 'wildcard' });
    // autobahn fills in details.procedure for exact registrations itself; the raw test below checks the wire.
    expect(await caller.session.call('kiln.run.state')).toEqual(['exact', 'kiln.run.state']);
    expect(await caller.session.call('kiln.run.status')).toEqual(['long prefix', 'kiln.run.status']);
    expect(await caller.session.call('kiln.running')).toEqual(['short prefix', 'kiln.running']);
    expect(await caller.session.call('kiln.job.state')).toEqual(['wildcard', 'kiln.job.state']);
    expect((await callError(caller.session.call('kiln.job.other'))).error).toBe('wamp.error.no_such_procedure');
  });

  it('among wildcards prefers more leading literal components, then more literal components', async () => {
    await callee.session.register('a...d', answer('a...d'), { match: 'wildcard' });
    await callee.session.register('a.b..d', answer('a.b..d'), { match: 'wildcard' });
    await callee.session.register('a..c.d', answer('a..c.d'), { match: 'wildcard' });
    await callee.session.register('.b.c.d', answer('.b.c.d'), { match: 'wildcard' });
    expect(await caller.session.call('a.b.c.d')).toEqual(['a.b..d', 'a.b.c.d']);
    expect(await caller.session.call('a.x.c.d')).toEqual(['a..c.d', 'a.x.c.d']);
    expect(await caller.session.call('a.x.y.d')).toEqual(['a...d', 'a.x.y.d']);
    expect(await caller.session.call('z.b.c.d')).toEqual(['.b.c.d', 'z.b.c.d']);
  });

  it('wildcards match whole components only, and exactly as many', async () => {
    await callee.session.register('kiln..state', answer('w'), { match: 'wildcard' });
    expect((await callError(caller.session.call('kiln.a.b.state'))).error).toBe('wamp.error.no_such_procedure');
    expect((await callError(caller.session.call('kiln.a.stateful'))).error).toBe('wamp.error.no_such_procedure');
  });

  it('answers a malformed pattern with wamp.error.invalid_uri', async () => {
    expect((await callError(callee.session.register('kiln. .x', answer('x'), { match: 'wildcard' }) as Promise<unknown>)).error).toBe('wamp.error.invalid_uri');
  });
});

describe('INVOCATION.Details.procedure on the wire', () => {
  it('is present for pattern registrations only', async () => {
    const router = createRouter({ realms: [openRealm()] });
    const [caller, callee] = [await MemoryPeer.join(router), await MemoryPeer.join(router)];
    callee.post([64, 1, {}, 'kiln.exact']);
    callee.post([64, 2, { match: 'prefix' }, 'kiln.pre']);
    await callee.next();
    await callee.next();
    caller.post([48, 3, {}, 'kiln.exact']);
    expect((await callee.next())[3]).toEqual({});
    caller.post([48, 4, {}, 'kiln.prefixed']);
    expect((await callee.next())[3]).toEqual({ procedure: 'kiln.prefixed' });
    router.close();
  });
});
