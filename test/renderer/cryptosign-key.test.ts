/**
 * The cluster page's WAMP-Cryptosign key (renderer/src/lib/wamp/cryptosign.ts over shared/ed25519-key.ts):
 * every form an operator keeps a key in gives the same key pair as node:crypto, its challenge answer
 * verifies as the router checks it (signature then challenge), and every bad key is refused in words.
 */
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cryptosignKey, signChallenge } from '../../renderer/src/lib/wamp/cryptosign.ts';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32).toString('hex');
const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const crossbarKeyFile = `Crossbar.io node private key - KEEP THIS SAFE!\n\ncreator: ops@rack1\npublic-key-ed25519: ${pub}\nprivate-key-ed25519: ${seed}\n`;

describe('the cluster page reads a cryptosign key', () => {
  it.each([
    ['a hex seed', seed],
    ['an upper-case seed with a line break', `${seed.slice(0, 32).toUpperCase()}\n${seed.slice(32)}\n`],
    ["libsodium's seed and public key", seed + pub],
    ["Crossbar.io's key file", crossbarKeyFile],
    ['a PKCS#8 PEM', pem],
  ])('from %s, and answers a challenge as the router verifies it', (_form, text) => {
    const key = cryptosignKey(text);
    expect(key.publicKey).toBe(pub);
    const challenge = 'ab'.repeat(32);
    const answer = signChallenge(key, { challenge, channel_binding: null });
    expect(answer).toMatch(/^[0-9a-f]{192}$/);
    expect(answer.slice(128)).toBe(challenge);
    const signature = Buffer.from(answer.slice(0, 128), 'hex');
    expect(verify(null, Buffer.from(challenge, 'hex'), createPublicKey(privateKey), signature)).toBe(true);
  });

  it('refuses every key it cannot use, saying why', () => {
    const other = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const encrypted = privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
    for (const [text, message] of [
      ['', /must be 64 or 128 hex digits, a Crossbar.io key file .* or a PKCS#8 PEM/],
      [seed.slice(2), /must be 64 or 128 hex digits/],
      ['secret ticket', /must be 64 or 128 hex digits/],
      [seed + other, /public half is not the public key of its private half/],
      [crossbarKeyFile.replace(`public-key-ed25519: ${pub}`, `public-key-ed25519: ${other}`), /public half is not the public key/],
      ['private-key-ed25519: abc', /private-key-ed25519 is not 64 hex digits/],
      [rsa, /not an Ed25519 private key/],
      [encrypted, /encrypted: decrypt it first/],
      [publicKey.export({ format: 'pem', type: 'spki' }).toString(), /PUBLIC KEY, not a PKCS#8 PRIVATE KEY/],
      [pem.replace('-----END PRIVATE KEY-----', ''), /not a complete PEM block/],
      ['-----BEGIN PRIVATE KEY-----\n%%%\n-----END PRIVATE KEY-----', /not valid base64/],
      ['0'.repeat(20_000), /longer than 16384 characters/],
    ] as const)
      expect(() => cryptosignKey(text), text.slice(0, 40)).toThrow(message);
    expect(() => signChallenge(cryptosignKey(seed), { challenge: 'xyz' })).toThrow(/malformed cryptosign challenge/);
  });
});
