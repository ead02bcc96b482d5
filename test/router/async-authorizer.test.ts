/** A dynamic authorizer may answer asynchronously; a rejection or a throw counts as a denial (fail secure). */
import { afterEach, describe, expect, it } from 'vitest';
import type { Action, Authorizer, SessionIdentity } from '../../electron/router/types.ts';
import { callError, startFixture, type Fixture } from './helpers/router-fixture.ts';
import { anonymous } from './helpers/test-realm.ts';

describe('dynamic authorizer', () => {
  let fixture: Fixture;
  afterEach(async () => fixture.close());

  it('is consulted for every action, sync or async, and fails secure', async () => {
    const asked: string[] = [];
    const authorizer: Authorizer = {
      authorize(_session: SessionIdentity, action: Action, uri: string) {
        asked.push(`${action} ${uri}`);
        if (uri.startsWith('com.async.')) return new Promise((resolve) => setTimeout(() => resolve(!uri.endsWith('.denied')), 5));
        if (uri === 'com.throws') throw new Error('authorizer bug');
        if (uri === 'com.rejects') return Promise.reject(new Error('backend down'));
        return !uri.endsWith('.denied');
      },
    };
    fixture = await startFixture({ realms: [{ name: 'realm1', auth: [anonymous('any-role')], roles: [], authorizer }] });
    const client = await fixture.connect();
    await client.session.register('com.async.p', () => 'async ok');
    expect(await client.session.call('com.async.p')).toBe('async ok');
    expect((await callError(client.session.call('com.async.denied'))).error).toBe('wamp.error.not_authorized');
    expect((await callError(client.session.call('com.throws'))).error).toBe('wamp.error.not_authorized');
    expect((await callError(client.session.call('com.rejects'))).error).toBe('wamp.error.not_authorized');
    await expect(client.session.subscribe('com.sync.denied', () => {})).rejects.toMatchObject({ error: 'wamp.error.not_authorized' });
    await expect(client.session.publish('com.async.denied', [], {}, { acknowledge: true })).rejects.toMatchObject({ error: 'wamp.error.not_authorized' });
    expect(asked).toEqual([
      'register com.async.p',
      'call com.async.p',
      'call com.async.denied',
      'call com.throws',
      'call com.rejects',
      'subscribe com.sync.denied',
      'publish com.async.denied',
    ]);
  });
});
