/** The join page's reading of an invite link's fragment, and fingerprints as people compare them. */
import { describe, expect, it } from 'vitest';
import { colonFingerprint, normalizeFingerprint } from '../../shared/fingerprint.ts';
import { parseJoinFragment } from '../../renderer/src/join/invite.ts';

const HEX = '0123456789abcdef'.repeat(4);

describe('parseJoinFragment', () => {
  it('reads the invite, keeping a + in the secret (not a space, as URLSearchParams would)', () => {
    expect(parseJoinFragment('#invite=abc12345.se+cr/et', 4)).toEqual({ invite: { inviteId: 'abc12345', secret: 'se+cr/et' }, threads: 4, fingerprint: null });
  });

  it('has no invite when the member is missing or lacks an id or a secret', () => {
    expect(parseJoinFragment('', 2).invite).toBeNull();
    expect(parseJoinFragment('#invite=.secret', 2).invite).toBeNull();
    expect(parseJoinFragment('#invite=id.', 2).invite).toBeNull();
    expect(parseJoinFragment('#invite=%E0%A4%A', 2).invite).toBeNull();
  });

  it('caps threads by &threads=N within the cores, ignoring nonsense', () => {
    expect(parseJoinFragment('#invite=a.b&threads=1', 8).threads).toBe(1);
    expect(parseJoinFragment('#invite=a.b&threads=99', 8).threads).toBe(8);
    expect(parseJoinFragment('#invite=a.b&threads=0', 8).threads).toBe(8);
    expect(parseJoinFragment('#invite=a.b&threads=x', 0).threads).toBe(1);
  });

  it('reads the certificate fingerprint in hex or colon form, and drops one that is not SHA-256', () => {
    expect(parseJoinFragment(`#invite=a.b&fp=${HEX}`, 1).fingerprint).toBe(HEX);
    expect(parseJoinFragment(`#invite=a.b&fp=${colonFingerprint(HEX)}`, 1).fingerprint).toBe(HEX);
    expect(parseJoinFragment('#invite=a.b&fp=abcd', 1).fingerprint).toBeNull();
  });
});

describe('fingerprints', () => {
  it('round-trip between hex and the colon form browsers and openssl show', () => {
    const colon = colonFingerprint(HEX);
    expect(colon).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(colon.startsWith('01:23:45')).toBe(true);
    expect(normalizeFingerprint(colon)).toBe(HEX);
    expect(normalizeFingerprint(HEX.slice(2))).toBeNull();
    expect(normalizeFingerprint(`${HEX.slice(2)}zz`)).toBeNull();
  });
});
