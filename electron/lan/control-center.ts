/**
 * The control center's LAN side, as startKiln wires it: the invite store behind two extra auth
 * methods on the Kiln realm (WAMP-CRA for join links, WAMP-Cryptosign for invited workers), the
 * `_kiln._tcp` advertisement, and the LAN service on a controller session.
 */
import { randomBytes } from 'node:crypto';
import { hostname, networkInterfaces } from 'node:os';
import type { ErrorFactory, WampSession } from '../../shared/wamp.ts';
import { cryptosignAuth } from '../router/auth/cryptosign.ts';
import { wampcraAuth } from '../router/auth/wampcra.ts';
import type { Router } from '../router/router.ts';
import type { AuthMethod } from '../router/types.ts';
import { VERSION } from '../version.ts';
import { ephemeralControlCenterKey, type ControlCenterKey } from './control-center-key.ts';
import { CONTROL_SERVICE_TYPE, LanDiscovery, type Advertisement } from './discovery.ts';
import { InviteStore } from './invites.ts';
import { LanService } from './lan-service.ts';

export interface LanStartOptions {
  router: Router;
  /** A controller session (the orchestrator's) for kiln.lan.* and wamp.session.kill_by_authid. */
  session: WampSession;
  makeError: ErrorFactory;
  /** The address the HTTP/WebSocket server listens on, and its port. */
  host: string;
  port: number;
  /** Advertise and browse over mDNS. */
  discover: boolean;
  /** The server's certificate fingerprint when it serves HTTPS/wss (startKiln's tls). */
  tlsFingerprint?: string;
  /** Listening beyond loopback without TLS (--insecure): kiln.lan.status says so, for the UI's warning. */
  insecure: boolean;
  log: (message: string) => void;
}

export class ControlCenterLan {
  readonly store = new InviteStore();
  /**
   * Who this control center is, in confirmation codes and mDNS: its certificate's fingerprint with
   * TLS (so the code a user compares also binds the certificate), else random per launch.
   */
  readonly id: string;
  /** Signs invitations: the state directory's long-lived key, or one for this launch. */
  readonly key: ControlCenterKey;
  private discovery: LanDiscovery | null = null;
  private advertisement: Advertisement | null = null;
  private service: LanService | null = null;
  private stopJoinEvents: (() => void) | null = null;

  constructor(tlsFingerprint?: string, key: ControlCenterKey = ephemeralControlCenterKey()) {
    this.id = tlsFingerprint ?? randomBytes(8).toString('hex');
    this.key = key;
  }

  /** The mDNS service's name; its A record's host name is this plus `.local`. */
  get mdnsName(): string {
    return `kiln-control-${this.id.slice(0, 8)}`;
  }

  get mdnsHostName(): string {
    return `${this.mdnsName}.local`;
  }

  /** The realm's extra auth methods; the store is asked at every HELLO. */
  authMethods(): AuthMethod[] {
    return [
      wampcraAuth({ principals: {}, lookup: (authid) => this.store.craPrincipal(authid) }),
      cryptosignAuth({ principals: {}, lookup: (pubkey) => this.store.keyPrincipal(pubkey) }),
    ];
  }

  async start(options: LanStartOptions): Promise<void> {
    const addresses = reachableAddresses(options.host);
    const format = (address: string): string => (address.includes(':') ? `[${address}]` : address);
    const { tlsFingerprint } = options;
    const secure = tlsFingerprint !== undefined;
    if (options.discover) {
      this.discovery = new LanDiscovery();
      this.advertisement = this.discovery.advertise(this.mdnsName, CONTROL_SERVICE_TYPE, options.port, {
        role: 'control',
        version: VERSION,
        path: '/ws',
        id: this.id,
        ...(secure ? { fp: tlsFingerprint } : {}),
      });
    }
    this.service = new LanService({
      session: options.session,
      makeError: options.makeError,
      store: this.store,
      discovery: this.discovery,
      controlCenterKey: this.key,
      controlCenterName: hostname(),
      insecure: options.insecure,
      log: options.log,
      routerUrls: addresses.map((address) => `${secure ? 'wss' : 'ws'}://${format(address)}:${options.port}/ws`),
      baseUrl: `${secure ? 'https' : 'http'}://${format(addresses[0])}:${options.port}`,
      ...(secure ? { tlsFingerprint } : {}),
    });
    await this.service.start();
    this.stopJoinEvents = options.router.onEvent((event) => {
      if (event.type === 'join' && event.authmethod === 'cryptosign') this.service?.sessionJoined(event.authid);
    });
  }

  async close(): Promise<void> {
    this.stopJoinEvents?.();
    await this.service?.close();
    await this.advertisement?.stop();
    await this.discovery?.close();
  }
}

/** The addresses a LAN machine can reach us at: the one we listen on, or every non-internal IPv4 one for a wildcard. */
function reachableAddresses(host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [host];
  const found = Object.values(networkInterfaces())
    .flat()
    .filter((info) => info !== undefined && !info.internal && info.family === 'IPv4')
    .map((info) => info!.address);
  return found.length > 0 ? found : ['127.0.0.1'];
}
