/**
 * The cryptography of pairing, in one place: Ed25519 signatures (the worker's proof that it holds
 * its key, the control center's signature on invitations), X25519 agreement (the secret an unattended
 * worker's code is proven under), and the 6-digit code both ends show. Every signed or hashed message
 * starts with its own label, so no signature or hash can be replayed as another kind.
 */
import { createHash, createHmac, createPublicKey, diffieHellman, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';

/** A pairing code as both ends show it and --accept-code takes it. */
export const CODE = /^\d{6}$/;
export const HEX32 = /^[0-9a-f]{64}$/;
export const HEX64 = /^[0-9a-f]{128}$/;

// DER SubjectPublicKeyInfo prefixes of raw 32-byte keys (RFC 8410).
const SPKI_PREFIX = { ed25519: '302a300506032b6570032100', x25519: '302a300506032b656e032100' } as const;

/** A public key's raw 32 bytes, lower-case hex (the last 32 bytes of its SubjectPublicKeyInfo). */
export function rawPublicKey(key: KeyObject): string {
  return key.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
}

function publicKeyObject(kind: keyof typeof SPKI_PREFIX, hex: string): KeyObject {
  return createPublicKey({ key: Buffer.from(SPKI_PREFIX[kind] + hex, 'hex'), format: 'der', type: 'spki' });
}

export function signHex(privateKey: KeyObject, message: string): string {
  return sign(null, Buffer.from(message, 'utf8'), privateKey).toString('hex');
}

/** Whether `signature` (hex) is `publicKey`'s (raw hex) Ed25519 signature of `message`; false for anything malformed. */
export function verifyHex(publicKey: string, message: string, signature: string): boolean {
  if (!HEX32.test(publicKey) || !HEX64.test(signature)) return false;
  try {
    return verify(null, Buffer.from(message, 'utf8'), publicKeyObject('ed25519', publicKey), Buffer.from(signature, 'hex'));
  } catch {
    return false;
  }
}

/**
 * What a worker signs to prove it holds its key: the control center's fresh nonce, its keys, and the
 * address and port the request reached it at, so a proof relayed by another host names the wrong address.
 */
export function possessionMessage(nonce: string, publicKey: string, agreementKey: string, endpoint: string): string {
  return `kiln-pairing-possession-v1\0${nonce}\0${publicKey}\0${agreementKey}\0${endpoint}`;
}

/** `host:port` as both ends write it (IPv4-mapped IPv6 addresses as plain IPv4). */
export function endpointName(address: string, port: number): string {
  return `${address.replace(/^::ffff:(?=\d+\.)/, '')}:${port}`;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * The code both ends show: it covers the whole signed invitation (router URLs, realm, authid, keys,
 * certificate fingerprint, invite id), the worker's key and both nonces. The control center committed
 * to its nonce in the invitation before it saw the worker's, and the worker chose its nonce before it
 * saw the control center's: someone in the middle cannot grind either side's code to match the other's.
 */
export function pairingCode(invitationBytes: string, workerKey: string, controlCenterNonce: string, workerNonce: string): string {
  const digest = createHash('sha256').update(`kiln-pairing-code-v2\0${invitationBytes}\0${workerKey}\0${controlCenterNonce}\0${workerNonce}`, 'utf8').digest();
  return String(digest.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}

/** The X25519 secret of our private key and their raw public key (hex). */
export function agreedSecret(privateKey: KeyObject, theirPublicKey: string): Buffer {
  return diffieHellman({ privateKey, publicKey: publicKeyObject('x25519', theirPublicKey) });
}

/**
 * An unattended worker's code, proven without showing it: an HMAC under the X25519 secret of the
 * control center's one-time key and the worker's key. Someone who sees the invitation cannot test
 * guesses offline (they lack the secret); each online guess is a failed attempt at the worker.
 */
export function codeProof(secret: Buffer, code: string, invitationBytes: string): string {
  return createHmac('sha256', secret).update(`kiln-pairing-accept-code-v1\0${code}\0${invitationBytes}`, 'utf8').digest('hex');
}

export function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
