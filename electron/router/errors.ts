/** The error and close URIs the router answers with, and the ERROR message it builds. */
import { MessageType, type Dict, type WampMessage } from './types.ts';

export const ErrorUri = {
  PROTOCOL_VIOLATION: 'wamp.error.protocol_violation',
  INVALID_URI: 'wamp.error.invalid_uri',
  INVALID_ARGUMENT: 'wamp.error.invalid_argument',
  NOT_AUTHORIZED: 'wamp.error.not_authorized',
  AUTHENTICATION_FAILED: 'wamp.error.authentication_failed',
  NO_AUTH_METHOD: 'wamp.error.no_matching_auth_method',
  NO_SUCH_REALM: 'wamp.error.no_such_realm',
  NO_SUCH_ROLE: 'wamp.error.no_such_role',
  NO_SUCH_PROCEDURE: 'wamp.error.no_such_procedure',
  NO_SUCH_REGISTRATION: 'wamp.error.no_such_registration',
  NO_SUCH_SUBSCRIPTION: 'wamp.error.no_such_subscription',
  NO_SUCH_SESSION: 'wamp.error.no_such_session',
  PROCEDURE_ALREADY_EXISTS: 'wamp.error.procedure_already_exists',
  CANCELED: 'wamp.error.canceled',
  TIMEOUT: 'wamp.error.timeout',
  /** Crossbar.io's URI for "every callee is at its concurrency and no call may wait". */
  MAX_CONCURRENCY_REACHED: 'crossbar.error.max_concurrency_reached',
  /**
   * HELLO beyond Limits.maxSessions. Crossbar.io has no such limit; wamp.close.system_shutdown would
   * tell the client the router is going away (and autobahn would back off for the wrong reason), so
   * this gets its own URI in our namespace.
   */
  MAX_SESSIONS_REACHED: 'kiln.error.max_sessions_reached',
  /**
   * A frame over Limits.maxHelloSize before WELCOME, refused from its length header. Without an ABORT
   * the client sees only a WebSocket close and retries the same message for ever.
   */
  MESSAGE_TOO_BIG: 'kiln.error.message_too_big',
} as const;

export const CloseUri = {
  GOODBYE_AND_OUT: 'wamp.close.goodbye_and_out',
  SYSTEM_SHUTDOWN: 'wamp.close.system_shutdown',
  KILLED: 'wamp.close.killed',
} as const;

/** [ERROR, REQUEST.Type, REQUEST.Request, Details, Error, Arguments]: the text travels as args[0], where autobahn shows it. */
export function errorMessage(requestType: number, request: number, error: string, text?: string): WampMessage {
  return text === undefined ? [MessageType.ERROR, requestType, request, {}, error] : [MessageType.ERROR, requestType, request, {}, error, [text]];
}

export function abortMessage(reason: string, message: string): WampMessage {
  return [MessageType.ABORT, { message } satisfies Dict, reason];
}

/** Thrown by router procedures (the meta API) to answer the caller with an error URI. */
export class ApplicationError extends Error {
  constructor(
    readonly uri: string,
    message: string,
  ) {
    super(message);
  }
}
