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
