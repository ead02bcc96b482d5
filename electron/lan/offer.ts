/**
 * `kiln worker` with no router: offers this machine's cores on the LAN. It makes its keys, serves its
 * pairing endpoint, advertises `_kiln-worker._tcp` over mDNS, and waits for a signed invitation.
 * Interactive: the control center reveals its nonce, both ends show the code, the user confirms it.
 * Unattended (acceptCode): an invitation proving that code is accepted at once. Wrong codes and
 * declined ones count towards a lockout; a control center whose name is known with another key is
 * refused. Once joined (WAMP-Cryptosign) the worker stops advertising; when that connection ends for
 * good (key revoked, control center gone for good), it offers itself again.
 */
import { randomBytes } from 'node:crypto';
import { cpus, hostname } from 'node:os';
import { startWorker, type RunningWorker } from '../compute/worker.ts';
import { VERSION } from '../version.ts';
import { AttemptLimiter, type LimiterOptions } from './attempt-limiter.ts';
import { controlCenterKeyFingerprint } from './control-center-key.ts';
import { LanDiscovery, WORKER_SERVICE_TYPE, type Advertisement } from './discovery.ts';
import { generateWorkerKey, keyFingerprint } from './keys.ts';
import { KnownControlCenters, type Acquaintance } from './known-control-centers.ts';
import { agreedSecret, codeProof, pairingCode, sameHex } from './pairing-crypto.ts';
import { startPairingEndpoint, type Answer, type PairingEndpoint } from './pairing-endpoint.ts';
import { opensCommitment, type Invitation } from './pairing.ts';

/** Invitations waiting for their reveal or the user's answer at once; more are answered 409. */
const MAX_PENDING = 4;
/** How long an invitation waits for the control center's reveal. */
const REVEAL_TIMEOUT_MS = 15_000;

export interface PairingPrompt {
  code: string;
  controlCenterName: string;
  /** SHA-256 of the control center's key, hex. */
  controlCenterKey: string;
  acquaintance: Acquaintance;
}

export interface OfferOptions {
  threads: number;
  workerId?: string;
  /** Unattended: accept an invitation that proves this code, without asking. */
  acceptCode?: string;
  /** Asks the user whether `prompt.code` is the one the control center shows; absent with acceptCode. */
  confirm?: (prompt: PairingPrompt) => Promise<boolean>;
  /** Where known_control_centers lives. */
  stateDir: string;
  pairingHost?: string;
  pairingPort?: number;
  limits?: LimiterOptions;
  log: (message: string) => void;
}

export interface Offer {
  machineId: string;
  pairingPort: number;
  close(): Promise<void>;
}

interface Pending {
  invitation: Invitation;
  bytes: string;
  workerNonce: string;
  revealed: boolean;
  timer: ReturnType<typeof setTimeout>;
}

