/**
 * Subscriptions and publications: one subscription per (topic, match), pattern subscriptions with
 * EVENT.Details.topic, publisher disclosure, acknowledgement and its errors.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRouter } from '../../electron/router/router.ts';
import { MemoryPeer, settle } from './helpers/memory-peer.ts';
import { startFixture, type Client, type Fixture, type EventDetails } from './helpers/router-fixture.ts';
import { openRealm } from './helpers/test-realm.ts';

describe('pubsub delivery', () => {
  let fixture: Fixture;
  let publisher: Client;
  let subscriber: Client;
  beforeEach(async () => {
    fixture = await startFixture();
    [publisher, subscriber] = [await fixture.connect({ authid: 'pub' }), await fixture.connect()];
  });
  afterEach(async () => fixture.close());

  it('shares one subscription ID between subscribers of the same topic and match, and acknowledges with PUBLISHED', async () => {
    const other = await fixture.connect();
    const s1 = await subscriber.session.subscribe('com.test.t', () => {});
    const s2 = await other.session.subscribe('com.test.t', () => {});
    const s3 = await other.session.subscribe('com.test.t', () => {}, { match: 'prefix' });
    expect(s2.id).toBe(s1.id);
    expect(s3.id).not.toBe(s1.id);
    const publication = await publisher.session.publish('com.test.t', [], {}, { acknowledge: true });
    expect(Number.isInteger(publication!.id)).toBe(true);
  });

  it('delivers to prefix and wildcard subscriptions with Details.topic, one EVENT per matching subscription', async () => {
    const events: Array<[string, unknown, string | undefined]> = [];
    await subscriber.session.subscribe('kiln.run.', (args, _kw, details: EventDetails) => events.push(['prefix', args[0], details.topic]), { match: 'prefix' });
    await subscriber.session.subscribe('kiln..state', (args, _kw, details: EventDetails) => events.push(['wildcard', args[0], details.topic]), {
      match: 'wildcard',
    });
    await subscriber.session.subscribe('kiln.run.state', (args, _kw, details: EventDetails) => events.push(['exact', args[0], details.topic]));
    await publisher.session.publish('kiln.run.state', [1], {}, { acknowledge: true });
    await publisher.session.publish('kiln.job.state', [2], {}, { acknowledge: true });
    await publisher.session.publish('kiln.run.log', [3], {}, { acknowledge: true });
    await fixture.until(() => events.length === 5);
    // autobahn fills in details.topic for exact subscriptions itself; the raw test below checks the wire.
    expect(events.sort()).toEqual(
      [
        ['exact', 1, 'kiln.run.state'],
        ['prefix', 1, 'kiln.run.state'],
        ['prefix', 3, 'kiln.run.log'],
        ['wildcard', 1, 'kiln.run.state'],
        ['wildcard', 2, 'kiln.job.state'],
      ].sort(),
    );
  });

  it('discloses the publisher only when asked (disclose_me)', async () => {
    const details: EventDetails[] = [];
    await subscriber.session.subscribe('com.test.t', (_args, _kw, d: EventDetails) => details.push(d));
    await publisher.session.publish('com.test.t', [], {}, { acknowledge: true });
    await publisher.session.publish('com.test.t', [], {}, { acknowledge: true, disclose_me: true });
    await fixture.until(() => details.length === 2);
    expect(details[0].publisher).toBeUndefined();
    expect(details[1]).toMatchObject({ publisher: publisher.session.id, publisher_authid: 'pub', publisher_authrole: 'user' });
  });

  it('carries args and kwargs unchanged', async () => {
    const got: unknown[] = [];
    await subscriber.session.subscribe('com.test.t', (args, kwargs) => got.push([args, kwargs]));
    await publisher.session.publish('com.test.t', [1, 'two'], { three: [3] }, { acknowledge: true });
    await fixture.until(() => got.length === 1);
    expect(got[0]).toEqual([[1, 'two'], { three: [3] }]);
  });

  it('answers publishing to wamp. with wamp.error.invalid_uri', async () => {
    await expect(publisher.session.publish('wamp.session.on_join', [], {}, { acknowledge: true })).rejects.toMatchObject({ error: 'wamp.error.invalid_uri' });
  });
});

describe('pubsub authorization', () => {
  let fixture: Fixture;
  afterEach(async () => fixture.close());

  it('answers a forbidden SUBSCRIBE, and an acknowledged forbidden PUBLISH, with wamp.error.not_authorized', async () => {
    fixture = await startFixture({
      realms: [openRealm('realm1', [{ name: 'user', permissions: [{ uri: 'com.open.', match: 'prefix', allow: { publish: true, subscribe: true } }] }])],
    });
    const client = await fixture.connect();
    await expect(client.session.subscribe('com.closed.t', () => {})).rejects.toMatchObject({ error: 'wamp.error.not_authorized' });
    await expect(client.session.publish('com.closed.t', [], {}, { acknowledge: true })).rejects.toMatchObject({ error: 'wamp.error.not_authorized' });
    await client.session.subscribe('com.open.t', () => {});
  });
});

describe('pubsub on the wire', () => {
  it('sends EVENT.Details.topic for pattern subscriptions only, stays silent on unacknowledged errors, and refuses a stale UNSUBSCRIBE', async () => {
    const router = createRouter({ realms: [openRealm()] });
    const [publisher, subscriber] = [await MemoryPeer.join(router), await MemoryPeer.join(router)];
    subscriber.post([32, 1, {}, 'kiln.a.b']);
    subscriber.post([32, 2, { match: 'prefix' }, 'kiln.a']);
    const exact = (await subscriber.next())[2];
    const prefix = (await subscriber.next())[2];
    publisher.post([16, 3, {}, 'kiln.a.b', [1]]);
    const events = [await subscriber.next(), await subscriber.next()];
    expect(events.find((e) => e[1] === exact)?.[3]).toEqual({});
    expect(events.find((e) => e[1] === prefix)?.[3]).toEqual({ topic: 'kiln.a.b' });
    publisher.post([16, 4, {}, 'wamp.nope']);
    publisher.post([16, 5, {}, 'not a uri']);
    await settle();
    expect(publisher.drain()).toEqual([]);
    subscriber.post([34, 6, exact]);
    expect(await subscriber.next()).toEqual([35, 6]);
    subscriber.post([34, 7, exact]);
    expect((await subscriber.next())[4]).toBe('wamp.error.no_such_subscription');
    router.close();
  });
});
