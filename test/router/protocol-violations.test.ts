/**
 * Protocol violations end the offending session with ABORT wamp.error.protocol_violation and close
 * its transport; every other session carries on.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRouter, type Router } from '../../electron/router/router.ts';
import { ALL_ROLES, MemoryPeer, settle } from './helpers/memory-peer.ts';
import { openRealm } from './helpers/test-realm.ts';

describe('protocol violations', () => {
  let router: Router;
  let bystander: MemoryPeer;
  beforeEach(async () => {
    router = createRouter({ realms: [openRealm()], limits: { helloTimeoutMs: 100 } });
    bystander = await MemoryPeer.join(router);
    bystander.post([64, 1, {}, 'com.test.echo']);
    await bystander.next();
  });
  afterEach(() => router.close());

  async function expectViolation(peer: MemoryPeer): Promise<void> {
    const abort = await peer.next();
    expect(abort[0]).toBe(3);
    expect(abort[2]).toBe('wamp.error.protocol_violation');
    await settle();
    expect(peer.closed).toBe(true);
    // The router still serves everyone else.
    const caller = await MemoryPeer.join(router);
    caller.post([48, 9, {}, 'com.test.echo', ['hi']]);
    const invocation = await bystander.next();
    bystander.post([70, invocation[1], {}, ['hi']]);
    expect(await caller.next()).toEqual([50, 9, {}, ['hi']]);
  }

  const fresh = (): MemoryPeer => new MemoryPeer(router);

  it('CALL before HELLO', async () => {
    const peer = fresh();
    peer.post([48, 1, {}, 'com.test.echo']);
    await expectViolation(peer);
  });

  it('a second HELLO', async () => {
    const peer = await MemoryPeer.join(router);
    peer.post([1, 'realm1', { roles: ALL_ROLES }]);
    await expectViolation(peer);
  });

  it('AUTHENTICATE without a CHALLENGE', async () => {
    const peer = await MemoryPeer.join(router);
    peer.post([5, 'signature', {}]);
    await expectViolation(peer);
  });

  it('a message type clients may not send (WELCOME, EVENT, RESULT, INVOCATION, unknown)', async () => {
    for (const message of [[2, 1, {}], [36, 1, 2, {}], [50, 1, {}], [68, 1, 2, {}], [99]]) {
      const peer = await MemoryPeer.join(router);
      peer.post(message);
      const abort = await peer.next();
      expect(abort[2]).toBe('wamp.error.protocol_violation');
    }
    await expectViolation(
      await (async () => {
        const peer = await MemoryPeer.join(router);
        peer.post([4, 'ticket', {}]);
        return peer;
      })(),
    );
  });

  it('structurally malformed messages: not an array, wrong element types, wrong lengths', async () => {
    for (const message of [
      'hello',
      {},
      [],
      [48, 'x', {}, 'com.test.echo'],
      [48, 1, [], 'com.test.echo'],
      [48, 1, {}, 'com.test.echo', {}],
      [16, 1, {}],
      [64, 1, {}, 'a', 'extra'],
      [70, 0, {}],
      [48, 2 ** 53 + 2, {}, 'a'],
      [8, 48, 1, {}, 'com.error'],
    ]) {
      const peer = await MemoryPeer.join(router);
      peer.post(message);
      const abort = await peer.next();
      expect(abort, JSON.stringify(message)).toEqual([3, expect.any(Object), 'wamp.error.protocol_violation']);
    }
    const last = await MemoryPeer.join(router);
    last.post([32, 1, {}]);
    await expectViolation(last);
  });

  it('HELLO without roles', async () => {
    const peer = fresh();
    peer.post([1, 'realm1', {}]);
    await expectViolation(peer);
  });

  it('a YIELD (or REGISTER) from a session that did not announce the callee role', async () => {
    const peer = await MemoryPeer.join(router, 'realm1', { roles: { caller: {} } });
    peer.post([70, 1, {}, []]);
    await expectViolation(peer);
    const other = await MemoryPeer.join(router, 'realm1', { roles: { subscriber: {} } });
    other.post([64, 1, {}, 'com.test.x']);
    expect((await other.next())[2]).toBe('wamp.error.protocol_violation');
  });

  it('reusing the request ID of a call still in flight', async () => {
    const peer = await MemoryPeer.join(router);
    peer.post([48, 5, {}, 'com.test.echo']);
    await bystander.next();
    peer.post([48, 5, {}, 'com.test.echo']);
    expect((await peer.next())[2]).toBe('wamp.error.protocol_violation');
  });

  it('YIELD and ERROR for unknown or foreign invocations are ignored, not violations', async () => {
    const peer = await MemoryPeer.join(router);
    peer.post([70, 424242, {}, []]);
    peer.post([8, 68, 424242, {}, 'com.error']);
    await settle();
    expect(peer.drain()).toEqual([]);
    expect(peer.closed).toBe(false);
  });

  it('no HELLO within helloTimeoutMs: ABORT and close', async () => {
    const peer = fresh();
    const abort = await peer.next(1000);
    expect(abort[2]).toBe('wamp.error.timeout');
    await settle();
    expect(peer.closed).toBe(true);
  });
});

describe('closing handshakes', () => {
  let router: Router;
  beforeEach(() => {
    router = createRouter({ realms: [openRealm()] });
  });
  afterEach(() => router.close());

  it("answers the client's GOODBYE with GOODBYE wamp.close.goodbye_and_out and closes", async () => {
    const peer = await MemoryPeer.join(router);
    peer.post([6, {}, 'wamp.close.close_realm']);
    expect(await peer.next()).toEqual([6, {}, 'wamp.close.goodbye_and_out']);
    await settle();
    expect(peer.closed).toBe(true);
    expect(router.sessionCount).toBe(0);
  });

  it('router.close() sends GOODBYE wamp.close.system_shutdown to established sessions and ABORT to the rest, and refuses new ones', async () => {
    const established = await MemoryPeer.join(router);
    const connecting = new MemoryPeer(router);
    router.close();
    expect(await established.next()).toEqual([6, { message: 'the router is shutting down' }, 'wamp.close.system_shutdown']);
    expect((await connecting.next())[0]).toBe(3);
    established.post([6, {}, 'wamp.close.goodbye_and_out']);
    await settle();
    expect(established.closed).toBe(true);
    expect(router.sessionCount).toBe(0);
    const late = new MemoryPeer(router);
    expect((await late.next())[2]).toBe('wamp.close.system_shutdown');
  });

  it("sends nothing after its GOODBYE, not even the meta events of the session's own registrations going", async () => {
    // autobahn-js takes any message after GOODBYE for a protocol violation, and throws from its socket handler.
    const peer = await MemoryPeer.join(router);
    peer.post([32, 1, {}, 'wamp.registration.on_delete']);
    expect((await peer.next())[0]).toBe(33);
    peer.post([64, 2, {}, 'com.test.echo']);
    expect((await peer.next())[0]).toBe(65);
    router.close();
    expect((await peer.next())[2]).toBe('wamp.close.system_shutdown');
    await settle();
    expect(peer.drain()).toEqual([]);
  });
});
