import { describe, expect, it, vi } from 'vitest';
import { ticketAuth } from '../../electron/router/auth/ticket.ts';
import { challengeOf, handshake, helloContext } from './auth-fixtures.ts';

const principals = { worker7: { ticket: 's3cret-ticket', role: 'compute' } };

describe('ticket authentication, static principals', () => {
  it('challenges with an empty extra and welcomes the right ticket', async () => {
    const method = ticketAuth({ principals });
    const context = helloContext({ authid: 'worker7', authmethods: ['ticket'] });
    expect((await challengeOf(method, context)).extra).toEqual({});
    expect(await handshake(method, context, () => 's3cret-ticket')).toEqual({
      authid: 'worker7',
      authrole: 'compute',
      authmethod: 'ticket',
      authprovider: 'static',
    });
  });

  it('refuses a wrong ticket with not_authorized and quotes neither ticket', async () => {
    const outcome = await handshake(ticketAuth({ principals }), helloContext({ authid: 'worker7' }), () => 'guess');
    expect(outcome).toMatchObject({ kind: 'reject', error: 'wamp.error.not_authorized' });
    expect(JSON.stringify(outcome)).not.toMatch(/guess|s3cret/);
  });

  it('refuses tickets that only share a prefix or differ in length', async () => {
    const method = ticketAuth({ principals });
    for (const ticket of ['s3cret-ticke', 's3cret-ticket ', 'S3cret-ticket', '']) {
      expect(await handshake(method, helloContext({ authid: 'worker7' }), () => ticket)).toMatchObject({ kind: 'reject' });
    }
  });

  it('refuses non-string and oversized signatures without hashing them', async () => {
    const method = ticketAuth({ principals });
    for (const signature of [42, null, { ticket: 's3cret-ticket' }, 'x'.repeat(5000)]) {
      expect(await handshake(method, helloContext({ authid: 'worker7' }), () => signature)).toMatchObject({
        kind: 'reject',
        error: 'wamp.error.not_authorized',
      });
    }
  });

  it('refuses unknown authids at HELLO, as Crossbar.io does', async () => {
    const method = ticketAuth({ principals });
    expect(await method.hello(helloContext({ authid: 'nobody' }))).toMatchObject({
      kind: 'reject',
      error: 'wamp.error.not_authorized',
      message: 'no principal with authid "nobody" exists',
    });
    // Object.prototype members are not principals.
    for (const authid of ['__proto__', 'constructor', 'toString']) {
      expect(await method.hello(helloContext({ authid }))).toMatchObject({ kind: 'reject' });
    }
  });

  it('refuses HELLOs without a usable authid', async () => {
    const method = ticketAuth({ principals });
    for (const authid of [undefined, 7, '', 'a'.repeat(257), 'worker7\n', ['worker7']]) {
      expect(await method.hello(helloContext({ authid }))).toMatchObject({ kind: 'reject', error: 'wamp.error.not_authorized' });
    }
  });

  it('rejects principals without a ticket or role, without echoing the ticket', () => {
    expect(() => ticketAuth({ principals: { a: { ticket: '', role: 'x' } } })).toThrow(TypeError);
    expect(() => ticketAuth({ principals: { a: { ticket: 'hidden-ticket', role: '' } } })).toThrow(/^(?!.*hidden-ticket)/);
  });
});

describe('ticket authentication, verify hook', () => {
  it('welcomes what the hook grants, with authprovider "dynamic"', async () => {
    const verify = vi.fn(async (_authid: string, ticket: string) => (ticket === 'pairing-123' ? { role: 'viewer', authextra: { paired: true } } : null));
    const context = helloContext({ authid: 'laptop' });
    expect(await handshake(ticketAuth({ verify }), context, () => 'pairing-123')).toEqual({
      authid: 'laptop',
      authrole: 'viewer',
      authmethod: 'ticket',
      authprovider: 'dynamic',
      authextra: { paired: true },
    });
    expect(verify).toHaveBeenCalledWith('laptop', 'pairing-123', context);
  });

  it('refuses what the hook refuses with not_authorized', async () => {
    for (const answer of [null, false] as const) {
      const outcome = await handshake(ticketAuth({ verify: () => answer }), helloContext({ authid: 'laptop' }), () => 'x');
      expect(outcome).toMatchObject({ kind: 'reject', error: 'wamp.error.not_authorized' });
    }
  });

  it('fails secure when the hook throws, without passing its message on', async () => {
    const verify = async (): Promise<null> => {
      throw new Error('database down while checking ticket pairing-123');
    };
    const outcome = await handshake(ticketAuth({ verify }), helloContext({ authid: 'laptop' }), () => 'pairing-123');
    expect(outcome).toMatchObject({ kind: 'reject', error: 'wamp.error.authentication_failed' });
    expect(JSON.stringify(outcome)).not.toMatch(/pairing-123|database/);
  });

  it('fails secure when the hook answers nonsense', async () => {
    for (const answer of [{ role: '' }, { role: 7 }, 'viewer', { role: 'viewer', authextra: [] }]) {
      const verify = (() => answer) as never;
      const outcome = await handshake(ticketAuth({ verify }), helloContext({ authid: 'laptop' }), () => 'x');
      expect(outcome).toMatchObject({ kind: 'reject', error: 'wamp.error.authentication_failed' });
    }
  });

  it('lets a static principal ticket decide its own authid, never the hook', async () => {
    const verify = vi.fn(() => ({ role: 'controller' }));
    const outcome = await handshake(ticketAuth({ principals, verify }), helloContext({ authid: 'worker7' }), () => 'wrong');
    expect(outcome).toMatchObject({ kind: 'reject', error: 'wamp.error.not_authorized' });
    expect(verify).not.toHaveBeenCalled();
  });
});
