/**
 * `kiln worker` with no router: offers this machine's cores on the LAN. It makes an Ed25519 key,
 * serves its pairing endpoint, advertises `_kiln-worker._tcp` over mDNS, and waits. An invitation
 * is accepted when the user confirms its code (or it equals --accept-code); the worker then stops
 * advertising and joins the router with WAMP-Cryptosign. When that connection ends for good (its
 * key revoked, the control center gone for good), it goes back to offering.
 */
import { cpus, hostname } from 'node:os';
import { startWorker, type RunningWorker } from '../compute/worker.ts';
import { VERSION } from '../version.ts';
import { confirmationCode } from './confirmation-code.ts';
import { LanDiscovery, WORKER_SERVICE_TYPE, type Advertisement } from './discovery.ts';
import { generateWorkerKey, keyFingerprint } from './keys.ts';
import { startPairingEndpoint, type Decision, type PairingEndpoint } from './pairing-endpoint.ts';
import type { Invitation } from './pairing.ts';

export interface OfferOptions {
  threads: number;
  workerId?: string;
  /** Accept an invitation without asking when its code equals this one (unattended use). */
  acceptCode?: string;
  /** Asks the user whether `code` is the one the control center shows; absent with acceptCode. */
  confirm?: (code: string) => Promise<boolean>;
  pairingHost?: string;
  pairingPort?: number;
  log: (message: string) => void;
}

export interface Offer {
  machineId: string;
  pairingPort: number;
  close(): Promise<void>;
}

export async function offerMachine(options: OfferOptions): Promise<Offer> {
  const key = generateWorkerKey();
  const fingerprint = keyFingerprint(key.publicKey);
  const machineId = `kiln-worker-${fingerprint.slice(0, 12)}`;
  const discovery = new LanDiscovery();
  let advertisement: Advertisement | null = null;
  let worker: RunningWorker | null = null;
  let closing = false;

  const advertise = (): void => {
    advertisement = discovery.advertise(machineId, WORKER_SERVICE_TYPE, endpoint.port, {
      host: hostname(),
      cores: String(cpus().length),
      version: VERSION,
      key: fingerprint,
    });
    options.log(`offering ${options.threads} threads on the LAN as ${machineId} (key ${fingerprint}); waiting for an invitation`);
  };

  const join = async (invitation: Invitation): Promise<void> => {
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
    endpoint.reopen();
    advertise();
  };

  const decide = (invitation: Invitation): Decision => {
    // With TLS the control center's id is its certificate's fingerprint, and the code binds the id:
    // a pin that differs from it was put there by someone else, whatever the codes say.
    if (invitation.tlsFingerprint !== undefined && invitation.tlsFingerprint !== invitation.controlCenterId) {
      options.log(`refused invitation ${invitation.inviteId}: it pins a certificate that is not the inviting control center's`);
      return 'refused';
    }
    const code = confirmationCode(key.publicKey, invitation.controlCenterId, invitation.inviteId);
    if (options.acceptCode !== undefined) {
      if (code !== options.acceptCode) {
        options.log(`refused invitation ${invitation.inviteId}: its code ${code} is not the --accept-code given`);
        return 'refused';
      }
      void join(invitation);
      return 'accepted';
    }
    void (async () => {
      const confirmed = (await options.confirm?.(code)) ?? false;
      if (confirmed && Date.now() < invitation.expiresAt) await join(invitation);
      else {
        options.log(`invitation ${invitation.inviteId} declined`);
        endpoint.reopen();
      }
    })();
    return 'awaiting-confirmation';
  };

  let endpoint: PairingEndpoint;
  try {
    endpoint = await startPairingEndpoint({
      host: options.pairingHost ?? '0.0.0.0',
      port: options.pairingPort ?? 0,
      info: { kind: 'kiln-worker', host: hostname(), cores: cpus().length, version: VERSION, publicKey: key.publicKey },
      decide,
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
      await worker?.close();
      await advertisement?.stop();
      await endpoint.close();
      await discovery.close();
    },
  };
}
