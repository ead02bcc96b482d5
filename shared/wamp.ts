/**
 * The slice of a WAMP client session that Kiln's components use. autobahn-js (Node) and the
 * autobahn-browser bundle both satisfy it; components take it as a parameter so they stay isomorphic.
 */
export interface InvocationDetails {
  caller?: number;
  procedure?: string;
}

export interface EventDetails {
  topic?: string;
  publisher?: number;
}

export type Endpoint = (args: unknown[] | undefined, kwargs: Record<string, unknown> | undefined, details: InvocationDetails) => unknown;
export type EventHandler = (args: unknown[] | undefined, kwargs: Record<string, unknown> | undefined, details: EventDetails) => void;

export interface WampRegistration {
  id: number;
}
export interface WampSubscription {
  id: number;
}

export interface WampSession {
  readonly id: number;
  readonly isOpen: boolean;
  register(procedure: string, endpoint: Endpoint, options?: Record<string, unknown>): Promise<WampRegistration>;
  unregister(registration: WampRegistration): Promise<unknown>;
  call<T = unknown>(procedure: string, args?: unknown[], kwargs?: Record<string, unknown>, options?: Record<string, unknown>): Promise<T>;
  subscribe(topic: string, handler: EventHandler, options?: Record<string, unknown>): Promise<WampSubscription>;
  unsubscribe(subscription: WampSubscription): Promise<unknown>;
  publish(topic: string, args?: unknown[], kwargs?: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown> | undefined;
}

/** Builds the error value an endpoint throws so the caller receives `uri` with `message` (autobahn.Error). */
export type ErrorFactory = (uri: string, message: string) => unknown;

/** The URI and message of an error a call was answered with (autobahn rejects with {error, args}). */
export function callErrorOf(error: unknown): { uri: string; message: string } {
  if (typeof error === 'object' && error !== null && 'error' in error && typeof (error as { error: unknown }).error === 'string') {
    const { error: uri, args } = error as { error: string; args?: unknown[] };
    return { uri, message: typeof args?.[0] === 'string' ? args[0] : uri };
  }
  return { uri: 'wamp.error.runtime_error', message: error instanceof Error ? error.message : String(error) };
}

/**
 * The one value a call was answered with. autobahn resolves a RESULT that carries keyword arguments
 * (or several positional ones) to an autobahn.Result {args, kwargs}, and a single positional argument to
 * that argument; a callee may answer either way (Kiln's own answer with one positional value).
 */
export function resultPayload(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || value.constructor?.name !== 'Result') return value;
  const { args, kwargs } = value as { args?: unknown; kwargs?: unknown };
  if (typeof kwargs === 'object' && kwargs !== null && Object.keys(kwargs).length > 0) return kwargs;
  return Array.isArray(args) ? args[0] : undefined;
}

/**
 * What an operation still pending when its session ended rejects with (guardSession): `message` says
 * which session ended and why, in the close reason's words.
 */
export class SessionEndedError extends Error {
  override readonly name = 'SessionEndedError';
}

export interface SessionGuard {
  /** The session, whose calls, (un)registrations and (un)subscriptions settle by its end at the latest. */
  readonly session: WampSession;
  /** Resolves, with the error pending operations got, once the session has ended. */
  readonly ended: Promise<SessionEndedError>;
  /**
   * Called from the connection's close (or leave) handler with the close reason (the router's URI, or
   * autobahn's `lost`, `closed`) and message: rejects everything still pending. Only the first call counts.
   */
  end(reason: string, message?: string): void;
}

/**
 * autobahn-js (22.11) never settles a call, register or subscribe (or their undoing) that is in flight
 * when its session ends: no rejection on GOODBYE or on a lost connection, and a router that is shutting
 * down drops the requests that reach it after its GOODBYE. Whatever awaits one then waits for ever
 * (Node ends an unsettled top-level await with exit code 13). This view of `session` (at `url`) races each such
 * operation against the session's end, which its owner reports with end(); one refused with
 * autobahn's "session not open" because the session had just closed under it waits for that end, to
 * tell it. Pending operations are kept in a set, not raced against one shared promise, so that a
 * session with millions of calls holds none of them past its answer. Publishing stays as autobahn does it.
 */
export function guardSession(session: WampSession, url: string): SessionGuard {
  const pending = new Set<(error: SessionEndedError) => void>();
  let endedWith: SessionEndedError | null = null;
  let told: (error: SessionEndedError) => void = () => undefined;
  const ended = new Promise<SessionEndedError>((resolve) => (told = resolve));
  const settle = <T>(operation: () => Promise<T>): Promise<T> => {
    if (endedWith) return Promise.reject(endedWith);
    let started: Promise<T> | null;
    try {
      started = operation();
    } catch (error) {
      if (session.isOpen) return Promise.reject(error);
      started = null; // refused as the session closed: its end, soon told, is the answer
    }
    const answer = new Promise<T>((resolve, reject) => {
      pending.add(reject);
      started?.then(
        (value) => {
          pending.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          pending.delete(reject);
          reject(error);
        },
      );
    });
    // autobahn's call can be canceled (its promise's cancel); once the session has ended there is nothing to cancel.
    const cancel = (started as { cancel?: (options?: Record<string, unknown>) => void } | null)?.cancel;
    if (cancel)
      Object.assign(answer, {
        cancel: (options?: Record<string, unknown>) => {
          if (!endedWith) cancel.call(started, options);
        },
      });
    return answer;
  };
  const guarded: WampSession = {
    get id() {
      return session.id;
    },
    get isOpen() {
      return endedWith === null && session.isOpen;
    },
    register: (procedure, endpoint, options) => settle(() => session.register(procedure, endpoint, options)),
    unregister: (registration) => settle(() => session.unregister(registration)),
    call: (procedure, args, kwargs, options) => settle(() => session.call(procedure, args, kwargs, options)),
    subscribe: (topic, handler, options) => settle(() => session.subscribe(topic, handler, options)),
    unsubscribe: (subscription) => settle(() => session.unsubscribe(subscription)),
    publish: (topic, args, kwargs, options) => session.publish(topic, args, kwargs, options),
  };
  return {
    session: guarded,
    ended,
    end(reason, message) {
      if (endedWith) return;
      endedWith = new SessionEndedError(`the session with ${url} ended: ${reason}${message ? ` (${message})` : ''}`);
      for (const reject of pending) reject(endedWith);
      pending.clear();
      told(endedWith);
    },
  };
}
