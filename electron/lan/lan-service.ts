/**
 * The control center's LAN service, a WAMP component on a controller session: it keeps the list of
 * workers discovered over mDNS (checked against their pairing endpoints), publishes it on
 * kiln.lan.machines, and registers kiln.lan.list / invite / createInvite / revokeInvite.
 */
import { Errors, Procedures, ProtocolError, REALM, Topics } from '../../shared/protocol/uris.ts';
import type { CreatedInvite, JoinLinkSummary, LanInvitation, LanMachine, LanStatus, RevokedInvite } from '../../shared/protocol/wire.ts';
import type { ErrorFactory, WampRegistration, WampSession } from '../../shared/wamp.ts';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { ControlCenterKey } from './control-center-key.ts';
import type { AdvertisedWorker, LanDiscovery } from './discovery.ts';
import { DEFAULT_INVITE_TTL_MS, MAX_INVITE_TTL_MS, authidOf, type InviteStore } from './invites.ts';
import { formatJoinLink } from './join-link.ts';
import { keyFingerprint } from './keys.ts';
import { CODE, HEX32, agreedSecret, codeProof, pairingCode, rawPublicKey, sha256Hex, signHex } from './pairing-crypto.ts';
import { proveWorker, sendInvitation, sendReveal } from './pairing-client.ts';
import { invitationBytes, type Invitation } from './pairing.ts';

/** How long a discovered worker has to join after accepting an invitation. */
const KEY_GRANT_TTL_MS = 10 * 60_000;
/** How often discovered workers' pairing endpoints are checked (a crashed worker sends no mDNS goodbye). */
const HEALTH_CHECK_MS = 3000;

export interface LanServiceOptions {
  session: WampSession;
  makeError: ErrorFactory;
  store: InviteStore;
  /** null: no mDNS (loopback-only serve); join links still work. */
  discovery: LanDiscovery | null;
  /** Signs every invitation; workers show its fingerprint and pin it. */
  controlCenterKey: ControlCenterKey;
  /** This machine's name, in invitations (a worker pins the key under it). */
  controlCenterName: string;
  /** Off loopback without TLS (--insecure). */
  insecure: boolean;
  /** Warnings worth an operator's eye: a machine answering for a listed worker without its key. */
  log: (message: string) => void;
  /** Router URLs a worker on the LAN can reach, tried in order. */
  routerUrls: string[];
  /** http(s)://HOST:PORT of the control center, for join links. */
  baseUrl: string;
  tlsFingerprint?: string;
}

interface Discovered {
  worker: AdvertisedWorker;
  publicKey: string;
  agreementKey: string;
}

