/** Meta events, published by the router from the place that changes the state they report. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFixture, type Client, type Fixture } from './helpers/router-fixture.ts';
import { openRealm } from './helpers/test-realm.ts';

describe('meta events', () => {
  let fixture: Fixture;
  let observer: Client;
  let events: Array<[string, unknown[]]>;

  beforeEach(async () => {
    fixture = await startFixture();
    observer = await fixture.connect();
    events = [];
    for (const topic of [
      'wamp.session.on_join',
      'wamp.session.on_leave',
      'wamp.registration.on_create',
      'wamp.registration.on_register',
      'wamp.registration.on_unregister',
      'wamp.registration.on_delete',
      'wamp.subscription.on_create',
      'wamp.subscription.on_subscribe',
      'wamp.subscription.on_unsubscribe',
      'wamp.subscription.on_delete',
    ]) {
      await observer.session.subscribe(topic, (args) => events.push([topic, args]));
    }
    // The observer's own subscriptions were reported too: start from a clean slate.
    await observer.session.call('wamp.session.count');
    events.length = 0;
  });
  afterEach(async () => fixture.close());

  const topics = (): string[] => events.map(([topic]) => topic);

  it('wamp.session.on_join carries the session details; on_leave the ID, authid and authrole', async () => {
    const client = await fixture.connect({ authid: 'joiner' });
    await fixture.until(() => topics().includes('wamp.session.on_join'));
    expect(events[0][1][0]).toMatchObject({
      session: client.session.id,
      authid: 'joiner',
      authrole: 'user',
      authmethod: 'anonymous',
      authprovider: 'test',
      transport: { type: 'websocket' },
    });
    const id = client.session.id;
    await client.leave();
    await fixture.until(() => topics().includes('wamp.session.on_leave'));
    expect(events.at(-1)).toEqual(['wamp.session.on_leave', [id, 'joiner', 'user']]);
  });

  it('registration events in order: on_create, on_register; on_unregister, on_delete', async () => {
    const callee = await fixture.connect();
    await fixture.until(() => events.length === 1);
    events.length = 0;
    const registration = await callee.session.register('com.test.p', () => 1, { invoke: 'roundrobin' });
    await fixture.until(() => events.length === 2);
    expect(events[0]).toEqual([
      'wamp.registration.on_create',
      [callee.session.id, expect.objectContaining({ id: registration.id, uri: 'com.test.p', match: 'exact', invoke: 'roundrobin' })],
    ]);
    expect(events[1]).toEqual(['wamp.registration.on_register', [callee.session.id, registration.id]]);
    await callee.session.unregister(registration);
    await fixture.until(() => events.length === 4);
    expect(events.slice(2)).toEqual([
      ['wamp.registration.on_unregister', [callee.session.id, registration.id]],
      ['wamp.registration.on_delete', [callee.session.id, registration.id]],
    ]);
  });

  it('subscription events, including on_unsubscribe and on_delete when the last subscriber leaves without unsubscribing', async () => {
    const subscriber = await fixture.connect();
    const id = subscriber.session.id;
    await fixture.until(() => events.length === 1);
    events.length = 0;
    const subscription = await subscriber.session.subscribe('com.test.t', () => {}, { match: 'prefix' });
    await fixture.until(() => events.length === 2);
    expect(events[0]).toEqual(['wamp.subscription.on_create', [id, expect.objectContaining({ id: subscription.id, uri: 'com.test.t', match: 'prefix' })]]);
    expect(events[1]).toEqual(['wamp.subscription.on_subscribe', [id, subscription.id]]);
    await subscriber.leave();
    await fixture.until(() => events.length === 5);
    expect(topics().slice(2)).toEqual(['wamp.subscription.on_unsubscribe', 'wamp.subscription.on_delete', 'wamp.session.on_leave']);
  });

  it('a second subscriber triggers on_subscribe but no on_create', async () => {
    const [a, b] = [await fixture.connect(), await fixture.connect()];
    await fixture.until(() => events.length === 2);
    events.length = 0;
    await a.session.subscribe('com.test.t', () => {});
    await b.session.subscribe('com.test.t', () => {});
    await fixture.until(() => events.length === 3);
    expect(topics()).toEqual(['wamp.subscription.on_create', 'wamp.subscription.on_subscribe', 'wamp.subscription.on_subscribe']);
  });
});

describe('meta event authorization', () => {
  let fixture: Fixture;
  afterEach(async () => fixture.close());

  it('subscribing to meta topics needs subscribe permission on them', async () => {
    fixture = await startFixture({
      realms: [openRealm('realm1', [{ name: 'user', permissions: [{ uri: 'com.', match: 'prefix', allow: { subscribe: true } }] }])],
    });
    const client = await fixture.connect();
    await expect(client.session.subscribe('wamp.session.on_join', () => {})).rejects.toMatchObject({ error: 'wamp.error.not_authorized' });
  });
});
