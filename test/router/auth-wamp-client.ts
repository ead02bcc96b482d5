/**
 * Joins a realm with a real autobahn-js client over a real WebSocket, and reports what autobahn's
 * application code sees: onopen's session and WELCOME details, or onclose's reason and details
 * (for an ABORT: details.reason is the error URI and details.message the router's message).
 */
import autobahn from 'autobahn';

export interface JoinOptions {
  url: string;
  realm: string;
  authmethods?: string[];
  authid?: string;
  authextra?: object;
  onchallenge?: (session: autobahn.Session, method: string, extra: Record<string, unknown>) => string | Promise<string>;
}

export type JoinResult =
  | { kind: 'joined'; session: autobahn.Session; connection: autobahn.Connection; details: Record<string, unknown> }
  | { kind: 'closed'; reason: string; details: { reason?: string; message?: string } };

export function join(options: JoinOptions): Promise<JoinResult> {
  return new Promise((resolve) => {
    const connection = new autobahn.Connection({
      ...options,
      onchallenge: options.onchallenge as autobahn.OnChallengeHandler | undefined,
      max_retries: 0,
      retry_if_unreachable: false,
    });
    connection.onopen = (session, details) => resolve({ kind: 'joined', session, connection, details: details as Record<string, unknown> });
    connection.onclose = (reason, details) => {
      resolve({ kind: 'closed', reason, details });
      return true; // never reconnect
    };
    connection.open();
  });
}

/** Joins and insists on success. */
export async function joined(options: JoinOptions): Promise<Extract<JoinResult, { kind: 'joined' }>> {
  const result = await join(options);
  if (result.kind !== 'joined') throw new Error(`join failed: ${JSON.stringify(result.details)}`);
  return result;
}

/** Leaves (GOODBYE) and closes the transport. */
export function leave(result: Extract<JoinResult, { kind: 'joined' }>): Promise<void> {
  return new Promise((resolve) => {
    result.connection.onclose = () => {
      resolve();
      return true;
    };
    result.connection.close();
  });
}
