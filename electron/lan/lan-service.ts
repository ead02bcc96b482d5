/**
 * The control center's LAN service, a WAMP component on a controller session: it keeps the list of
 * workers discovered over mDNS (checked against their pairing endpoints), publishes it on
 * kiln.lan.machines, and registers kiln.lan.list / invite / createInvite / revokeInvite.
 */
import { Errors, Procedures, ProtocolError, REALM, Topics } from '../../shared/protocol.ts';
import type { CreatedInvite, JoinLinkSummary, LanInvitation, LanMachine, RevokedInvite } from '../../shared/protocol.ts';
import type { ErrorFactory, WampRegistration, WampSession } from '../../shared/wamp.ts';
import { confirmationCode } from './confirmation-code.ts';
import type { AdvertisedWorker, LanDiscovery } from './discovery.ts';
import { DEFAULT_INVITE_TTL_MS, MAX_INVITE_TTL_MS, authidOf, type InviteStore } from './invites.ts';
import { formatJoinLink } from './join-link.ts';
import { keyFingerprint } from './keys.ts';
import { fetchPairingInfo, sendInvitation } from './pairing-client.ts';

/** How long a discovered worker has to join after accepting an invitation. */
export const KEY_GRANT_TTL_MS = 10 * 60_000;
/** How often discovered workers' pairing endpoints are checked (a crashed worker sends no mDNS goodbye). */
const HEALTH_CHECK_MS = 3000;

export interface LanServiceOptions {
  session: WampSession;
  makeError: ErrorFactory;
  store: InviteStore;
  /** null: no mDNS (loopback-only serve); join links still work. */
  discovery: LanDiscovery | null;
  /** Put in invitations and in the confirmation code: the TLS fingerprint with wss, else a launch id. */
  controlCenterId: string;
  /** Router URLs a worker on the LAN can reach, tried in order. */
  routerUrls: string[];
  /** http(s)://HOST:PORT of the control center, for join links. */
  baseUrl: string;
  tlsFingerprint?: string;
}

interface Discovered {
  worker: AdvertisedWorker;
  publicKey: string;
}

