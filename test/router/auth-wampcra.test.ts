import autobahn from 'autobahn';
import { describe, expect, it } from 'vitest';
import { deriveCraKey, wampcraAuth } from '../../electron/router/auth/wampcra.ts';
import type { Dict } from '../../electron/router/types.ts';
import { challengeOf, handshake, helloContext } from './auth-fixtures.ts';

// What an autobahn-js client does in onchallenge for "wampcra": derive the key when salted, then sign.
function autobahnSign(password: string) {
  return (extra: Dict): string => {
    const key =
      extra.salt === undefined ? password : autobahn.auth_cra.derive_key(password, extra.salt as string, extra.iterations as number, extra.keylen as number);
    return autobahn.auth_cra.sign(key, extra.challenge as string);
  };
}

const plain = wampcraAuth({ principals: { ui: { secret: 'ui-secret', role: 'controller' } } });

describe('WAMP-CRA, plain secret', () => {
  it('sends the spec challenge as a JSON string', async () => {
    const { extra } = await challengeOf(plain, helloContext({ authid: 'ui' }, undefined, 4242));
    expect(Object.keys(extra)).toEqual(['challenge']);
    const challenge = JSON.parse(extra.challenge as string);
    expect(challenge).toMatchObject({ authid: 'ui', authrole: 'controller', authmethod: 'wampcra', authprovider: 'static', session: 4242 });
    expect(challenge.nonce).toHaveLength(64);
    expect(new Date(challenge.timestamp).toISOString()).toBe(challenge.timestamp);
  });

  it('welcomes a signature made by autobahn-js with the right secret', async () => {
    expect(await handshake(plain, helloContext({ authid: 'ui' }), autobahnSign('ui-secret'))).toEqual({
      authid: 'ui',
      authrole: 'controller',
      authmethod: 'wampcra',
      authprovider: 'static',
    });
  });

  it('refuses a signature made with the wrong secret, quoting neither', async () => {
    const outcome = await handshake(plain, helloContext({ authid: 'ui' }), autobahnSign('ui-secreT'));
    expect(outcome).toMatchObject({ kind: 'reject', error: 'wamp.error.not_authorized' });
    expect(JSON.stringify(outcome)).not.toMatch(/ui-secre/);
  });

  it('refuses a replayed signature: every challenge has a fresh nonce', async () => {
    const context = helloContext({ authid: 'ui' });
    const first = await challengeOf(plain, context);
    const second = await challengeOf(plain, context);
    expect(second.extra.challenge).not.toBe(first.extra.challenge);
    const replayed = autobahnSign('ui-secret')(first.extra);
    expect(await plain.authenticate!(replayed, {}, second.state, context)).toMatchObject({ kind: 'reject' });
  });

  it('refuses malformed signatures', async () => {
    for (const signature of [undefined, 17, '', 'x'.repeat(44), 'x'.repeat(10_000)]) {
      expect(await handshake(plain, helloContext({ authid: 'ui' }), () => signature)).toMatchObject({ kind: 'reject', error: 'wamp.error.not_authorized' });
    }
  });

  it('refuses unknown and unusable authids at HELLO', async () => {
    for (const authid of ['nobody', undefined, 3, '', 'x'.repeat(300), 'hasOwnProperty']) {
      expect(await plain.hello(helloContext({ authid }))).toMatchObject({ kind: 'reject', error: 'wamp.error.not_authorized' });
    }
  });
});

describe('WAMP-CRA, salted secret', () => {
  it('derives the same key as autobahn-js', () => {
    for (const [iterations, keylen] of [
      [1000, 32],
      [100, 16],
      [1, 64],
    ] as const) {
      expect(deriveCraKey('pässword', 'salt-ü', iterations, keylen)).toBe(autobahn.auth_cra.derive_key('pässword', 'salt-ü', iterations, keylen));
    }
  });

  const salted = wampcraAuth({
    principals: { worker: { secret: deriveCraKey('pw-123', 'NaCl', 2000, 32), salt: 'NaCl', iterations: 2000, keylen: 32, role: 'compute' } },
  });

  it('tells the client salt, iterations and keylen, and welcomes the password', async () => {
    const { extra } = await challengeOf(salted, helloContext({ authid: 'worker' }));
    expect(extra).toMatchObject({ salt: 'NaCl', iterations: 2000, keylen: 32 });
    expect(await handshake(salted, helloContext({ authid: 'worker' }), autobahnSign('pw-123'))).toMatchObject({ authid: 'worker', authrole: 'compute' });
  });

  it('refuses a wrong password', async () => {
    expect(await handshake(salted, helloContext({ authid: 'worker' }), autobahnSign('pw-124'))).toMatchObject({
      kind: 'reject',
      error: 'wamp.error.not_authorized',
    });
  });

  it('defaults iterations and keylen to 1000 and 32, as autobahn and Crossbar.io do', async () => {
    const method = wampcraAuth({ principals: { w: { secret: deriveCraKey('pw', 'salt'), salt: 'salt', role: 'compute' } } });
    const { extra } = await challengeOf(method, helloContext({ authid: 'w' }));
    expect(extra).toMatchObject({ iterations: 1000, keylen: 32 });
    expect(await handshake(method, helloContext({ authid: 'w' }), autobahnSign('pw'))).toMatchObject({ authid: 'w' });
  });

  it('rejects bad salting parameters at configuration time, without echoing the secret', () => {
    const bad = [{ salt: '' }, { salt: 's', iterations: 0 }, { salt: 's', keylen: 30 }, { salt: 's', iterations: 1.5 }];
    for (const salting of bad) {
      expect(() => wampcraAuth({ principals: { w: { secret: 'hidden-key', role: 'r', ...salting } } })).toThrow(/^(?!.*hidden-key)/);
    }
    expect(() => wampcraAuth({ principals: { w: { secret: '', role: 'r' } } })).toThrow(TypeError);
  });
});
