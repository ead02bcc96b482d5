/**
 * The short code both ends of a pairing show: six digits derived from the worker's public key, the
 * control center's identity and the invite id. The user compares them instead of typing a secret,
 * which binds "the worker I see in the UI" to "the control center this terminal was invited by".
 */
import { createHash } from 'node:crypto';

export const CODE = /^\d{6}$/;

export function confirmationCode(workerPublicKey: string, controlCenterId: string, inviteId: string): string {
  const digest = createHash('sha256')
    .update(`kiln-pairing-v1\0${workerPublicKey.toLowerCase()}\0${controlCenterId}\0${inviteId}`)
    .digest();
  return String(digest.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}
