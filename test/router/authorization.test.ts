/**
 * Authorization end to end: static roles enforced by the real router on real autobahn-js sessions.
 * A role without the right permission gets ERROR wamp.error.not_authorized on REGISTER, CALL,
 * acknowledged PUBLISH and SUBSCRIBE; the wamp. namespace is the router's own. Precedence rules in
 * depth are in auth-static-authorizer.test.ts; here they are shown to reach the wire.
 */
import type autobahn from 'autobahn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketAuth } from '../../electron/router/auth/index.ts';
import type { RealmConfig } from '../../electron/router/types.ts';
import { joined, leave } from './auth-wamp-client.ts';
import { callError, startFixture, type Fixture } from './helpers/router-fixture.ts';

const realm: RealmConfig = {
  name: 'kiln',
  auth: [ticketAuth({ principals: { boss: { ticket: 'boss-ticket', role: 'admin' }, guest: { ticket: 'guest-ticket', role: 'guest' } } })],
  roles: [
    {
      name: 'admin',
      permissions: [
        { uri: 'kiln.', match: 'prefix', allow: { call: true, register: true, publish: true, subscribe: true } },
        // Even an allow-all on wamp. cannot let a client register or publish there.
        { uri: 'wamp.', match: 'prefix', allow: { call: true, register: true, publish: true, subscribe: true } },
      ],
    },
    {
      name: 'guest',
      permissions: [
        { uri: 'kiln.open.echo', match: 'exact', allow: { call: true } },
        { uri: 'kiln.open.whoami', match: 'exact', allow: { call: true }, disclose: { caller: true } },
        { uri: 'kiln.public.', match: 'prefix', allow: { subscribe: true } },
        // An exact rule governs its URI even though the prefix above also matches it.
        { uri: 'kiln.public.secret', match: 'exact', allow: {} },
        { uri: 'kiln.run..state', match: 'wildcard', allow: { subscribe: true } },
      ],
    },
  ],
};

/** The error URI an autobahn request (a when.js or native promise) failed with. */
const errorOf = async (request: PromiseLike<unknown>): Promise<string> => (await callError(Promise.resolve(request))).error;

let fixture: Fixture;
let boss: Awaited<ReturnType<typeof joined>>;
let guest: Awaited<ReturnType<typeof joined>>;
const as = (authid: string, ticket: string) => joined({ url: fixture.url, realm: 'kiln', authmethods: ['ticket'], authid, onchallenge: () => ticket });

beforeAll(async () => {
  fixture = await startFixture({ realms: [realm] });
  boss = await as('boss', 'boss-ticket');
  guest = await as('guest', 'guest-ticket');
  await boss.session.register('kiln.open.echo', (args?: unknown[]) => args?.[0]);
  await boss.session.register('kiln.admin.only', () => 'secret');
  await boss.session.register('kiln.open.whoami', (_args, _kwargs, details?: autobahn.IInvocation) => details?.caller ?? null);
});
afterAll(async () => {
  await leave(guest);
  await leave(boss);
  await fixture.close();
});

describe('denials seen by an autobahn-js client', () => {
  it('REGISTER without register permission', async () => {
    expect(await errorOf(guest.session.register('kiln.open.mine', () => 1))).toBe('wamp.error.not_authorized');
  });

  it('CALL without call permission, while a permitted call succeeds', async () => {
    expect(await errorOf(guest.session.call('kiln.admin.only'))).toBe('wamp.error.not_authorized');
    expect(await guest.session.call('kiln.open.echo', ['hello'])).toBe('hello');
  });

  it('acknowledged PUBLISH without publish permission; an unacknowledged one is dropped silently', async () => {
    const received: unknown[] = [];
    const subscription = await boss.session.subscribe('kiln.public.news', (args?: unknown[]) => void received.push(args?.[0]));
    expect(await errorOf(guest.session.publish('kiln.public.news', ['from guest'], {}, { acknowledge: true }))).toBe('wamp.error.not_authorized');
    guest.session.publish('kiln.public.news', ['also from guest']);
    // Had the router accepted the guest's publish, its EVENT would be on the boss's socket before the
    // answer to any call the guest makes next, and that before the answer to the boss's own call.
    await guest.session.call('kiln.open.echo', ['sync']);
    await boss.session.publish('kiln.public.news', ['from boss'], {}, { acknowledge: true, exclude_me: false });
    await boss.session.call('kiln.open.echo', ['sync']);
    expect(received).toEqual(['from boss']);
    await boss.session.unsubscribe(subscription);
  });

  it('SUBSCRIBE without subscribe permission, exact rules over prefixes, patterns authorized as written', async () => {
    const subscribeError = (topic: string, options?: autobahn.ISubscribeOptions): Promise<string> => errorOf(guest.session.subscribe(topic, () => {}, options));
    expect(await subscribeError('kiln.private.news')).toBe('wamp.error.not_authorized');
    expect(await subscribeError('kiln.public.secret')).toBe('wamp.error.not_authorized');
    // A prefix subscription to "kiln." would reach beyond kiln.public.: not governed by the guest's prefix rule.
    expect(await subscribeError('kiln.', { match: 'prefix' })).toBe('wamp.error.not_authorized');

    const allowed = [
      await guest.session.subscribe('kiln.public.news', () => {}),
      await guest.session.subscribe('kiln.public.', () => {}, { match: 'prefix' }),
      await guest.session.subscribe('kiln.run..state', () => {}, { match: 'wildcard' }),
    ];
    for (const subscription of allowed) await guest.session.unsubscribe(subscription);
  });
});

describe('the reserved wamp. namespace', () => {
  it('cannot be registered or published to, even by a role allowed everything there', async () => {
    expect(await errorOf(boss.session.register('wamp.mine', () => 1))).toBe('wamp.error.invalid_uri');
    expect(await errorOf(boss.session.publish('wamp.session.on_join', [], {}, { acknowledge: true }))).toBe('wamp.error.invalid_uri');
  });

  it('meta procedures are callable only with call permission', async () => {
    expect(typeof (await boss.session.call('wamp.session.count'))).toBe('number');
    expect(await errorOf(guest.session.call('wamp.session.count'))).toBe('wamp.error.not_authorized');
  });
});

describe('caller disclosure follows the governing permission', () => {
  it('discloses the caller only where the role allows it', async () => {
    expect(await guest.session.call('kiln.open.whoami', [], {}, { disclose_me: true })).toBe(guest.session.id);
    // The admin role's governing permission (prefix kiln.) does not disclose callers.
    expect(await boss.session.call('kiln.open.whoami', [], {}, { disclose_me: true })).toBeNull();
  });
});
