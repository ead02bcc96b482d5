/** Who receives an event: publisher exclusion and subscriber black- and whitelisting by session, authid and authrole. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFixture, type Client, type Fixture } from './helpers/router-fixture.ts';

describe('publisher exclusion and subscriber black/whitelisting', () => {
  let fixture: Fixture;
  let clients: Client[];
  let received: string[][];

  beforeEach(async () => {
    fixture = await startFixture();
    clients = [];
    received = [];
    for (const authid of ['p', 'a', 'b', 'c']) {
      const client = await fixture.connect({ authid });
      const mine: string[] = [];
      received.push(mine);
      await client.session.subscribe('com.test.topic', (args) => mine.push(args[0] as string));
      clients.push(client);
    }
  });
  afterEach(async () => fixture.close());

  /** Publishes with acknowledgement, then a marker everyone gets, so that "not received" is certain. */
  async function publish(options: Record<string, unknown>): Promise<boolean[]> {
    await clients[0].session.publish('com.test.topic', ['x'], {}, { acknowledge: true, ...options });
    await clients[0].session.publish('com.test.topic', ['end'], {}, { acknowledge: true, exclude_me: false });
    await fixture.until(() => received.every((r) => r.at(-1) === 'end'));
    const got = received.map((r) => r.includes('x'));
    for (const r of received) r.length = 0;
    return got;
  }

  const id = (i: number): number => clients[i].session.id;

  it('excludes the publisher by default, includes it with exclude_me: false', async () => {
    expect(await publish({})).toEqual([false, true, true, true]);
    expect(await publish({ exclude_me: false })).toEqual([true, true, true, true]);
  });

  it('exclude and eligible by session ID', async () => {
    expect(await publish({ exclude: [id(1)] })).toEqual([false, false, true, true]);
    expect(await publish({ eligible: [id(2), id(3)] })).toEqual([false, false, true, true]);
    expect(await publish({ eligible: [id(2), id(3)], exclude: [id(3)] })).toEqual([false, false, true, false]);
  });

  it('exclude_authid and eligible_authid', async () => {
    expect(await publish({ exclude_authid: ['a', 'b'] })).toEqual([false, false, false, true]);
    expect(await publish({ eligible_authid: ['b'] })).toEqual([false, false, true, false]);
  });

  it('exclude_authrole and eligible_authrole', async () => {
    expect(await publish({ exclude_authrole: ['user'] })).toEqual([false, false, false, false]);
    expect(await publish({ eligible_authrole: ['user'], exclude_me: false })).toEqual([true, true, true, true]);
    expect(await publish({ eligible_authrole: ['admin'] })).toEqual([false, false, false, false]);
  });

  it('answers malformed lists with wamp.error.invalid_argument when acknowledged', async () => {
    await expect(clients[0].session.publish('com.test.topic', [], {}, { acknowledge: true, exclude: 'everyone' } as never)).rejects.toMatchObject({
      error: 'wamp.error.invalid_argument',
    });
  });
});