export class LanService {
  private readonly discovered = new Map<string, Discovered>();
  /** Last known description of every machine ever invited, so paired ones stay listed after their mDNS goodbye. */
  private readonly invited = new Map<string, AdvertisedWorker>();
  private readonly registrations: WampRegistration[] = [];
  private stopBrowsing: (() => void) | null = null;
  private healthTimer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly options: LanServiceOptions) {}

  async start(): Promise<void> {
    const { session } = this.options;
    const procedures: Record<string, (kwargs: Record<string, unknown>) => unknown> = {
      [Procedures.lanList]: () => this.machines(),
      [Procedures.lanInvite]: (kwargs) => this.invite(kwargs),
      [Procedures.lanCreateInvite]: (kwargs) => this.createInvite(kwargs),
      [Procedures.lanRevokeInvite]: (kwargs) => this.revokeInvite(kwargs),
      [Procedures.lanInvites]: () => this.joinLinks(),
    };
    for (const [uri, endpoint] of Object.entries(procedures)) {
      this.registrations.push(await session.register(uri, (_args, kwargs) => this.guard(() => endpoint(kwargs ?? {}))));
    }
    const { discovery } = this.options;
    if (discovery !== null) {
      this.stopBrowsing = discovery.watchWorkers((worker) => void this.onUp(worker), (machineId) => this.onDown(machineId));
      this.healthTimer = setInterval(() => void this.checkHealth(), HEALTH_CHECK_MS);
      this.healthTimer.unref();
    }
  }

  /** A session joined the realm: a worker's key grant used for the first time becomes "paired". */
  sessionJoined(authid: string): void {
    this.options.store.markUsed(authid);
    this.publish();
  }

  machines(): LanMachine[] {
    const grants = this.options.store.keyGrants();
    const list: LanMachine[] = [];
    for (const { worker, publicKey } of this.discovered.values()) {
      const grant = grants.find((candidate) => candidate.publicKey === publicKey);
      list.push(grant === undefined
        ? { ...worker, state: 'available' }
        : { ...worker, state: grant.used ? 'paired' : 'invited', inviteId: grant.inviteId, authid: grant.authid });
    }
    for (const grant of grants) {
      const worker = this.invited.get(grant.machineId);
      if (grant.used && worker !== undefined && !this.discovered.has(grant.machineId)) {
        list.push({ ...worker, state: 'paired', inviteId: grant.inviteId, authid: grant.authid });
      }
    }
    return list.sort((a, b) => a.host.localeCompare(b.host) || a.machineId.localeCompare(b.machineId));
  }

  async close(): Promise<void> {
    this.stopBrowsing?.();
    if (this.healthTimer) clearInterval(this.healthTimer);
    const { session } = this.options;
    if (session.isOpen) await Promise.all(this.registrations.map((r) => session.unregister(r).catch(() => undefined)));
  }

  private async onUp(worker: AdvertisedWorker): Promise<void> {
    try {
      const info = await fetchPairingInfo(worker.address, worker.port);
      // The record and the endpoint must describe the same key, or someone is answering for another machine.
      if (keyFingerprint(info.publicKey) !== worker.keyFingerprint) return;
      this.discovered.set(worker.machineId, { worker, publicKey: info.publicKey });
      this.publish();
    } catch {
      // Not reachable (yet): the next mDNS answer tries again.
    }
  }

  private onDown(machineId: string): void {
    if (this.discovered.delete(machineId)) this.publish();
  }

  private async checkHealth(): Promise<void> {
    await Promise.all([...this.discovered.values()].map(async ({ worker }) => {
      try {
        await fetchPairingInfo(worker.address, worker.port);
      } catch {
        this.onDown(worker.machineId);
      }
    }));
  }

  private async invite(kwargs: Record<string, unknown>): Promise<LanInvitation> {
    const { machineId } = kwargs;
    if (typeof machineId !== 'string') throw new ProtocolError(Errors.invalidArgument, 'kiln.lan.invite: expected { machineId }');
    const found = this.discovered.get(machineId);
    if (found === undefined) throw new ProtocolError(Errors.noSuchMachine, `no machine ${JSON.stringify(machineId)} is waiting on the LAN`);
    const { worker, publicKey } = found;
    const { store, controlCenterId, routerUrls, tlsFingerprint } = this.options;
    const grant = store.grantKey({
      publicKey,
      authid: `worker:${worker.host.replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 63)}-${publicKey.slice(0, 8)}`,
      machineId,
      expiresAt: Date.now() + KEY_GRANT_TTL_MS,
    });
    this.invited.set(machineId, worker);
    try {
      await sendInvitation(worker.address, worker.port, {
        inviteId: grant.inviteId,
        routerUrls,
        realm: REALM,
        authid: grant.authid,
        controlCenterId,
        ...(tlsFingerprint === undefined ? {} : { tlsFingerprint }),
        expiresAt: grant.expiresAt,
      });
    } catch (error) {
      // Only this attempt's grant: an earlier invitation the worker is still confirming keeps its own.
      store.revoke(grant.inviteId);
      throw new ProtocolError(Errors.pairingFailed, (error as Error).message);
    }
    store.supersedeKeyGrants(grant);
    this.publish();
    return {
      inviteId: grant.inviteId,
      machineId,
      authid: grant.authid,
      code: confirmationCode(publicKey, controlCenterId, grant.inviteId),
      expiresAt: grant.expiresAt,
    };
  }

  private joinLinks(): JoinLinkSummary[] {
    return this.options.store.liveJoinInvites().map(({ inviteId, label, expiresAt }) => (label === undefined ? { inviteId, expiresAt } : { inviteId, label, expiresAt }));
  }

  private createInvite(kwargs: Record<string, unknown>): CreatedInvite {
    const { label, ttlMs = DEFAULT_INVITE_TTL_MS } = kwargs;
    if (label !== undefined && (typeof label !== 'string' || label.length > 100)) {
      throw new ProtocolError(Errors.invalidArgument, 'kiln.lan.createInvite: label must be a string of at most 100 characters');
    }
    if (!Number.isInteger(ttlMs) || (ttlMs as number) < 1000 || (ttlMs as number) > MAX_INVITE_TTL_MS) {
      throw new ProtocolError(Errors.invalidArgument, `kiln.lan.createInvite: ttlMs must be an integer from 1000 to ${MAX_INVITE_TTL_MS}`);
    }
    const invite = this.options.store.createJoinInvite(label, ttlMs as number);
    const link = formatJoinLink(this.options.baseUrl, invite.inviteId, invite.secret, this.options.tlsFingerprint);
    const created: CreatedInvite = { inviteId: invite.inviteId, secret: invite.secret, expiresAt: invite.expiresAt, link, command: `kiln worker --join '${link}'` };
    return this.options.tlsFingerprint === undefined ? created : { ...created, tlsFingerprint: this.options.tlsFingerprint };
  }

  private async revokeInvite(kwargs: Record<string, unknown>): Promise<RevokedInvite> {
    const { inviteId } = kwargs;
    if (typeof inviteId !== 'string') throw new ProtocolError(Errors.invalidArgument, 'kiln.lan.revokeInvite: expected { inviteId }');
    const invite = this.options.store.revoke(inviteId);
    if (invite === undefined) throw new ProtocolError(Errors.noSuchInvite, `no invite ${JSON.stringify(inviteId)}`);
    // The router refuses the credentials from now on; this ends the sessions already using them.
    const killed = await this.options.session.call<number[]>('wamp.session.kill_by_authid', [authidOf(invite)], {
      reason: 'wamp.close.killed',
      message: 'invite revoked',
    });
    this.publish();
    return { inviteId, sessionsKilled: Array.isArray(killed) ? killed.length : 0 };
  }

  private publish(): void {
    const { session } = this.options;
    if (session.isOpen) void session.publish(Topics.lanMachines, [this.machines()], {}, { acknowledge: true })?.catch(() => undefined);
  }

  private async guard(endpoint: () => unknown): Promise<unknown> {
    try {
      return await endpoint();
    } catch (error) {
      if (error instanceof ProtocolError) throw this.options.makeError(error.uri, error.message);
      throw this.options.makeError('kiln.error.internal', error instanceof Error ? error.message : String(error));
    }
  }
}
