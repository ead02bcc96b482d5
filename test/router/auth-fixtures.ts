/** Shared by the auth tests: HELLO contexts, drivers for an AuthMethod, and cryptosign client keys. */
import autobahn from 'autobahn';
import { generateKeyPairSync } from 'node:crypto';
import type { AuthIdentity, AuthMethod, Dict, HelloContext, HelloOutcome, TransportInfo } from '../../electron/router/types.ts';

export const loopbackTransport: TransportInfo = {
  kind: 'websocket',
  peerAddress: '127.0.0.1',
  peerPort: 50_000,
  loopback: true,
  serializer: 'json',
  headers: {},
};

export const lanTransport: TransportInfo = { ...loopbackTransport, peerAddress: '192.0.2.4', loopback: false };

export function helloContext(details: Dict, transport: TransportInfo = loopbackTransport, session?: number): HelloContext {
  return session === undefined ? { realm: 'kiln', details, transport } : { realm: 'kiln', details, transport, session };
}

export type Challenge = Extract<HelloOutcome, { kind: 'challenge' }>;
export type Reject = Extract<HelloOutcome, { kind: 'reject' }>;

/** Calls hello() and insists on a CHALLENGE. */
export async function challengeOf(method: AuthMethod, context: HelloContext): Promise<Challenge> {
  const outcome = await method.hello(context);
  if (outcome.kind !== 'challenge') throw new Error(`expected a challenge, got ${JSON.stringify(outcome)}`);
  return outcome;
}

/** Runs the full handshake: hello(), then authenticate() with what `sign` makes of CHALLENGE.Extra. */
export async function handshake(method: AuthMethod, context: HelloContext, sign: (extra: Dict) => unknown): Promise<AuthIdentity | Reject> {
  const challenge = await challengeOf(method, context);
  if (method.authenticate === undefined) throw new Error(`${method.name} cannot authenticate`);
  return method.authenticate(sign(challenge.extra) as string, {}, challenge.state, context);
}

/** An Ed25519 key pair in tweetnacl's shape (secretKey = seed + publicKey), which autobahn's cryptosign helpers take. */
export interface NaclKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

/** A fresh key pair, made with node:crypto. */
export function naclKeyPair(): NaclKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
  return { publicKey: new Uint8Array(pub), secretKey: new Uint8Array(Buffer.concat([seed, pub])) };
}

/**
 * autobahn-js 22.11's WAMP-cryptosign client helpers (not in @types/autobahn): public_key gives the
 * hex public key, sign_challenge returns hex(signature) + hex(challenge) for CHALLENGE.Extra.
 */
export const cryptosignClient = (
  autobahn as unknown as {
    auth_cryptosign: { sign_challenge(pkey: NaclKeyPair, extra: Dict): string; public_key(pkey: NaclKeyPair): string };
  }
).auth_cryptosign;
