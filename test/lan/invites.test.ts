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
