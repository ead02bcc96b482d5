/** WELCOME tells the client who it is and what the router really supports; joining fails cleanly otherwise. */
import { afterEach, describe, expect, it } from 'vitest';
import { ROUTER_ROLES } from '../../electron/router/realm.ts';
import { startFixture, type Fixture } from './helpers/router-fixture.ts';
import { openRealm } from './helpers/test-realm.ts';
import { join } from './auth-wamp-client.ts';

describe('WELCOME', () => {
  let fixture: Fixture;
  afterEach(async () => fixture.close());

  it('announces authid, authrole, authmethod, authprovider and the implemented broker and dealer features', async () => {
    fixture = await startFixture();
    const client = await fixture.connect({ authid: 'alice' });
    expect(client.details).toMatchObject({ authid: 'alice', authrole: 'user', authmethod: 'anonymous', authprovider: 'test' });
    const roles = (client.details as { roles: { broker: { features: Record<string, boolean> }; dealer: { features: Record<string, boolean> } } }).roles;
    expect(Object.keys(roles.broker.features).sort()).toEqual([
      'pattern_based_subscription',
      'publisher_exclusion',
      'publisher_identification',
      'session_meta_api',
      'subscriber_blackwhite_listing',
      'subscription_meta_api',
    ]);
    expect(Object.keys(roles.dealer.features).sort()).toEqual([
      'call_canceling',
      'call_timeout',
      'caller_identification',
      'pattern_based_registration',
      'progressive_call_results',
      'registration_meta_api',
      'session_meta_api',
      'shared_registration',
    ]);
    expect(roles).toEqual(ROUTER_ROLES);
  });

  it('gives each session a distinct random ID in [1, 2^53]', async () => {
    fixture = await startFixture();
    const clients = await Promise.all([1, 2, 3, 4].map(() => fixture.connect()));
    const ids = clients.map((client) => client.session.id);
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) {
      expect(Number.isInteger(id)).toBe(true);
      expect(id).toBeGreaterThanOrEqual(1);
      expect(id).toBeLessThanOrEqual(2 ** 53);
    }
    expect(fixture.router.sessionCount).toBe(4);
  });

  it('answers HELLO for an unknown realm with ABORT wamp.error.no_such_realm', async () => {
    fixture = await startFixture();
    const result = await join({ url: fixture.url, realm: 'nowhere' });
    expect(result).toMatchObject({ kind: 'closed', details: { reason: 'wamp.error.no_such_realm' } });
  });

  it('answers HELLO without any offered method with ABORT wamp.error.no_matching_auth_method', async () => {
    fixture = await startFixture();
    const result = await join({ url: fixture.url, realm: 'realm1', authmethods: ['ticket'] });
    expect(result).toMatchObject({ kind: 'closed', details: { reason: 'wamp.error.no_matching_auth_method' } });
  });

  it('refuses an authrole the static roles do not know with ABORT wamp.error.no_such_role', async () => {
    fixture = await startFixture({ realms: [openRealm('realm1', [{ name: 'other', permissions: [] }])] });
    const result = await join({ url: fixture.url, realm: 'realm1' });
    expect(result).toMatchObject({ kind: 'closed', details: { reason: 'wamp.error.no_such_role' } });
  });

  it('refuses sessions beyond maxSessions with ABORT kiln.error.max_sessions_reached, and admits again once one leaves', async () => {
    fixture = await startFixture({ limits: { maxSessions: 2 } });
    const first = await fixture.connect();
    await fixture.connect();
    const third = await join({ url: fixture.url, realm: 'realm1' });
    expect(third).toMatchObject({ kind: 'closed', details: { reason: 'kiln.error.max_sessions_reached' } });
    await first.leave();
    await fixture.until(() => fixture.router.sessionCount === 1);
    const fourth = await join({ url: fixture.url, realm: 'realm1' });
    expect(fourth.kind).toBe('joined');
  });
});
