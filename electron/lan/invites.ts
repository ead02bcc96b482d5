/**
 * The control center's invites, in memory for one launch:
 * - join invites (kiln.lan.createInvite): a random 128-bit+ secret that is the WAMP-CRA key of
 *   authid `invite:<inviteId>`, usable by any number of machines until it expires or is revoked;
 * - key grants (kiln.lan.invite): a discovered worker's Ed25519 public key, authorized for
 *   WAMP-Cryptosign as `worker:<host>-<keyprefix>`; it must be used before it expires, and once
 *   used it stays valid until revoked.
 * The realm's auth methods ask craPrincipal()/keyPrincipal() at every HELLO, so expiry and
 * revocation take effect at the next join; whoever revokes also ends the live sessions (lan-service.ts).
 * A refused join link says why ("invite expired", "invite revoked", "unknown invite"): the donor
 * page shows it, and the ids are random, so naming the state tells a guesser nothing useful.
 */
import { randomBytes } from 'node:crypto';
import { Roles } from '../../shared/protocol/uris.ts';
import type { CraPrincipal, CraRefusal } from '../router/auth/wampcra.ts';

export const DEFAULT_INVITE_TTL_MS = 3_600_000;
export const MAX_INVITE_TTL_MS = 7 * 24 * 3_600_000;
export const INVITE_AUTHID_PREFIX = 'invite:';

interface JoinInvite {
  kind: 'join';
  inviteId: string;
  secret: string;
  label: string | undefined;
  expiresAt: number;
}

interface KeyGrant {
  kind: 'key';
  inviteId: string;
  publicKey: string;
  authid: string;
  machineId: string;
  expiresAt: number;
  /** Set once a session joined with the key: from then on it no longer expires. */
  used: boolean;
}

export type Invite = JoinInvite | KeyGrant;

export class InviteStore {
  private readonly invites = new Map<string, Invite>();
  /** Ids of revoked invites, only to tell "revoked" from "unknown" (a few bytes each, for one launch). */
  private readonly revoked = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  createJoinInvite(label: string | undefined, ttlMs = DEFAULT_INVITE_TTL_MS): JoinInvite {
    const invite: JoinInvite = {
      kind: 'join',
      inviteId: newInviteId(),
      // 24 random bytes (192 bits), base64url so it travels in a URL fragment unescaped.
      secret: randomBytes(24).toString('base64url'),
      label,
      expiresAt: this.now() + ttlMs,
    };
    this.invites.set(invite.inviteId, invite);
    return invite;
  }

  /** A new grant for a worker's key; any earlier one stays until supersedeKeyGrants (the new one may fail to reach the worker). */
  grantKey(grant: Omit<KeyGrant, 'kind' | 'inviteId' | 'used'>): KeyGrant {
    const invite: KeyGrant = { kind: 'key', inviteId: newInviteId(), used: false, ...grant };
    this.invites.set(invite.inviteId, invite);
    return invite;
  }

  /** Join links neither revoked nor expired, oldest first. */
  liveJoinInvites(): JoinInvite[] {
    const now = this.now();
    return [...this.invites.values()].filter((invite): invite is JoinInvite => invite.kind === 'join' && invite.expiresAt > now);
  }

  /** One key, one grant: once the worker has taken `grant`, its earlier grants go. */
  supersedeKeyGrants(grant: KeyGrant): void {
    for (const existing of this.invites.values()) {
      if (existing.kind === 'key' && existing.publicKey === grant.publicKey && existing.inviteId !== grant.inviteId) this.invites.delete(existing.inviteId);
    }
  }

  get(inviteId: string): Invite | undefined {
    return this.invites.get(inviteId);
  }

  keyGrants(): KeyGrant[] {
    return [...this.invites.values()].filter((invite): invite is KeyGrant => invite.kind === 'key' && this.live(invite));
  }

  /** Forgets the invite; returns it (to end its sessions), or undefined if there was none. */
  revoke(inviteId: string): Invite | undefined {
    const invite = this.invites.get(inviteId);
    if (invite !== undefined) this.revoked.add(inviteId);
    this.invites.delete(inviteId);
    return invite;
  }

  /** wampcraAuth's lookup: the principal of a live join invite, or why there is none. */
  craPrincipal(authid: string): CraPrincipal | CraRefusal | undefined {
    if (!authid.startsWith(INVITE_AUTHID_PREFIX)) return undefined;
    const inviteId = authid.slice(INVITE_AUTHID_PREFIX.length);
    const invite = this.invites.get(inviteId);
    if (invite?.kind === 'join') return this.live(invite) ? { secret: invite.secret, role: Roles.compute } : { refused: 'invite expired' };
    return { refused: this.revoked.has(inviteId) ? 'invite revoked' : 'unknown invite' };
  }

  /** cryptosignAuth's lookup: the principal of a live key grant. */
  keyPrincipal(publicKey: string): { authid: string; role: string } | undefined {
    const grant = this.keyGrants().find((invite) => invite.publicKey === publicKey);
    return grant === undefined ? undefined : { authid: grant.authid, role: Roles.compute };
  }

  /** A session joined as `authid`: a key grant used is no longer subject to expiry. */
  markUsed(authid: string): void {
    for (const invite of this.invites.values()) if (invite.kind === 'key' && invite.authid === authid) invite.used = true;
  }

  private live(invite: Invite): boolean {
    return (invite.kind === 'key' && invite.used) || this.now() < invite.expiresAt;
  }
}

export function authidOf(invite: Invite): string {
  return invite.kind === 'join' ? `${INVITE_AUTHID_PREFIX}${invite.inviteId}` : invite.authid;
}

function newInviteId(): string {
  return randomBytes(9).toString('base64url');
}
