import { describe, expect, it } from 'vitest';
import { anonymousAuth } from '../../electron/router/auth/anonymous.ts';
import { helloContext, lanTransport, loopbackTransport } from './auth-fixtures.ts';

describe('anonymous authentication', () => {
  it('welcomes loopback peers under the configured role with a fresh random authid', async () => {
    const method = anonymousAuth({ role: 'controller' });
    const first = await method.hello(helloContext({ authmethods: ['anonymous'] }));
    const second = await method.hello(helloContext({ authmethods: ['anonymous'] }));
    expect(first).toMatchObject({ kind: 'welcome', identity: { authrole: 'controller', authmethod: 'anonymous', authprovider: 'static' } });
    if (first.kind !== 'welcome' || second.kind !== 'welcome') throw new Error('expected welcomes');
    expect(first.identity.authid).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.identity.authid).not.toBe(first.identity.authid);
  });

  it('defaults the role to "anonymous"', async () => {
    expect(await anonymousAuth().hello(helloContext({}))).toMatchObject({ identity: { authrole: 'anonymous' } });
  });

  it('never takes the authid the client asks for', async () => {
    const outcome = await anonymousAuth().hello(helloContext({ authid: 'orchestrator' }));
    expect(outcome).toMatchObject({ kind: 'welcome' });
    if (outcome.kind === 'welcome') expect(outcome.identity.authid).not.toBe('orchestrator');
  });

  it('refuses non-loopback peers by default with not_authorized and says why', async () => {
    const outcome = await anonymousAuth().hello(helloContext({}, lanTransport));
    expect(outcome).toMatchObject({ kind: 'reject', error: 'wamp.error.not_authorized' });
    if (outcome.kind === 'reject') {
      expect(outcome.message).toContain('loopback');
      expect(outcome.message).toContain('192.0.2.4');
    }
  });

  it('admits non-loopback peers when loopbackOnly is off', async () => {
    const method = anonymousAuth({ loopbackOnly: false });
    expect(await method.hello(helloContext({}, lanTransport))).toMatchObject({ kind: 'welcome' });
    expect(await method.hello(helloContext({}, loopbackTransport))).toMatchObject({ kind: 'welcome' });
  });

  it('rejects an empty role at configuration time', () => {
    expect(() => anonymousAuth({ role: '' })).toThrow(TypeError);
  });
});
