import { describe, expect, it } from 'vitest';
import { cryptosignAuth } from '../../electron/router/auth/cryptosign.ts';
import type { Dict } from '../../electron/router/types.ts';
import { challengeOf, cryptosignClient, handshake, helloContext, naclKeyPair, type NaclKeyPair } from './auth-fixtures.ts';

const alice = naclKeyPair();
const aliceLaptop = naclKeyPair();
const mallory = naclKeyPair();
const pubkey = (pair: NaclKeyPair): string => cryptosignClient.public_key(pair);

const method = cryptosignAuth({
  principals: {
    alice: { authorizedKeys: [pubkey(alice), pubkey(aliceLaptop).toUpperCase()], role: 'controller' },
  },
});

// HELLO.Details as autobahn's cryptosignClient.create_connection sends them.
const helloFrom = (pair: NaclKeyPair, authid?: string): Dict => ({
  authmethods: ['cryptosign'],
  ...(authid === undefined ? {} : { authid }),
  authextra: { pubkey: pubkey(pair), trustroot: null, challenge: null, channel_binding: null },
});

describe('WAMP-cryptosign', () => {
  it('challenges with 32 random bytes and no channel binding', async () => {
    const { extra } = await challengeOf(method, helloContext(helloFrom(alice)));
    expect(extra.challenge).toMatch(/^[0-9a-f]{64}$/);
    expect(extra).toHaveProperty('channel_binding', null);
    const again = await challengeOf(method, helloContext(helloFrom(alice)));
    expect(again.extra.challenge).not.toBe(extra.challenge);
  });

  it('welcomes autobahn-js signatures and finds the authid by public key', async () => {
    const expected = { authid: 'alice', authrole: 'controller', authmethod: 'cryptosign', authprovider: 'static' };
    expect(await handshake(method, helloContext(helloFrom(alice)), (extra) => cryptosignClient.sign_challenge(alice, extra))).toEqual(expected);
    expect(await handshake(method, helloContext(helloFrom(alice, 'alice')), (extra) => cryptosignClient.sign_challenge(alice, extra))).toEqual(expected);
    // Keys are matched case-insensitively; the second key was configured in upper case.
    expect(await handshake(method, helloContext(helloFrom(aliceLaptop)), (extra) => cryptosignClient.sign_challenge(aliceLaptop, extra))).toEqual(expected);
  });

  it('refuses a signature made with another private key', async () => {
    const outcome = await handshake(method, helloContext(helloFrom(alice)), (extra) => cryptosignClient.sign_challenge(mallory, extra));
    expect(outcome).toMatchObject({ kind: 'reject', error: 'wamp.error.not_authorized' });
  });

  it('refuses a valid signature over another challenge (replay)', async () => {
    const context = helloContext(helloFrom(alice));
    const old = await challengeOf(method, context);
    const fresh = await challengeOf(method, context);
    const replayed = cryptosignClient.sign_challenge(alice, old.extra);
    expect(await method.authenticate!(replayed, {}, fresh.state, context)).toMatchObject({ kind: 'reject' });
    // Nor does splicing the fresh challenge behind the old signature help.
    const spliced = replayed.slice(0, 128) + (fresh.extra.challenge as string);
    expect(await method.authenticate!(spliced, {}, fresh.state, context)).toMatchObject({ kind: 'reject' });
  });

  it('refuses signed messages that are not 96 bytes of hex', async () => {
    const sign = (extra: Dict): string => cryptosignClient.sign_challenge(alice, extra);
    const mangle = [
      (s: string) => s.slice(0, 128), // signature without the message
      (s: string) => `${s}00`,
      (s: string) => `${s.slice(0, -1)}g`,
      () => 'zz'.repeat(96),
      () => 42,
      () => 'a'.repeat(100_000),
    ];
    for (const change of mangle) {
      const outcome = await handshake(method, helloContext(helloFrom(alice)), (extra) => change(sign(extra)));
      expect(outcome).toMatchObject({ kind: 'reject', error: 'wamp.error.not_authorized' });
    }
  });

  it('refuses unknown keys and an authid the key does not belong to', async () => {
    expect(await method.hello(helloContext(helloFrom(mallory)))).toMatchObject({ kind: 'reject', error: 'wamp.error.not_authorized' });
    expect(await method.hello(helloContext(helloFrom(alice, 'bob')))).toMatchObject({ kind: 'reject', error: 'wamp.error.not_authorized' });
    expect(await method.hello(helloContext(helloFrom(alice, 'x'.repeat(1000))))).toMatchObject({ kind: 'reject' });
  });

  it('refuses malformed HELLO.Details.authextra without throwing', async () => {
    const key = pubkey(alice);
    const malformed: Dict[] = [
      {},
      { authextra: null },
      { authextra: [key] },
      { authextra: 'pubkey' },
      { authextra: { pubkey: 7 } },
      { authextra: { pubkey: key.slice(2) } },
      { authextra: { pubkey: `${key}00` } },
      { authextra: { pubkey: `${key.slice(0, -1)}x` } },
      { authextra: { pubkey: 'f'.repeat(1_000_000) } },
      { authextra: { pubkey: ` ${key}` } },
    ];
    for (const details of malformed) {
      expect(await method.hello(helloContext(details))).toMatchObject({ kind: 'reject', error: 'wamp.error.not_authorized' });
    }
  });

  it('rejects bad configuration: malformed keys, a key shared by two principals', () => {
    const key = pubkey(alice);
    expect(() => cryptosignAuth({ principals: { a: { authorizedKeys: ['abc'], role: 'r' } } })).toThrow(TypeError);
    expect(() => cryptosignAuth({ principals: { a: { authorizedKeys: [key], role: '' } } })).toThrow(TypeError);
    expect(() => cryptosignAuth({ principals: { a: { authorizedKeys: [key], role: 'r' }, b: { authorizedKeys: [key.toUpperCase()], role: 'r' } } })).toThrow(
      /already authorized/,
    );
  });
});
