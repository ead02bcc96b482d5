/**
 * The pairing contract between a control center and a worker's pairing endpoint (HTTP on the port
 * the worker advertises over mDNS):
 *   GET  /kiln/pairing             -> PairingInfo (the worker's public key; nothing secret)
 *   POST /kiln/pairing/invitation  <- Invitation  -> 202 { status: 'accepted' | 'awaiting-confirmation' },
 *                                                    403 (code refused), 409 (another invitation pending),
 *                                                    400 (malformed), 410 (expired)
 * No secret travels: the invitation names the router and the authid the control center has
 * authorized the worker's key for; the worker then joins with WAMP-Cryptosign.
 */
import { isRecord } from '../../shared/protocol.ts';
import { PUBLIC_KEY_HEX } from './keys.ts';

export const PAIRING_PATH = '/kiln/pairing';
export const INVITATION_PATH = '/kiln/pairing/invitation';
/** Largest request or answer body either side reads. */
export const MAX_PAIRING_BODY = 16 * 1024;

export interface PairingInfo {
  kind: 'kiln-worker';
  host: string;
  cores: number;
  version: string;
  publicKey: string;
}

export interface Invitation {
  inviteId: string;
  /** ws:// or wss:// URLs of the router, the best first (the one the control center listens on). */
  routerUrls: string[];
  realm: string;
  authid: string;
  /** The control center's identity: its TLS certificate fingerprint with wss, else its launch id. */
  controlCenterId: string;
  /** SHA-256 of the router's TLS certificate (hex), to pin with wss. */
  tlsFingerprint?: string;
  expiresAt: number;
}

const ID = /^[A-Za-z0-9_-]{8,128}$/;
const FINGERPRINT = /^[0-9a-f]{64}$/;

function fail(message: string): never {
  throw new Error(message);
}

function shortString(value: unknown, what: string, max = 256): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max || /[\u0000-\u001f\u007f]/.test(value)) {
    fail(`${what}: expected a non-empty string of at most ${max} printable characters`);
  }
  return value;
}

export function parsePairingInfo(value: unknown): PairingInfo {
  if (!isRecord(value) || value.kind !== 'kiln-worker') fail('pairing info: not a Kiln worker');
  const { host, cores, version, publicKey } = value;
  if (typeof publicKey !== 'string' || !PUBLIC_KEY_HEX.test(publicKey)) fail('pairing info: publicKey must be 64 lower-case hex characters');
  if (!Number.isInteger(cores) || (cores as number) < 1 || (cores as number) > 4096) fail('pairing info: cores must be an integer from 1 to 4096');
  return { kind: 'kiln-worker', host: shortString(host, 'pairing info: host'), cores: cores as number, version: shortString(version, 'pairing info: version', 32), publicKey };
}

export function parseInvitation(value: unknown): Invitation {
  if (!isRecord(value)) fail('invitation: expected a JSON object');
  const { inviteId, routerUrls, realm, authid, controlCenterId, tlsFingerprint, expiresAt } = value;
  if (typeof inviteId !== 'string' || !ID.test(inviteId)) fail('invitation.inviteId: expected 8 to 128 URL-safe characters');
  if (!Array.isArray(routerUrls) || routerUrls.length === 0 || routerUrls.length > 8) fail('invitation.routerUrls: expected 1 to 8 URLs');
  for (const url of routerUrls) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(shortString(url, 'invitation.routerUrls[]', 512));
    } catch {
      // reported below
    }
    if (parsed === null || (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:')) fail('invitation.routerUrls: every URL must be ws:// or wss://');
  }
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) fail('invitation.expiresAt: expected a time in ms since the epoch');
  if (tlsFingerprint !== undefined && (typeof tlsFingerprint !== 'string' || !FINGERPRINT.test(tlsFingerprint))) {
    fail('invitation.tlsFingerprint: expected 64 lower-case hex characters');
  }
  if (tlsFingerprint !== undefined && routerUrls.some((url) => !(url as string).startsWith('wss://'))) {
    fail('invitation.routerUrls: with a tlsFingerprint, every URL must be wss://');
  }
  const invitation: Invitation = {
    inviteId,
    routerUrls: routerUrls as string[],
    realm: shortString(realm, 'invitation.realm'),
    authid: shortString(authid, 'invitation.authid'),
    controlCenterId: shortString(controlCenterId, 'invitation.controlCenterId', 128),
    expiresAt,
  };
  if (tlsFingerprint !== undefined) invitation.tlsFingerprint = tlsFingerprint as string;
  return invitation;
}
