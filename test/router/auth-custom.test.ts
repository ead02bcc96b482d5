import { describe, expect, it } from 'vitest';
import { customAuth } from '../../electron/router/auth/custom.ts';
import { challengeOf, helloContext } from './auth-fixtures.ts';

describe('custom authentication methods', () => {
  it('passes outcomes of well-behaved hooks through unchanged', async () => {
    const method = customAuth('x-kiln-pairing', {
      hello: () => ({ kind: 'challenge', extra: { code_length: 6 }, state: 'expected-code' }),
      authenticate: (signature, _extra, state) =>
        signature === state
          ? { authid: 'paired', authrole: 'viewer', authmethod: 'x-kiln-pairing', authprovider: 'kiln' }
          : { kind: 'reject', error: 'wamp.error.not_authorized', message: 'wrong pairing code' },
    });
    const context = helloContext({});
    const challenge = await challengeOf(method, context);
    expect(challenge.extra).toEqual({ code_length: 6 });
    expect(await method.authenticate!('expected-code', {}, challenge.state, context)).toMatchObject({ authid: 'paired' });
    expect(await method.authenticate!('nope', {}, challenge.state, context)).toMatchObject({ message: 'wrong pairing code' });
  });

  it('turns a throwing hello or authenticate into authentication_failed, dropping the thrown text', async () => {
    const method = customAuth('x-broken', {
      hello: async () => {
        throw new Error('lookup failed for secret hunter2');
      },
      authenticate: () => {
        throw new Error('compare failed for secret hunter2');
      },
    });
    const context = helloContext({});
    for (const outcome of [await method.hello(context), await method.authenticate!('hunter2', {}, null, context)]) {
      expect(outcome).toEqual({ kind: 'reject', error: 'wamp.error.authentication_failed', message: 'x-broken authentication failed' });
    }
  });

  it('keeps a welcome-only method welcome-only, and this binding intact', async () => {
    const hooks = {
      role: 'local',
      hello(this: { role: string }) {
        return { kind: 'welcome' as const, identity: { authid: 'me', authrole: this.role, authmethod: 'x-local', authprovider: 'kiln' } };
      },
    };
    const method = customAuth('x-local', hooks);
    expect(method.authenticate).toBeUndefined();
    expect(await method.hello(helloContext({}))).toMatchObject({ identity: { authrole: 'local' } });
  });

  it('refuses unusable method names', () => {
    for (const name of ['', 'Ticket', 'with space', 'x'.repeat(65), '1st']) {
      expect(() => customAuth(name, { hello: () => ({ kind: 'reject', error: 'e', message: 'm' }) })).toThrow(TypeError);
    }
  });
});
