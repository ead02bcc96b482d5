import { generateKeyPairSync, sign, verify, createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../electron/commands/command.ts';
import { ed25519PrivateKey, joinSettingsFrom } from '../../electron/commands/join-options.ts';
import { writeSecretFile } from '../helpers/secret-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'kiln-join-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const secretFile = (name: string, text: string, mode?: number): string => writeSecretFile(dir, name, text, mode);
const noStdin = (): string => {
  throw new Error('stdin must not be read');
};
const settings = (values: Record<string, string>, env: NodeJS.ProcessEnv = {}, stdin = noStdin) => joinSettingsFrom(values, env, stdin);

describe('joining options (--realm, --authid, --authmethod, the secret)', () => {
  it("defaults to Kiln's realm and anonymous with no secret anywhere", () => {
    expect(settings({})).toEqual({ realm: 'kiln', credentials: { method: 'anonymous', authid: undefined } });
  });

  it('takes a ticket from a file, WAMP-CRA from stdin, and a ticket from KILN_TICKET as before', () => {
    const file = secretFile('t', 'tkt-1\n');
    expect(settings({ realm: 'realm1', authid: 'a', 'secret-file': file })).toEqual({
      realm: 'realm1',
      credentials: { method: 'ticket', authid: 'a', ticket: 'tkt-1' },
    });
    expect(settings({ authid: 'a', authmethod: 'wampcra', 'secret-file': '-' }, {}, () => '  cra secret \n').credentials).toEqual({
      method: 'wampcra',
      authid: 'a',
      secret: 'cra secret',
    });
    expect(settings({ authid: 'a' }, { KILN_TICKET: 'from-env' }).credentials).toEqual({ method: 'ticket', authid: 'a', ticket: 'from-env' });
    expect(settings({ authid: 'a', authmethod: 'wampcra' }, { KILN_SECRET: 's3' }).credentials).toEqual({ method: 'wampcra', authid: 'a', secret: 's3' });
  });

  it('reads an Ed25519 key as a hex seed, as seed and public key, or as PKCS#8 PEM, and signs with it', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32).toString('hex');
    const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    for (const text of [seed, seed + pub, pem]) {
      const { credentials } = settings({ authid: 'k', authmethod: 'cryptosign', 'secret-file': secretFile(`key-${text.length}`, text) });
      if (credentials.method !== 'cryptosign') throw new Error('expected cryptosign credentials');
      expect(credentials.publicKey).toBe(pub);
      const challenge = Buffer.alloc(32, 7);
      expect(verify(null, challenge, createPublicKey(privateKey), sign(null, challenge, credentials.privateKey))).toBe(true);
    }
    expect(() => ed25519PrivateKey(seed + seed)).toThrow(/public half is not the public key of its private half/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => ed25519PrivateKey(rsa)).toThrow(/is rsa, not Ed25519/);
    expect(() => ed25519PrivateKey('zz')).toThrow(/64 or 128 hex digits/);
  });

  it('reads secret files through the owner-only reader (secret-file.test.ts), and refuses an empty secret', () => {
    expect(() => settings({ authid: 'a', 'secret-file': secretFile('open', 'x', 0o640) })).toThrow(/--secret-file \S+\/open: readable by group or others/);
    expect(() => settings({ authid: 'a', 'secret-file': secretFile('empty', '\n') })).toThrow(/is empty/);
  });

  it('explains what is missing or contradictory', () => {
    const file = secretFile('ok', 'x');
    const cases: Array<[Record<string, string>, NodeJS.ProcessEnv, RegExp]> = [
      [{ authmethod: 'ticket', authid: 'a' }, {}, /--authmethod ticket needs a secret/],
      [{ authmethod: 'cryptosign', 'secret-file': file }, {}, /needs --authid/],
      [{ authmethod: 'scram' }, {}, /--authmethod must be one of/],
      [{ authmethod: 'anonymous', 'secret-file': file }, {}, /takes no secret/],
      [{ 'secret-file': file, 'ticket-file': file, authid: 'a' }, {}, /not both/],
      [{ 'ticket-file': file, authmethod: 'wampcra', authid: 'a' }, {}, /use --secret-file/],
      [{ realm: 'bad realm' }, {}, /--realm must be/],
    ];
    for (const [values, env, message] of cases) {
      let thrown: unknown;
      try {
        settings(values, env);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(UsageError);
      expect((thrown as Error).message).toMatch(message);
    }
  });
});
