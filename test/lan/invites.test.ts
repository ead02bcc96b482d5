import { describe, expect, it } from 'vitest';
import { InviteStore } from '../../electron/lan/invites.ts';

describe('InviteStore.craPrincipal: why a join link is refused', () => {
  it('admits a live invite, then says "invite expired", "invite revoked" or "unknown invite"', () => {
    let now = 1000;
    const store = new InviteStore(() => now);
    const expiring = store.createJoinInvite(undefined, 5000);
    const revoked = store.createJoinInvite('phone');
    expect(store.craPrincipal(`invite:${expiring.inviteId}`)).toEqual({ secret: expiring.secret, role: 'compute' });

    now += 5000;
    expect(store.craPrincipal(`invite:${expiring.inviteId}`)).toEqual({ refused: 'invite expired' });
    expect(store.revoke(revoked.inviteId)).toBe(revoked);
    expect(store.craPrincipal(`invite:${revoked.inviteId}`)).toEqual({ refused: 'invite revoked' });
    expect(store.craPrincipal('invite:noSuchInvite')).toEqual({ refused: 'unknown invite' });
    // Not an invite at all: the CRA method's own "no principal" answer.
    expect(store.craPrincipal('ui')).toBeUndefined();
  });
});

describe('InviteStore key grants', () => {
  const KEY = 'ab'.repeat(32);
  const grantFor = (store: InviteStore) =>
    store.grantKey({ publicKey: KEY, authid: 'worker:box-abababab', machineId: 'kiln-worker-abababababab', expiresAt: 10_000 });

  it('keeps an earlier grant while a second invitation fails to reach the worker', () => {
    const store = new InviteStore(() => 1000);
    const first = grantFor(store);
    const second = grantFor(store);
    // The worker answered the second invitation "already answering one": only that attempt goes.
    store.revoke(second.inviteId);
    expect(store.keyPrincipal(KEY)).toEqual({ authid: first.authid, role: 'compute' });
  });

  it('leaves one grant per key once the worker has taken the newer one', () => {
    const store = new InviteStore(() => 1000);
    const first = grantFor(store);
    const second = grantFor(store);
    store.supersedeKeyGrants(second);
    expect(store.get(first.inviteId)).toBeUndefined();
    expect(store.get(second.inviteId)).toBe(second);
    expect(store.keyPrincipal(KEY)).toEqual({ authid: second.authid, role: 'compute' });
  });
});

describe('InviteStore.liveJoinInvites', () => {
  it('lists join links until they expire or are revoked, never key grants', () => {
    let now = 1000;
    const store = new InviteStore(() => now);
    const brief = store.createJoinInvite('brief', 1000);
    const revoked = store.createJoinInvite(undefined, 5000);
    const lasting = store.createJoinInvite('phones', 5000);
    store.grantKey({ publicKey: 'cd'.repeat(32), authid: 'worker:x', machineId: 'kiln-worker-cdcdcdcdcdcd', expiresAt: 9000 });
    store.revoke(revoked.inviteId);
    expect(store.liveJoinInvites()).toEqual([brief, lasting]);
    now += 1000;
    expect(store.liveJoinInvites()).toEqual([lasting]);
  });
});
