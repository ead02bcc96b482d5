/**
 * What a WAMP call answers, as the page's session and the run feed worker's both read it: the value
 * (autobahn answers a single positional result bare, and anything else as a Result object), or the
 * refusal as a CallError (the error URI the callee or router answered with, and its message).
 */
import autobahn from 'autobahn-browser';

export class CallError extends Error {
  constructor(
    readonly uri: string,
    message: string,
  ) {
    super(message);
    this.name = 'CallError';
  }
}

export function toCallError(error: unknown): CallError {
  if (error instanceof CallError) return error;
  if (error instanceof autobahn.Error) {
    const detail = error.args?.[0] ?? error.kwargs?.message;
    return new CallError(error.error, typeof detail === 'string' ? detail : error.error);
  }
  return new CallError('kiln.error.client', error instanceof Error ? error.message : String(error));
}

/** A call's answer: its keyword results when it has any, else its first positional one. */
export function callResult(result: unknown): unknown {
  if (!isAutobahnResult(result)) return result;
  return result.kwargs && Object.keys(result.kwargs).length > 0 ? result.kwargs : result.args[0];
}

function isAutobahnResult(value: unknown): value is { args: unknown[]; kwargs: Record<string, unknown> | null } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { args?: unknown }).args) && 'kwargs' in value;
}
