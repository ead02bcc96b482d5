/** Shared by the auth-*.test.ts files: HELLO contexts and drivers for an AuthMethod. */
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
export async function handshake(
  method: AuthMethod,
  context: HelloContext,
  sign: (extra: Dict) => unknown,
): Promise<AuthIdentity | Reject> {
  const challenge = await challengeOf(method, context);
  if (method.authenticate === undefined) throw new Error(`${method.name} cannot authenticate`);
  return method.authenticate(sign(challenge.extra) as string, {}, challenge.state, context);
}
