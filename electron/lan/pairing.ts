/**
 * The pairing contract between a control center and a worker's pairing endpoint (HTTP on the port
 * the worker advertises over mDNS). Everything that travels is public or signed; no secret travels.
 *
 *   GET  /kiln/pairing?nonce=N      -> PairingInfo: the worker's keys and its Ed25519 signature of
 *                                      the nonce, its keys and the address:port it was asked at
 *   POST /kiln/pairing/invitation   <- Invitation (signed by the control center's key)
 *                                   -> 202 { status: 'awaiting-reveal', workerNonce } (the user will compare codes)
 *                                      202 { status: 'accepted' } (an unattended worker's code was proven)
 *                                      400 malformed or badly signed, 403 refused, 409 busy, 429 locked out
 *   POST /kiln/pairing/reveal       <- { inviteId, nonce } (the nonce the invitation committed to)
 *                                   -> 202 { status: 'awaiting-confirmation' }: both ends now show the code
 */
import { isRecord } from '../../shared/protocol/validate.ts';
import { HEX32, HEX64, sha256Hex } from './pairing-crypto.ts';

export const PAIRING_PATH = '/kiln/pairing';
export const INVITATION_PATH = '/kiln/pairing/invitation';
export const REVEAL_PATH = '/kiln/pairing/reveal';
/** Largest request or answer body either side reads. */
export const MAX_PAIRING_BODY = 16 * 1024;
/** The longest an invitation may be valid for: a worker refuses any that claims more. */
export const MAX_INVITATION_TTL_MS = 30 * 60_000;

export interface PairingInfo {
  kind: 'kiln-worker';
  host: string;
  cores: number;
  version: string;
  /** Ed25519, raw hex: the key the control center authorizes. */
  publicKey: string;
  /** X25519, raw hex. */
  agreementKey: string;
  /** Ed25519 signature of possessionMessage(nonce, publicKey, agreementKey, address:port). */
  proof: string;
}

export interface Invitation {
  inviteId: string;
  /** ws:// or wss:// URLs of the router, the best first. */
  routerUrls: string[];
  realm: string;
  authid: string;
  /** The control center's host name, as the worker's user sees it (and pins its key under). */
  controlCenterName: string;
  /** The control center's long-lived Ed25519 public key, raw hex: it signed this invitation. */
  controlCenterKey: string;
  /** SHA-256 of the router's TLS certificate (hex), to pin with wss. */
  tlsFingerprint?: string;
  /** The worker's Ed25519 key this invitation is for. */
  workerKey: string;
  /** SHA-256 of the control center's nonce, revealed once the worker has sent its own. */
  nonceCommitment: string;
  /** With codeProof: the control center's one-time X25519 key. */
  agreementKey?: string;
  /** For an unattended worker: codeProof(secret, code, invitationBytes). Not covered by the signature. */
  codeProof?: string;
  expiresAt: number;
  /** Ed25519 signature by controlCenterKey of invitationBytes(this). */
  signature: string;
}

const ID = /^[A-Za-z0-9_-]{8,128}$/;
const NONCE = HEX32;

function fail(message: string): never {
  throw new Error(message);
}

function shortString(value: unknown, what: string, max = 256): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max || /[\u0000-\u001f\u007f]/.test(value)) {
    fail(`${what}: expected a non-empty string of at most ${max} printable characters`);
  }
  return value;
}

function hex(value: unknown, pattern: RegExp, what: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) fail(`${what}: expected ${pattern === HEX64 ? 128 : 64} lower-case hex characters`);
  return value;
}

/** The bytes the control center signs: every field the worker acts on, in a fixed order, with a label. */
export function invitationBytes(invitation: Omit<Invitation, 'signature' | 'codeProof'>): string {
  const { inviteId, routerUrls, realm, authid, controlCenterName, controlCenterKey, tlsFingerprint, workerKey, nonceCommitment, agreementKey, expiresAt } =
    invitation;
  return `kiln-invitation-v2\0${JSON.stringify([inviteId, routerUrls, realm, authid, controlCenterName, controlCenterKey, tlsFingerprint ?? null, workerKey, nonceCommitment, agreementKey ?? null, expiresAt])}`;
}

export function parseNonce(value: unknown, what: string): string {
  return hex(value, NONCE, what);
}

/** Whether `nonce` is the one `commitment` was made to. */
export function opensCommitment(nonce: string, commitment: string): boolean {
  return sha256Hex(nonce) === commitment;
}

export function parsePairingInfo(value: unknown): PairingInfo {
  if (!isRecord(value) || value.kind !== 'kiln-worker') fail('pairing info: not a Kiln worker');
  const { host, cores, version, publicKey, agreementKey, proof } = value;
  if (!Number.isInteger(cores) || (cores as number) < 1 || (cores as number) > 4096) fail('pairing info: cores must be an integer from 1 to 4096');
  return {
    kind: 'kiln-worker',
    host: shortString(host, 'pairing info: host'),
    cores: cores as number,
    version: shortString(version, 'pairing info: version', 32),
    publicKey: hex(publicKey, HEX32, 'pairing info: publicKey'),
    agreementKey: hex(agreementKey, HEX32, 'pairing info: agreementKey'),
    proof: hex(proof, HEX64, 'pairing info: proof'),
  };
}

/** Checks an invitation's shape (not its signature: pairing-endpoint.ts does, with the worker's context). */
export function parseInvitation(value: unknown): Invitation {
  if (!isRecord(value)) fail('invitation: expected a JSON object');
  const { inviteId, routerUrls, tlsFingerprint, expiresAt, agreementKey, codeProof } = value;
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
  if (typeof expiresAt !== 'number' || !Number.isSafeInteger(expiresAt)) fail('invitation.expiresAt: expected a time in ms since the epoch');
  if (tlsFingerprint !== undefined) hex(tlsFingerprint, HEX32, 'invitation.tlsFingerprint');
  if (tlsFingerprint !== undefined && routerUrls.some((url) => !(url as string).startsWith('wss://'))) {
    fail('invitation.routerUrls: with a tlsFingerprint, every URL must be wss://');
  }
  if ((agreementKey === undefined) !== (codeProof === undefined)) fail('invitation: agreementKey and codeProof come together');
  const invitation: Invitation = {
    inviteId,
    routerUrls: routerUrls as string[],
    realm: shortString(value.realm, 'invitation.realm'),
    authid: shortString(value.authid, 'invitation.authid'),
    controlCenterName: shortString(value.controlCenterName, 'invitation.controlCenterName', 128),
    controlCenterKey: hex(value.controlCenterKey, HEX32, 'invitation.controlCenterKey'),
    workerKey: hex(value.workerKey, HEX32, 'invitation.workerKey'),
    nonceCommitment: hex(value.nonceCommitment, HEX32, 'invitation.nonceCommitment'),
    expiresAt,
    signature: hex(value.signature, HEX64, 'invitation.signature'),
  };
  if (tlsFingerprint !== undefined) invitation.tlsFingerprint = tlsFingerprint as string;
  if (agreementKey !== undefined) {
    invitation.agreementKey = hex(agreementKey, HEX32, 'invitation.agreementKey');
    invitation.codeProof = hex(codeProof, HEX32, 'invitation.codeProof');
  }
  return invitation;
}
