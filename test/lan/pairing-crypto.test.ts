/**
 * The pairing code and the checks around it, without a network: the code changes with every field
 * a worker acts on, the attempt limiter locks out after five failures and doubles its lockouts, and
 * known_control_centers tells new, known and changed keys apart.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AttemptLimiter } from '../../electron/lan/attempt-limiter.ts';
import { KnownControlCenters } from '../../electron/lan/known-control-centers.ts';
import { agreedSecret, codeProof, pairingCode, rawPublicKey } from '../../electron/lan/pairing-crypto.ts';
import { invitationBytes, type Invitation } from '../../electron/lan/pairing.ts';

const hex = (byte: string): string => byte.repeat(32);
const base: Omit<Invitation, 'signature' | 'codeProof'> = {
  inviteId: 'invite-0001',
  routerUrls: ['wss://10.0.0.5:8080/ws'],
  realm: 'kiln',
  authid: 'worker:box-01234567',
  controlCenterName: 'studio',
  controlCenterKey: hex('aa'),
  tlsFingerprint: hex('bb'),
  workerKey: hex('cc'),
  nonceCommitment: hex('dd'),
  expiresAt: 1_800_000_000_000,
};
const codeOf = (invitation: Omit<Invitation, 'signature' | 'codeProof'>, nc = hex('11'), nw = hex('22')): string =>
  pairingCode(invitationBytes(invitation), hex('cc'), nc, nw);

describe('the pairing code', () => {
  it('changes when any field the worker acts on, or either nonce, changes', () => {
    // The inputs are fixed, so the codes are too (two of them colliding, one chance in a million, would show at once).
    const original = codeOf(base);
    expect(original).toMatch(/^\d{6}$/);
    const variants: Omit<Invitation, 'signature' | 'codeProof'>[] = [
      { ...base, routerUrls: ['wss://10.0.0.66:8443/ws'] },
      { ...base, realm: 'other' },
      { ...base, authid: 'worker:relay' },
      { ...base, controlCenterName: 'studio2' },
      { ...base, controlCenterKey: hex('ab') },
      { ...base, tlsFingerprint: undefined },
      { ...base, inviteId: 'invite-0002' },
      { ...base, expiresAt: base.expiresAt + 1 },
    ];
    for (const variant of variants) expect(invitationBytes(variant)).not.toBe(invitationBytes(base));
    for (const variant of variants) expect(codeOf(variant)).not.toBe(original);
    expect(codeOf(base, hex('12'))).not.toBe(original);
    expect(codeOf(base, hex('11'), hex('23'))).not.toBe(original);
  });

  it("proves an unattended worker's code only under the secret both keys agree on", () => {
    const controlCenter = generateKeyPairSync('x25519');
    const worker = generateKeyPairSync('x25519');
    const bytes = invitationBytes(base);
    const sent = codeProof(agreedSecret(controlCenter.privateKey, rawPublicKey(worker.publicKey)), '123456', bytes);
    const secret = agreedSecret(worker.privateKey, rawPublicKey(controlCenter.publicKey));
    expect(codeProof(secret, '123456', bytes)).toBe(sent);
    expect(codeProof(secret, '123457', bytes)).not.toBe(sent);
    expect(codeProof(secret, '123456', invitationBytes({ ...base, routerUrls: ['wss://relay:1/ws'] }))).not.toBe(sent);
    const stranger = generateKeyPairSync('x25519');
    expect(codeProof(agreedSecret(stranger.privateKey, rawPublicKey(controlCenter.publicKey)), '123456', bytes)).not.toBe(sent);
  });
});

describe('AttemptLimiter', () => {
  it('locks out after five failures in a row, doubling each further lockout up to the cap; a success resets it', () => {
    let now = 0;
    const limiter = new AttemptLimiter({ maxFailures: 5, lockoutMs: 60_000, maxLockoutMs: 200_000 }, () => now);
    expect([1, 2, 3, 4].map(() => limiter.failed())).toEqual([4, 3, 2, 1]);
    expect(limiter.lockedForMs()).toBe(0);
    expect(limiter.failed()).toBe(0);
    expect(limiter.lockedForMs()).toBe(60_000);
    now += 60_000;
    expect(limiter.lockedForMs()).toBe(0);
    for (let i = 0; i < 5; i++) limiter.failed();
    expect(limiter.lockedForMs()).toBe(120_000);
    now += 120_000;
    for (let i = 0; i < 5; i++) limiter.failed();
    expect(limiter.lockedForMs()).toBe(200_000);
    now += 200_000;
    limiter.succeeded();
    for (let i = 0; i < 5; i++) limiter.failed();
    expect(limiter.lockedForMs()).toBe(60_000);
  });
});

describe('KnownControlCenters', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-known-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('remembers a key on first pairing (0600), knows it again, and reports another key for the same name with its line', () => {
    const known = new KnownControlCenters(dir);
    expect(known.check('studio', hex('aa'))).toEqual({ state: 'new' });
    known.pin('studio', hex('aa'));
    known.pin('lab bench', hex('bb'));
    known.pin('studio', hex('aa'));
    expect(statSync(known.path).mode & 0o777).toBe(0o600);
    expect(
      readFileSync(known.path, 'utf8')
        .split('\n')
        .filter((line) => line && !line.startsWith('#')),
    ).toHaveLength(2);
    expect(new KnownControlCenters(dir).check('studio', hex('aa'))).toMatchObject({ state: 'known' });
    expect(known.check('lab bench', hex('bb'))).toMatchObject({ state: 'known' });
    expect(known.check('studio', hex('ab'))).toEqual({ state: 'changed', pinnedKey: hex('aa'), line: 2 });
  });
});
