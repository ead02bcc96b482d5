/**
 * An https.Agent that trusts exactly one certificate: the one whose SHA-256 fingerprint it was given.
 * Kiln's control center serves a self-signed certificate no CA vouches for, so the usual chain check
 * is off (rejectUnauthorized: false) and the pin replaces it. Node skips checkServerIdentity when
 * the chain check fails, as it does for every self-signed certificate, so the pin is checked on
 * 'secureConnect', before the WebSocket upgrade is answered and before any WAMP message.
 */
import { Agent } from 'node:https';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { normalizeFingerprint } from '../../shared/fingerprint.ts';

export class FingerprintMismatchError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`the router's TLS certificate has fingerprint ${actual}, not the pinned ${expected}: refusing to connect`);
  }
}

/** `onMismatch` hears of a refused certificate (the WebSocket only reports an unspecific error). */
export function pinnedAgent(fingerprint: string, onMismatch: (error: FingerprintMismatchError) => void): Agent {
  const expected = normalizeFingerprint(fingerprint);
  if (expected === null) throw new Error(`not a SHA-256 fingerprint: '${fingerprint}'`);
  return new (class extends Agent {
    override createConnection(options: ConnectionOptions): Duplex {
      const socket: TLSSocket = connect({ ...options, rejectUnauthorized: false });
      socket.once('secureConnect', () => {
        const served = socket.getPeerCertificate().fingerprint256 ?? '';
        const actual = normalizeFingerprint(served) ?? served;
        if (actual === expected) return;
        const error = new FingerprintMismatchError(expected, actual);
        onMismatch(error);
        socket.destroy(error);
      });
      return socket;
    }
  })({ keepAlive: false });
}
