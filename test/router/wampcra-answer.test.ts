/**
 * The one WAMP-CRA answer (shared/wampcra.ts) with each side's hashes, the Node client's (node:crypto) and
 * the pages' (autobahn's CryptoJS), against Kiln's router: plain and salted secrets are welcomed, a wrong
 * one is not, and a challenge that is malformed or asks for unbounded work is refused before any hashing.
 */
import { describe, expect, it } from 'vitest';
import { deriveCraKey, wampcraAuth } from '../../electron/router/auth/wampcra.ts';
import type { Dict } from '../../electron/router/types.ts';
import { nodeCra } from '../../electron/wamp/client.ts';
import { signCraChallenge } from '../../renderer/src/lib/wamp/cra.ts';
import { CRA_MAX_ITERATIONS, CRA_MAX_KEYLEN, CRA_MAX_ROUNDS, craAnswer, type CraPrimitives } from '../../shared/wampcra.ts';
import { handshake, helloContext } from './auth-fixtures.ts';

const sides: Array<[string, (secret: string) => (extra: Dict) => string]> = [
  ['the Node client', (secret) => (extra) => craAnswer(extra, secret, nodeCra)],
  ['a page', (secret) => (extra) => signCraChallenge(secret, extra)],
];

const router = wampcraAuth({
  principals: {
    plain: { secret: 'plain-sécret', role: 'controller' },
    salted: { secret: deriveCraKey('pässword', 'NaCl', 700, 24), salt: 'NaCl', iterations: 700, keylen: 24, role: 'compute' },
    defaults: { secret: deriveCraKey('pw', 'salt'), salt: 'salt', role: 'compute' },
  },
});

describe.each(sides)('WAMP-CRA answered by %s', (_side, answer) => {
  it('is welcomed with a plain secret, a salted one, and a salted one with the default iterations and keylen', async () => {
    expect(await handshake(router, helloContext({ authid: 'plain' }), answer('plain-sécret'))).toMatchObject({ authid: 'plain', authrole: 'controller' });
    expect(await handshake(router, helloContext({ authid: 'salted' }), answer('pässword'))).toMatchObject({ authid: 'salted', authrole: 'compute' });
    expect(await handshake(router, helloContext({ authid: 'defaults' }), answer('pw'))).toMatchObject({ authid: 'defaults' });
  });

  it('is refused with a wrong secret', async () => {
    expect(await handshake(router, helloContext({ authid: 'plain' }), answer('plain-secret'))).toMatchObject({ kind: 'reject' });
    expect(await handshake(router, helloContext({ authid: 'salted' }), answer('passwörd'))).toMatchObject({ kind: 'reject' });
  });
});

describe('a WAMP-CRA challenge the client will not answer', () => {
  // Primitives that fail the test if reached: a refused challenge costs the client no hashing.
  const untouched: CraPrimitives = {
    deriveKey: () => expect.unreachable('derived a key for a refused challenge'),
    hmacSha256: () => expect.unreachable('signed a refused challenge'),
  };

  it.each<[string, unknown, RegExp]>([
    ['no extra at all', undefined, /without a challenge string/],
    ['a challenge that is not a string', { challenge: 42 }, /without a challenge string/],
    ['a salt that is not a string', { challenge: '{}', salt: 7 }, /salt that is not a string/],
    ['iterations beyond the bound', { challenge: '{}', salt: 's', iterations: CRA_MAX_ITERATIONS + 1 }, /iterations of 1000001/],
    ['fractional iterations', { challenge: '{}', salt: 's', iterations: 1.5 }, /iterations of 1.5/],
    ['iterations as a string', { challenge: '{}', salt: 's', iterations: '1000' }, /iterations of "1000"/],
    ['a zero keylen', { challenge: '{}', salt: 's', keylen: 0 }, /keylen of 0/],
    ['a keylen beyond its ceiling', { challenge: '{}', salt: 's', iterations: 1, keylen: CRA_MAX_KEYLEN + 1 }, /keylen of 257: a whole number from 1 to 256/],
    [
      'iterations × key blocks beyond the bound, though each is within its own',
      { challenge: '{}', salt: 's', iterations: CRA_MAX_ITERATIONS, keylen: CRA_MAX_KEYLEN },
      /iterations of 1000000 with a keylen of 256: 8000000 PBKDF2 rounds .* over the limit of 1000000$/,
    ],
    ['one round over the bound', { challenge: '{}', salt: 's', iterations: CRA_MAX_ROUNDS / 2 + 1, keylen: 64 }, /1000002 PBKDF2 rounds/],
  ])('refuses %s, saying why', (_what, extra, reason) => {
    expect(() => craAnswer(extra, 'secret', untouched)).toThrow(reason);
  });
});

describe('the bounds of a WAMP-CRA challenge', () => {
  const recorded = (): { calls: Array<[number, number]>; primitives: CraPrimitives } => {
    const calls: Array<[number, number]> = [];
    return { calls, primitives: { deriveKey: (_p, _s, iterations, keylen) => (calls.push([iterations, keylen]), 'key'), hmacSha256: () => 'signature' } };
  };

  it('answers exactly the most work accepted: iterations × blocks of 32 bytes equal to the bound, and the keylen ceiling within it', () => {
    for (const [iterations, keylen] of [
      [CRA_MAX_ROUNDS, 32],
      [CRA_MAX_ROUNDS / 8, CRA_MAX_KEYLEN],
      [CRA_MAX_ROUNDS / 2, 33 + 31],
    ] as const) {
      const { calls, primitives } = recorded();
      expect(craAnswer({ challenge: '{}', salt: 's', iterations, keylen }, 'secret', primitives)).toBe('signature');
      expect(calls).toEqual([[iterations, keylen]]);
    }
  });

  it('quotes at most 80 characters of a value the router sent', () => {
    const noHashing: CraPrimitives = { deriveKey: () => expect.unreachable('derived'), hmacSha256: () => expect.unreachable('signed') };
    let message = '';
    try {
      craAnswer({ challenge: '{}', salt: 's', iterations: 'x'.repeat(10_000) }, 'secret', noHashing);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^the router sent a WAMP-CRA iterations of "x{78}…: a whole number from 1 to 1000000 was expected$/);
  });
});
