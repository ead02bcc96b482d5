/**
 * Timers for verdicts about others (a callee is silent, a stopped run's slices are not back, a router's
 * peer did not answer its ping: router/heartbeat.ts), made fair
 * on a busy machine. A timer that fires late by L ms fired after this process's event loop was blocked
 * or starved for those L ms: they are not the callee's, so the deadline moves on by L (up to the timer's
 * own length in all, so a callee that never answers is still blamed promptly). And Node runs the timers
 * phase before the poll phase: an answer that came in while the loop was blocked still sits unread in
 * the socket, so the verdict is confirmed on setImmediate, after pending I/O, and only if nothing settled it.
 */

/** Lateness below this is a timer's ordinary jitter, not a blocked loop. */
const LAG_SLACK_MS = 20;

/** The event-loop lag recently seen by these timers, decaying: a busy machine's measure, which no peer controls. */
class LoopLag {
  private lagMs = 0;
  private at = 0;

  /** A timer fired `lagMs` late at `now`. */
  observe(lagMs: number, now: number): void {
    this.lagMs = Math.max(lagMs, this.recent(now));
    this.at = now;
  }

  /** The recent lag: halves every HALF_LIFE_MS. */
  recent(now: number): number {
    return this.lagMs * 0.5 ** (Math.max(0, now - this.at) / HALF_LIFE_MS);
  }
}
const HALF_LIFE_MS = 10_000;

/** This process's recent event-loop lag, as the verdict timers measured it. */
export const loopLag = new LoopLag();

export interface VerdictTimer {
  clear(): void;
}

/**
 * Calls `verdict` about `ms` after now, unless `settled()` says the matter was settled first; late
 * firings extend the wait by their lateness (at most `ms` in all), and the verdict waits for pending I/O.
 */
export function verdictAfter(
  ms: number,
  settled: () => boolean,
  verdict: () => void,
  now: () => number = Date.now,
  { unref = false }: { unref?: boolean } = {},
): VerdictTimer {
  let timer: ReturnType<typeof setTimeout> | ReturnType<typeof setImmediate> | undefined;
  let immediate = false;
  let extendedMs = 0;
  const arm = (delayMs: number) => {
    const due = now() + delayMs;
    immediate = false;
    timer = setTimeout(() => {
      const lagMs = now() - due;
      if (lagMs > LAG_SLACK_MS) loopLag.observe(lagMs, now());
      if (lagMs > LAG_SLACK_MS && extendedMs < ms) {
        const extraMs = Math.min(lagMs, ms - extendedMs);
        extendedMs += extraMs;
        return arm(extraMs);
      }
      immediate = true;
      timer = setImmediate(() => {
        timer = undefined;
        if (!settled()) verdict();
      });
      if (unref) timer.unref();
    }, delayMs);
    if (unref) timer.unref();
  };
  arm(ms);
  return {
    clear() {
      if (timer === undefined) return;
      if (immediate) clearImmediate(timer as ReturnType<typeof setImmediate>);
      else clearTimeout(timer as ReturnType<typeof setTimeout>);
      timer = undefined;
    },
  };
}