export class LanService {
  private readonly discovered = new Map<string, Discovered>();
  /** Last known description of every machine ever invited, so paired ones stay listed after their mDNS goodbye. */
  private readonly invited = new Map<string, AdvertisedWorker>();
  private readonly registrations: WampRegistration[] = [];
  /** `machineId address:port` pairs already reported as failing their proof (one warning each, whatever the flood). */
  private readonly reportedImpostors = new Set<string>();
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
      [Procedures.lanStatus]: () => this.status(),
    };
    for (const [uri, endpoint] of Object.entries(procedures)) {
      this.registrations.push(await session.register(uri, (_args, kwargs) => this.guard(() => endpoint(kwargs ?? {}))));
    }
    const { discovery } = this.options;
    if (discovery !== null) {
      this.stopBrowsing = discovery.watchWorkers(
        (worker) => void this.onUp(worker),
        (machineId) => void this.onDown(machineId),
      );
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
      list.push(
        grant === undefined
          ? { ...worker, state: 'available' }
          : { ...worker, state: grant.used ? 'paired' : 'invited', inviteId: grant.inviteId, authid: grant.authid },
      );
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

  /**
   * An mDNS record for a worker: its row is set (or moved to a new address) only once the machine at
   * that address proves it holds the key. A record from another address for a listed name is another
   * machine until it does, so a copied name or key cannot take the row over.
   */
  private async onUp(worker: AdvertisedWorker): Promise<void> {
    const listed = this.discovered.get(worker.machineId);
    if (listed !== undefined && listed.worker.address === worker.address && listed.worker.port === worker.port) return;
    try {
      const info = await proveWorker(worker.address, worker.port);
      // The record and the proven key must agree, and a listed name keeps the key it was first proven with.
      if (keyFingerprint(info.publicKey) !== worker.keyFingerprint) return;
      const current = this.discovered.get(worker.machineId);
      if (current !== undefined && current.publicKey !== info.publicKey) return;
      this.discovered.set(worker.machineId, { worker, publicKey: info.publicKey, agreementKey: info.agreementKey });
      this.publish();
    } catch (error) {
      // Not reachable (yet), or not the key's holder: the next mDNS answer tries again.
      const where = `${worker.address}:${worker.port}`;
      const current = this.discovered.get(worker.machineId);
      if (current === undefined || this.reportedImpostors.has(`${worker.machineId} ${where}`) || this.reportedImpostors.size > 1000) return;
      this.reportedImpostors.add(`${worker.machineId} ${where}`);
      this.options.log(
        `${where} advertises ${worker.machineId}, listed at ${current.worker.address}:${current.worker.port}, but did not prove its key (${(error as Error).message}); the row stays`,
      );
    }
  }

  /** A goodbye is believed only when the listed address no longer proves the key (anyone can send one). */
  private async onDown(machineId: string): Promise<void> {
    const listed = this.discovered.get(machineId);
    if (listed === undefined || (await this.stillThere(listed))) return;
    if (this.discovered.get(machineId) === listed && this.discovered.delete(machineId)) this.publish();
  }

  private async stillThere({ worker, publicKey }: Discovered): Promise<boolean> {
    try {
      return (await proveWorker(worker.address, worker.port)).publicKey === publicKey;
    } catch {
      return false;
    }
  }

  /** Every listed worker proves its key again, with a fresh nonce (a crashed worker sends no goodbye). */
  private async checkHealth(): Promise<void> {
    await Promise.all(
      [...this.discovered.values()].map(async (listed) => {
        if (await this.stillThere(listed)) return;
        if (this.discovered.get(listed.worker.machineId) === listed && this.discovered.delete(listed.worker.machineId)) this.publish();
      }),
    );
  }

  /**
   * Invites a listed worker: authorizes its key, sends it a signed invitation and, unless the user gave
   * the worker's unattended code, reveals the nonce it committed to; both ends then show the code.
   */
  private async invite(kwargs: Record<string, unknown>): Promise<LanInvitation> {
    const { machineId, code } = kwargs;
    if (typeof machineId !== 'string') throw new ProtocolError(Errors.invalidArgument, 'kiln.lan.invite: expected { machineId, code? }');
    if (code !== undefined && (typeof code !== 'string' || !CODE.test(code)))
      throw new ProtocolError(Errors.invalidArgument, 'kiln.lan.invite: code must be the 6 digits the unattended worker was started with');
    const found = this.discovered.get(machineId);
    if (found === undefined) throw new ProtocolError(Errors.noSuchMachine, `no machine ${JSON.stringify(machineId)} is waiting on the LAN`);
    const { worker, publicKey } = found;
    const { store, routerUrls, tlsFingerprint, controlCenterKey, controlCenterName } = this.options;
    const grant = store.grantKey({
      publicKey,
      authid: `worker:${worker.host.replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 63)}-${publicKey.slice(0, 8)}`,
      machineId,
      expiresAt: Date.now() + KEY_GRANT_TTL_MS,
    });
    this.invited.set(machineId, worker);
    const nonce = randomBytes(32).toString('hex');
    const oneTime = code === undefined ? null : generateKeyPairSync('x25519');
    const body: Omit<Invitation, 'signature' | 'codeProof'> = {
      inviteId: grant.inviteId,
      routerUrls,
      realm: REALM,
      authid: grant.authid,
      controlCenterName,
      controlCenterKey: controlCenterKey.publicKey,
      ...(tlsFingerprint === undefined ? {} : { tlsFingerprint }),
      workerKey: publicKey,
      nonceCommitment: sha256Hex(nonce),
      ...(oneTime === null ? {} : { agreementKey: rawPublicKey(oneTime.publicKey) }),
      expiresAt: grant.expiresAt,
    };
    const bytes = invitationBytes(body);
    const invitation: Invitation = { ...body, signature: signHex(controlCenterKey.privateKey, bytes) };
    if (oneTime !== null) invitation.codeProof = codeProof(agreedSecret(oneTime.privateKey, found.agreementKey), code as string, bytes);
    let shown: string;
    try {
      const answer = await sendInvitation(worker.address, worker.port, invitation);
      if (oneTime !== null) {
        if (answer.status !== 'accepted') throw new Error(`the worker answered ${JSON.stringify(answer.status)} to an invitation with its code`);
        shown = code as string;
      } else {
        if (answer.status !== 'awaiting-reveal' || !HEX32.test(answer.workerNonce ?? '')) throw new Error("the worker's answer has no nonce");
        await sendReveal(worker.address, worker.port, grant.inviteId, nonce);
        shown = pairingCode(bytes, publicKey, nonce, answer.workerNonce);
      }
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
      code: shown,
      confirmation: oneTime === null ? 'compare' : 'accepted',
      expiresAt: grant.expiresAt,
    };
  }

  private status(): LanStatus {
    const { controlCenterName, controlCenterKey, tlsFingerprint, insecure } = this.options;
    const status: LanStatus = { controlCenterName, keyFingerprint: controlCenterKey.fingerprint, insecure };
    return tlsFingerprint === undefined ? status : { ...status, tlsFingerprint };
  }

  private joinLinks(): JoinLinkSummary[] {
    return this.options.store
      .liveJoinInvites()
      .map(({ inviteId, label, expiresAt }) => (label === undefined ? { inviteId, expiresAt } : { inviteId, label, expiresAt }));
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
    const created: CreatedInvite = {
      inviteId: invite.inviteId,
      secret: invite.secret,
      expiresAt: invite.expiresAt,
      link,
      command: `KILN_JOIN='${link}' kiln worker --join env`,
    };
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
