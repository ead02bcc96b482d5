/**
 * mDNS/DNS-SD for Kiln (bonjour-service): the control center advertises `_kiln._tcp`, workers that
 * offer their cores advertise `_kiln-worker._tcp` with their pairing endpoint's port, and the control
 * center browses for the latter. TXT records come from the network: they are validated, and a
 * record that does not fit is ignored rather than shown.
 */
import { Bonjour, type Service } from 'bonjour-service';
import type { LanMachine } from '../../shared/protocol/wire.ts';

export const CONTROL_SERVICE_TYPE = 'kiln';
export const WORKER_SERVICE_TYPE = 'kiln-worker';

/** A worker as its mDNS records describe it (its public key comes from its pairing endpoint). */
export type AdvertisedWorker = Omit<LanMachine, 'state' | 'inviteId' | 'authid'>;

export interface Advertisement {
  /** Sends the goodbye (TTL 0) records so browsers drop the service at once. */
  stop(): Promise<void>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const FINGERPRINT16 = /^[0-9a-f]{16}$/;

export class LanDiscovery {
  private readonly bonjour: Bonjour;

  constructor() {
    // mDNS errors (no multicast route, the port taken by a responder that does not share it) must
    // not take the process down: discovery is an extra, joining by link still works without it.
    this.bonjour = new Bonjour({}, (error: Error) => console.error(`mDNS: ${error.message}`));
  }

  /**
   * Publishes one service. `name` must be unique on the LAN (it is also the host name the service's
   * A records use, so that machines sharing a host name — containers, network namespaces — do not clash).
   */
  advertise(name: string, type: string, port: number, txt: Record<string, string>): Advertisement {
    if (!NAME.test(name)) throw new TypeError(`mDNS service name ${JSON.stringify(name)} is not a usable DNS label`);
    const service = this.bonjour.publish({ name, type, port, txt, host: `${name}.local`, disableIPv6: true });
    return {
      stop: () =>
        new Promise<void>((resolve) => {
          if (!service.published) {
            service.stop?.();
            resolve();
            return;
          }
          service.stop?.(() => resolve());
        }),
    };
  }

  /** Calls `onUp`/`onDown` as workers appear and say goodbye; returns the function that stops browsing. */
  watchWorkers(onUp: (worker: AdvertisedWorker) => void, onDown: (machineId: string) => void, refreshMs = 2000): () => void {
    const browser = this.bonjour.find({ type: WORKER_SERVICE_TYPE });
    browser.on('up', (service) => {
      const worker = parseWorkerService(service);
      if (worker !== null) onUp(worker);
    });
    browser.on('txt-update', (service) => {
      const worker = parseWorkerService(service);
      if (worker !== null) onUp(worker);
    });
    browser.on('down', (service) => onDown(service.name));
    // Re-ask now and then: a worker that started after us may have missed our first query's answer window.
    const timer = setInterval(() => browser.update(), refreshMs);
    timer.unref();
    return () => {
      clearInterval(timer);
      browser.stop();
    };
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.bonjour.destroy(() => resolve()));
  }
}

/** A worker's service, validated; null for anything that does not look like a Kiln worker. */
export function parseWorkerService(service: Service): AdvertisedWorker | null {
  const txt = (service.txt ?? {}) as Record<string, unknown>;
  const text = (key: string): string | undefined => {
    const value = txt[key];
    const decoded = Buffer.isBuffer(value) ? value.toString('utf8') : value;
    return typeof decoded === 'string' && decoded.length <= 253 && !/[\u0000-\u001f]/.test(decoded) ? decoded : undefined;
  };
  const cores = Number(text('cores'));
  const host = text('host');
  const version = text('version');
  const keyFingerprint = text('key');
  // The packet's source is where the worker really is; its A records may list every interface it has.
  const address = service.referer?.address ?? service.addresses?.find((candidate) => !candidate.includes(':'));
  if (
    !NAME.test(service.name) ||
    host === undefined ||
    version === undefined ||
    keyFingerprint === undefined ||
    !FINGERPRINT16.test(keyFingerprint) ||
    // The name is derived from the key (offer.ts), so another host cannot take over a listed machine's row.
    service.name !== `kiln-worker-${keyFingerprint.slice(0, 12)}` ||
    !Number.isInteger(cores) ||
    cores < 1 ||
    cores > 4096 ||
    !Number.isInteger(service.port) ||
    service.port < 1 ||
    service.port > 65535 ||
    address === undefined
  ) {
    return null;
  }
  return { machineId: service.name, host, address, port: service.port, cores, version, keyFingerprint };
}
