/** The meta API's procedures: wamp.session.*, wamp.registration.*, wamp.subscription.*. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callError, startFixture, type Client, type Fixture } from './helpers/router-fixture.ts';
import { ALLOW_ALL, anonymous, openRealm } from './helpers/test-realm.ts';

describe('session meta procedures', () => {
  let fixture: Fixture;
  let admin: Client;
  beforeEach(async () => {
    fixture = await startFixture({ realms: [openRealm('realm1', [ALLOW_ALL])] });
    admin = await fixture.connect({ authid: 'admin' });
  });
  afterEach(async () => fixture.close());

  it('count, list and get', async () => {
    const other = await fixture.connect({ authid: 'worker' });
    expect(await admin.session.call('wamp.session.count')).toBe(2);
    expect(await admin.session.call('wamp.session.count', [['user']])).toBe(2);
    expect(await admin.session.call('wamp.session.count', [['nobody']])).toBe(0);
    expect(((await admin.session.call('wamp.session.list')) as number[]).sort()).toEqual([admin.session.id, other.session.id].sort());
    expect(await admin.session.call('wamp.session.get', [other.session.id])).toMatchObject({ session: other.session.id, authid: 'worker', authrole: 'user' });
    expect((await callError(admin.session.call('wamp.session.get', [12345]))).error).toBe('wamp.error.no_such_session');
    expect((await callError(admin.session.call('wamp.session.get', ['x']))).error).toBe('wamp.error.invalid_argument');
  });

  it('kill ends the session with GOODBYE wamp.close.killed', async () => {
    const victim = await fixture.connect();
    await admin.session.call('wamp.session.kill', [victim.session.id], { message: 'bye' });
    const closed = await victim.closed;
    expect(closed.details).toMatchObject({ reason: 'wamp.close.killed', message: 'bye' });
    await fixture.until(() => fixture.router.sessionCount === 1);
    expect((await callError(admin.session.call('wamp.session.kill', [admin.session.id]))).error).toBe('wamp.error.invalid_argument');
  });

  it('kill_by_authid and kill_by_authrole spare the caller and return whom they killed', async () => {
    const [w1, w2, other] = [await fixture.connect({ authid: 'w' }), await fixture.connect({ authid: 'w' }), await fixture.connect({ authid: 'o' })];
    const ids = [w1.session.id, w2.session.id, other.session.id];
    const killed = (await admin.session.call('wamp.session.kill_by_authid', ['w'], { reason: 'kiln.close.replaced' })) as number[];
    expect(killed.sort()).toEqual(ids.slice(0, 2).sort());
    expect((await w1.closed).details).toMatchObject({ reason: 'kiln.close.replaced' });
    await w2.closed;
    expect(await admin.session.call('wamp.session.kill_by_authrole', ['user'])).toEqual([ids[2]]);
    await other.closed;
    expect(await admin.session.call('wamp.session.count')).toBe(1);
  });

  it('meta procedures need call permission like any procedure', async () => {
    await fixture.close();
    fixture = await startFixture({
      realms: [
        { name: 'realm1', auth: [anonymous()], roles: [{ name: 'user', permissions: [{ uri: 'wamp.session.count', match: 'exact', allow: { call: true } }] }] },
      ],
    });
    const client = await fixture.connect();
    expect(await client.session.call('wamp.session.count')).toBe(1);
    expect((await callError(client.session.call('wamp.session.list'))).error).toBe('wamp.error.not_authorized');
    expect((await callError(client.session.call('wamp.session.nope'))).error).toBe('wamp.error.not_authorized');
  });
});

describe('registration and subscription meta procedures', () => {
  let fixture: Fixture;
  let admin: Client;
  let peer: Client;
  beforeEach(async () => {
    fixture = await startFixture();
    [admin, peer] = [await fixture.connect(), await fixture.connect()];
  });
  afterEach(async () => fixture.close());

  it('wamp.registration.list / lookup / match / get / list_callees / count_callees', async () => {
    const exact = await peer.session.register('kiln.solve', () => 1, { invoke: 'roundrobin' });
    await admin.session.register('kiln.solve', () => 1, { invoke: 'roundrobin' });
    const prefix = await peer.session.register('kiln.', () => 1, { match: 'prefix' });
    expect(await admin.session.call('wamp.registration.list')).toEqual({ exact: [exact.id], prefix: [prefix.id], wildcard: [] });
    expect(await admin.session.call('wamp.registration.lookup', ['kiln.solve'])).toBe(exact.id);
    expect(await admin.session.call('wamp.registration.lookup', ['kiln.', { match: 'prefix' }])).toBe(prefix.id);
    expect(await admin.session.call('wamp.registration.lookup', ['kiln.other'])).toBeNull();
    expect(await admin.session.call('wamp.registration.match', ['kiln.other'])).toBe(prefix.id);
    expect(await admin.session.call('wamp.registration.match', ['elsewhere'])).toBeNull();
    expect(await admin.session.call('wamp.registration.get', [exact.id])).toMatchObject({
      id: exact.id,
      uri: 'kiln.solve',
      match: 'exact',
      invoke: 'roundrobin',
    });
    expect(((await admin.session.call('wamp.registration.list_callees', [exact.id])) as number[]).sort()).toEqual([admin.session.id, peer.session.id].sort());
    expect(await admin.session.call('wamp.registration.count_callees', [exact.id])).toBe(2);
    expect((await callError(admin.session.call('wamp.registration.get', [999999]))).error).toBe('wamp.error.no_such_registration');
  });

  it('wamp.subscription.list / lookup / match / get / list_subscribers / count_subscribers', async () => {
    const exact = await peer.session.subscribe('kiln.state', () => {});
    const wildcard = await peer.session.subscribe('kiln..x', () => {}, { match: 'wildcard' });
    await admin.session.subscribe('kiln.state', () => {});
    expect(await admin.session.call('wamp.subscription.list')).toEqual({ exact: [exact.id], prefix: [], wildcard: [wildcard.id] });
    expect(await admin.session.call('wamp.subscription.lookup', ['kiln..x', { match: 'wildcard' }])).toBe(wildcard.id);
    expect(await admin.session.call('wamp.subscription.match', ['kiln.state'])).toEqual([exact.id]);
    expect(await admin.session.call('wamp.subscription.match', ['kiln.a.x'])).toEqual([wildcard.id]);
    expect(await admin.session.call('wamp.subscription.match', ['nothing'])).toBeNull();
    expect(await admin.session.call('wamp.subscription.get', [wildcard.id])).toMatchObject({ id: wildcard.id, uri: 'kiln..x', match: 'wildcard' });
    expect(await admin.session.call('wamp.subscription.count_subscribers', [exact.id])).toBe(2);
    expect(((await admin.session.call('wamp.subscription.list_subscribers', [exact.id])) as number[]).sort()).toEqual(
      [admin.session.id, peer.session.id].sort(),
    );
    expect((await callError(admin.session.call('wamp.subscription.get', [999999]))).error).toBe('wamp.error.no_such_subscription');
  });
});
