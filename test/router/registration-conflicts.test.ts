/** REGISTER's rules: one policy per procedure, single means one callee, wamp. is the router's. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callError, startFixture, type Client, type Fixture } from './helpers/router-fixture.ts';
import { openRealm } from './helpers/test-realm.ts';

const registerError = (promise: Promise<unknown>) => callError(promise);

describe('registration conflicts', () => {
  let fixture: Fixture;
  let a: Client;
  let b: Client;
  beforeEach(async () => {
    fixture = await startFixture();
    [a, b] = await Promise.all([fixture.connect(), fixture.connect()]);
  });
  afterEach(async () => fixture.close());

  it('refuses a second single registration with wamp.error.procedure_already_exists', async () => {
    await a.session.register('com.test.p', () => 1);
    expect((await registerError(b.session.register('com.test.p', () => 2) as Promise<unknown>)).error).toBe('wamp.error.procedure_already_exists');
  });

  it('refuses a shared registration whose policy differs from the existing one', async () => {
    await a.session.register('com.test.p', () => 1, { invoke: 'roundrobin' });
    expect((await registerError(b.session.register('com.test.p', () => 2, { invoke: 'random' }) as Promise<unknown>)).error).toBe(
      'wamp.error.procedure_already_exists',
    );
    expect((await registerError(b.session.register('com.test.p', () => 2) as Promise<unknown>)).error).toBe('wamp.error.procedure_already_exists');
  });

  it('lets callees share a registration under the same policy, with one registration ID', async () => {
    const first = await a.session.register('com.test.p', () => 1, { invoke: 'roundrobin' });
    const second = await b.session.register('com.test.p', () => 2, { invoke: 'roundrobin' });
    expect(second.id).toBe(first.id);
  });

  it('refuses the same session registering the same shared procedure twice', async () => {
    await a.session.register('com.test.p', () => 1, { invoke: 'roundrobin' });
    expect((await registerError(a.session.register('com.test.p', () => 1, { invoke: 'roundrobin' }) as Promise<unknown>)).error).toBe(
      'wamp.error.procedure_already_exists',
    );
  });

  it('keeps exact and pattern registrations of the same URI apart', async () => {
    const exact = await a.session.register('com.test', () => 1);
    const prefix = await b.session.register('com.test', () => 2, { match: 'prefix' });
    expect(prefix.id).not.toBe(exact.id);
  });

  it('answers invalid procedure URIs and the reserved wamp. namespace with wamp.error.invalid_uri', async () => {
    expect((await registerError(a.session.register('com..test', () => 1) as Promise<unknown>)).error).toBe('wamp.error.invalid_uri');
    expect((await registerError(a.session.register('wamp.session.count', () => 1) as Promise<unknown>)).error).toBe('wamp.error.invalid_uri');
    expect((await callError(a.session.call('not a uri'))).error).toBe('wamp.error.invalid_uri');
  });

  it('answers unknown policies and bad concurrency with wamp.error.invalid_argument', async () => {
    expect((await registerError(a.session.register('com.test.p', () => 1, { invoke: 'sometimes' } as never) as Promise<unknown>)).error).toBe(
      'wamp.error.invalid_argument',
    );
    expect((await registerError(a.session.register('com.test.p', () => 1, { concurrency: 1.5 } as never) as Promise<unknown>)).error).toBe(
      'wamp.error.invalid_argument',
    );
  });

  it('frees the procedure once its callee unregisters, and answers calls with wamp.error.no_such_procedure meanwhile', async () => {
    const registration = await a.session.register('com.test.p', () => 1);
    await a.session.unregister(registration);
    expect((await callError(b.session.call('com.test.p'))).error).toBe('wamp.error.no_such_procedure');
    await b.session.register('com.test.p', () => 2);
    expect(await a.session.call('com.test.p')).toBe(2);
  });
});

describe('registration authorization', () => {
  let fixture: Fixture;
  afterEach(async () => fixture.close());

  it('answers a REGISTER the role may not do with wamp.error.not_authorized', async () => {
    fixture = await startFixture({
      realms: [openRealm('realm1', [{ name: 'user', permissions: [{ uri: 'com.open.', match: 'prefix', allow: { call: true, register: true } }] }])],
    });
    const client = await fixture.connect();
    expect((await registerError(client.session.register('com.closed.p', () => 1) as Promise<unknown>)).error).toBe('wamp.error.not_authorized');
    await client.session.register('com.open.p', () => 1);
    expect(await client.session.call('com.open.p')).toBe(1);
    expect((await callError(client.session.call('com.closed.p'))).error).toBe('wamp.error.not_authorized');
  });
});

describe('URI check', () => {
  let fixture: Fixture;
  afterEach(async () => fixture.close());

  it('is loose by default and strict on request', async () => {
    fixture = await startFixture();
    const loose = await fixture.connect();
    await loose.session.register('com.Test-Proc', () => 1);
    await fixture.close();
    fixture = await startFixture({ limits: { uriCheck: 'strict' } });
    const strict = await fixture.connect();
    expect((await callError(strict.session.register('com.Test-Proc', () => 1))).error).toBe('wamp.error.invalid_uri');
    await strict.session.register('com.test_proc', () => 1);
  });
});