export async function offerMachine(options: OfferOptions): Promise<Offer> {
  const key = generateWorkerKey();
  const fingerprint = keyFingerprint(key.publicKey);
  const machineId = `kiln-worker-${fingerprint.slice(0, 12)}`;
  const known = new KnownControlCenters(options.stateDir);
  const limiter = new AttemptLimiter(options.limits);
  const pending = new Map<string, Pending>();
  const discovery = new LanDiscovery();
  let advertisement: Advertisement | null = null;
  let worker: RunningWorker | null = null;
  let closing = false;
  /** The user answers one prompt at a time. */
  let prompts: Promise<void> = Promise.resolve();

  const advertise = (): void => {
    advertisement = discovery.advertise(machineId, WORKER_SERVICE_TYPE, endpoint.port, {
      host: hostname(),
      cores: String(cpus().length),
      version: VERSION,
      key: fingerprint,
    });
    options.log(`offering ${options.threads} threads on the LAN as ${machineId} (key ${fingerprint}); waiting for an invitation`);
  };

  const forget = (inviteId: string): void => {
    const entry = pending.get(inviteId);
    if (entry !== undefined) clearTimeout(entry.timer);
    pending.delete(inviteId);
  };

  const join = async (invitation: Invitation): Promise<void> => {
    for (const inviteId of [...pending.keys()]) forget(inviteId);
    limiter.succeeded();
    try {
      known.pin(invitation.controlCenterName, invitation.controlCenterKey);
    } catch (error) {
      // Pairing goes ahead; only the next pairing will not know this control center.
      options.log(`could not remember the control center's key in ${known.path}: ${(error as Error).message}`);
    }
    await advertisement?.stop();
    advertisement = null;
    if (closing) return;
    const pin = invitation.tlsFingerprint === undefined ? '' : ` (certificate sha256 ${invitation.tlsFingerprint})`;
    options.log(`invitation ${invitation.inviteId} accepted: joining ${invitation.routerUrls[0]} as ${invitation.authid}${pin}`);
    worker = startWorker({
      url: invitation.routerUrls[0],
      realm: invitation.realm,
      credentials: { method: 'cryptosign', authid: invitation.authid, publicKey: key.publicKey, privateKey: key.privateKey },
      tlsFingerprint: invitation.tlsFingerprint,
      threads: options.threads,
      workerId: options.workerId,
      log: options.log,
      onEnded: (reason) => void backToOffering(reason),
    });
  };

  const backToOffering = async (reason: string): Promise<void> => {
    const ended = worker;
    worker = null;
    await ended?.close();
    if (closing) return;
    options.log(`left the control center (${reason})`);
    advertise();
  };

  /** One log line per refused attempt, and the answer the control center gets. */
  const refuse = (invitation: Invitation, status: number, why: string): Answer => {
    options.log(`refused invitation ${invitation.inviteId} from ${JSON.stringify(invitation.controlCenterName)}: ${why}`);
    return { status, body: { error: why } };
  };

  const failure = (invitation: Invitation, why: string): Answer => {
    const left = limiter.failed();
    const outcome = left > 0 ? `${left} more before a lockout` : `locked out for ${Math.ceil(limiter.lockedForMs() / 1000)} s`;
    return refuse(invitation, 403, `${why} (${outcome})`);
  };

  const onInvitation = (invitation: Invitation, bytes: string): Answer => {
    if (worker !== null || closing) return refuse(invitation, 409, 'this worker has already joined a control center');
    const locked = limiter.lockedForMs();
    if (locked > 0) return refuse(invitation, 429, `too many failed pairing attempts: locked out for ${Math.ceil(locked / 1000)} more s`);
    const acquaintance = known.check(invitation.controlCenterName, invitation.controlCenterKey);
    if (acquaintance.state === 'changed') {
      options.log(
        `WARNING: control center ${JSON.stringify(invitation.controlCenterName)} now signs with key ${controlCenterKeyFingerprint(invitation.controlCenterKey)}, ` +
          `not the one this worker paired with (${controlCenterKeyFingerprint(acquaintance.pinnedKey)}). Someone may be impersonating it. ` +
          `If its state directory was reset on purpose, delete line ${acquaintance.line} of ${known.path}.`,
      );
      return refuse(invitation, 403, 'this worker knows a control center of that name by another key');
    }
    if (options.acceptCode !== undefined) {
      if (invitation.codeProof === undefined || invitation.agreementKey === undefined) {
        return refuse(invitation, 403, 'this worker is unattended: it accepts only invitations made with its pairing code');
      }
      const expected = codeProof(agreedSecret(key.agreementPrivateKey, invitation.agreementKey), options.acceptCode, bytes);
      if (!sameHex(expected, invitation.codeProof)) return failure(invitation, 'wrong pairing code');
      void join(invitation);
      return { status: 202, body: { status: 'accepted' } };
    }
    if (pending.size >= MAX_PENDING) return refuse(invitation, 409, 'this worker is answering other invitations');
    if (pending.has(invitation.inviteId)) return refuse(invitation, 409, 'this invitation was already received');
    const workerNonce = randomBytes(32).toString('hex');
    const timer = setTimeout(() => forget(invitation.inviteId), REVEAL_TIMEOUT_MS);
    timer.unref();
    pending.set(invitation.inviteId, { invitation, bytes, workerNonce, revealed: false, timer });
    return { status: 202, body: { status: 'awaiting-reveal', workerNonce } };
  };

  const onReveal = (inviteId: string, nonce: string): Answer => {
    const entry = pending.get(inviteId);
    if (entry === undefined || entry.revealed) return { status: 404, body: { error: 'no invitation with that id is waiting for its reveal' } };
    const { invitation } = entry;
    if (!opensCommitment(nonce, invitation.nonceCommitment)) {
      forget(inviteId);
      return refuse(invitation, 403, 'the revealed nonce is not the one the invitation committed to');
    }
    entry.revealed = true;
    clearTimeout(entry.timer);
    const code = pairingCode(entry.bytes, key.publicKey, nonce, entry.workerNonce);
    const prompt: PairingPrompt = {
      code,
      controlCenterName: invitation.controlCenterName,
      controlCenterKey: controlCenterKeyFingerprint(invitation.controlCenterKey),
      acquaintance: known.check(invitation.controlCenterName, invitation.controlCenterKey),
    };
    prompts = prompts.then(async () => {
      if (worker !== null || closing || !pending.has(inviteId)) return;
      const confirmed = (await options.confirm?.(prompt)) ?? false;
      if (!pending.has(inviteId)) return;
      forget(inviteId);
      if (!confirmed) failure(invitation, 'the code was not confirmed');
      else if (Date.now() >= invitation.expiresAt) refuse(invitation, 410, 'it expired before it was confirmed');
      else if (worker === null) await join(invitation);
    });
    return { status: 202, body: { status: 'awaiting-confirmation' } };
  };

  let endpoint: PairingEndpoint;
  try {
    endpoint = await startPairingEndpoint({
      host: options.pairingHost ?? '0.0.0.0',
      port: options.pairingPort ?? 0,
      key,
      info: { kind: 'kiln-worker', host: hostname(), cores: cpus().length, version: VERSION },
      onInvitation,
      onReveal,
    });
  } catch (error) {
    // A busy port, say: nothing was offered, so release the mDNS sockets and let the caller report it.
    await discovery.close();
    throw error;
  }
  advertise();

  return {
    machineId,
    pairingPort: endpoint.port,
    close: async () => {
      closing = true;
      for (const inviteId of [...pending.keys()]) forget(inviteId);
      await worker?.close();
      await advertisement?.stop();
      await endpoint.close();
      await discovery.close();
    },
  };
}
