/**
 * Per-callee blame within one run: every failure (an error, a missed deadline, a malformed or invalid
 * result) counts against the callee that gave it, a success clears its streak, and a callee that fails
 * QUARANTINE_AFTER times in a row gets no more of the run's slices. Keyed by the callee's session,
 * which the router assigned: a callee cannot shift blame by naming itself otherwise.
 */
import type { Callee } from './workers.ts';

/** Failures in a row after which a callee gets no more slices of the run. */
export const QUARANTINE_AFTER = 3;
/**
 * Busy answers in a row (no success between) that count as one failure. The router passes a callee's own
 * error through unchanged, so a callee could answer busy to every slice and never be blamed. An honest
 * callee shared by several orchestrators is busy now and then, and each busy answer backs it off for
 * BUSY_BACKOFF_MS, so 8 in a row is ~0.8 s refused with no slice done between: hardly a fair share.
 */
export const BUSY_AS_FAILURE_AFTER = 8;
/** Longest failure reason kept (it may come from the callee). */
const MAX_REASON = 200;
/** Callees named in a failed run's reason. */
const NAMED_IN_SUMMARY = 3;

/** What a failure was: a fault (an error, a malformed or invalid result), or silence past the slice's deadline. */
export type FailureKind = 'fault' | 'silence';

interface Account {
  callee: Callee;
  streak: number;
  /** Whether every failure of the current streak was silence. */
  silentStreak: boolean;
  /** Quarantined by silence alone: an honest callee on a starved machine (16 threads on 2 cores) answers late, not never. */
  quarantinedForSilence: boolean;
  /** Busy answers since its last success or its last busy-counted failure. */
  busyStreak: number;
  failures: number;
  lastReason: string;
  quarantined: boolean;
}

/** One line, bounded: reasons may come from a donor, who must not fill logs or messages. */
export function oneLine(text: string, max = MAX_REASON): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** How a callee is named in messages: its session, and the worker id it claims, if any. */
export function describeCallee(callee: Callee): string {
  return callee.load ? `callee ${callee.session} ('${oneLine(callee.load.workerId, 40)}')` : `callee ${callee.session}`;
}

export class Blame {
  private readonly accounts = new Map<number, Account>();

  constructor(
    private readonly onQuarantine: (callee: Callee, reason: string) => void,
    private readonly onLifted: (callee: Callee) => void = () => undefined,
  ) {}

  failed(callee: Callee, reason: string, kind: FailureKind = 'fault'): void {
    const account = this.account(callee);
    if (account.streak === 0) account.silentStreak = true;
    account.silentStreak &&= kind === 'silence';
    account.streak++;
    account.failures++;
    account.lastReason = oneLine(reason);
    if (!account.quarantined && account.streak >= QUARANTINE_AFTER) {
      account.quarantined = true;
      account.quarantinedForSilence = account.silentStreak;
      this.onQuarantine(callee, `${account.streak} failures in a row, the last: ${account.lastReason}`);
    }
  }

  /**
   * A valid answer came after all to a slice the callee had been blamed for being silent on: a quarantine
   * that silence alone caused is lifted (a callee that answers late is slow, not lost: a many-threaded callee
   * on a starved machine can miss three deadlines at once with its first slices, and would then sit out the
   * whole run). A fault, or silence without a late answer, keeps it.
   */
  answeredAfterSilence(callee: Callee): void {
    const account = this.accounts.get(callee.session);
    if (!account?.quarantined || !account.quarantinedForSilence) return;
    account.quarantined = account.quarantinedForSilence = false;
    this.onLifted(callee);
  }

  /** The callee answered busy: every BUSY_AS_FAILURE_AFTER-th in a row (no success between) is a failure. */
  busy(callee: Callee, reason: string): void {
    const account = this.account(callee);
    if (++account.busyStreak < BUSY_AS_FAILURE_AFTER) return;
    account.busyStreak = 0;
    this.failed(callee, `${BUSY_AS_FAILURE_AFTER} busy answers in a row, the last: ${reason}`);
  }

  succeeded(callee: Callee): void {
    const account = this.accounts.get(callee.session);
    if (account) account.streak = account.busyStreak = 0;
  }

  isQuarantined(callee: Callee): boolean {
    return this.accounts.get(callee.session)?.quarantined === true;
  }

  /** What the callees did wrong, for a run that got no tour: who failed how often, and why. */
  summary(): string | undefined {
    const accounts = [...this.accounts.values()].sort((a, b) => b.failures - a.failures);
    if (accounts.length === 0) return undefined;
    const named = accounts.slice(0, NAMED_IN_SUMMARY).map(({ callee, failures, lastReason, quarantined }) => {
      return `${describeCallee(callee)} failed ${failures} slice${failures === 1 ? '' : 's'}${quarantined ? ' and was quarantined' : ''} (last: ${lastReason})`;
    });
    const more = accounts.length - named.length;
    return `${named.join('; ')}${more > 0 ? `; and ${more} more callee${more === 1 ? '' : 's'}` : ''}. Check those machines, or revoke their invites`;
  }

  private account(callee: Callee): Account {
    let account = this.accounts.get(callee.session);
    if (!account)
      this.accounts.set(
        callee.session,
        (account = { callee, streak: 0, silentStreak: false, quarantinedForSilence: false, busyStreak: 0, failures: 0, lastReason: '', quarantined: false }),
      );
    return account;
  }
}
