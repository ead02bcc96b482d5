/**
 * Calls the run feed worker places for the page: a city set for kiln.solve.start is ~0.5 MB for 33,810
 * cities, and MessagePack-encoding and sending it took the page's main thread 30-40 ms of CPU (one long
 * task on the Start click); in the worker's session it costs the page a structured clone of two typed
 * arrays.
 */
import type { Session } from 'autobahn-browser';
import { callResult, toCallError } from '../wamp/call.ts';

/**
 * A call's answer from the worker: its value, or its refusal. `sent: false` says the worker had no open
 * session, so nothing reached the router and the page may place the call on its own session.
 */
export type CallAnswer = { ok: true; value: unknown } | { ok: false; sent: boolean; uri: string; message: string };

/** The page's side: calls out to the worker, each answered once. */
export class PendingCalls {
  readonly #waiting = new Map<number, (answer: CallAnswer) => void>();
  #next = 0;

  /** A new call's id for the message to the worker, and its answer. */
  place(): { id: number; answer: Promise<CallAnswer> } {
    const id = this.#next++;
    return { id, answer: new Promise((resolve) => this.#waiting.set(id, resolve)) };
  }

  /** The worker answered call `id` (an unknown or already answered id is ignored). */
  settle(id: number, answer: CallAnswer): void {
    const resolve = this.#waiting.get(id);
    this.#waiting.delete(id);
    resolve?.(answer);
  }

  /** The worker is gone: calls still out may have reached the router, so they fail rather than being placed again. */
  abandon(message: string): void {
    const waiting = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const resolve of waiting) resolve({ ok: false, sent: true, uri: 'kiln.error.client', message });
  }
}

/** The worker's side: places a call on its session, if open, and answers in words the page can take across. */
export async function placeCall(
  session: Pick<Session, 'isOpen' | 'call'> | null,
  procedure: string,
  args: unknown[],
  kwargs: Record<string, unknown>,
): Promise<CallAnswer> {
  // Not sent: the page places it on its own session instead.
  if (!session?.isOpen) return { ok: false, sent: false, uri: 'kiln.error.not_connected', message: 'the run feed worker is not connected' };
  try {
    return { ok: true, value: callResult(await session.call<unknown>(procedure, args, kwargs)) };
  } catch (error) {
    const { uri, message } = toCallError(error);
    return { ok: false, sent: true, uri, message };
  }
}
