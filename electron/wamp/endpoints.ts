/**
 * Registering a component's procedures with one error policy: a refusal (ProtocolError, thrown by
 * validation) reaches the caller as a WAMP error with its kiln.error.* URI and a one-line message, and
 * stays out of the log (openWampClient's on_user_error drops autobahn.Error); anything else is a bug,
 * answered as kiln.error.internal.
 */
import { ProtocolError } from '../../shared/protocol/uris.ts';
import { isRecord } from '../../shared/protocol/validate.ts';
import type { ErrorFactory, InvocationDetails, WampRegistration, WampSession } from '../../shared/wamp.ts';

/** A procedure's body: keyword arguments (an empty object when none or not an object) and who called. */
export type KwargsEndpoint = (kwargs: Record<string, unknown>, details: InvocationDetails) => unknown;

/** The message as one line, bounded: a caller's input echoed in it must not spread over the log or the reply. */
export function oneLineMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

/** The WAMP error a thrown value becomes: its own URI for a ProtocolError, else kiln.error.internal. */
export function wampErrorOf(error: unknown, makeError: ErrorFactory): unknown {
  return makeError(error instanceof ProtocolError ? error.uri : 'kiln.error.internal', oneLineMessage(error));
}

export async function registerEndpoints(
  session: WampSession,
  makeError: ErrorFactory,
  endpoints: Array<[string, KwargsEndpoint]>,
): Promise<WampRegistration[]> {
  const registrations: WampRegistration[] = [];
  for (const [procedure, endpoint] of endpoints) {
    registrations.push(
      await session.register(procedure, async (_args, kwargs, details) => {
        try {
          return await endpoint(isRecord(kwargs) ? kwargs : {}, details ?? {});
        } catch (error) {
          throw wampErrorOf(error, makeError);
        }
      }),
    );
  }
  return registrations;
}
