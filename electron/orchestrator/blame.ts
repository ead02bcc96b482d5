/**
 * Per-callee blame within one run: every failure (an error, a missed deadline, a malformed or invalid
 * result) counts against the callee that gave it, a success clears its streak, and a callee that fails
 * QUARANTINE_AFTER times in a row gets no more of the run's slices. Keyed by the callee's session,
 * which the router assigned: a callee cannot shift blame by naming itself otherwise.
 *
 * A quarantine that silence alone caused is a circuit breaker's open state, not a verdict: an honest callee
 * on a starved machine (16 threads on 2 cores) answers late, not never, and its late answers may never reach
 * the run (the orchestrator cancels what it gave up on). So it ends in probation after a while (the half-open
 * state): one slice at a time, a valid answer lifts the quarantine, any failure brings it back for twice as
 * long. A fault (an error, a malformed or invalid result) keeps it for the run.
 */
import type { Callee } from './workers.ts';

/** Failures in a row after which a callee gets no more slices of the run. */
export const QUARANTINE_AFTER = 3;
/**
 * Busy answers in a row (no success between) that count as one failure, of silence. The router passes a callee's own
 * error through unchanged, so a callee could answer busy to every slice and never be blamed. An honest
 * callee shared by several orchestrators is busy now and then, and each busy answer backs it off for
 * BUSY_BACKOFF_MS, so 8 in a row is ~0.8 s refused with no slice done between: hardly a fair share. But a full
 * callee claims nothing false, and does no more harm than a silent one: it eases into probation like one, rather
 * than being shut out for the run (an honest callee on probation, full with another orchestrator's slices).
 */
export const BUSY_AS_FAILURE_AFTER = 8;
/**
 * How long a callee's first quarantine for silence lasts before probation; each one after lasts twice as long as the
 * one before (up to MAX_PROBATION_AFTER_MS), so a callee that stalls on purpose gets a slice ever more rarely.
 */
export const PROBATION_AFTER_MS = 1000;
const MAX_PROBATION_AFTER_MS = 30_000;
/** Longest failure reason kept (it may come from the callee). */
const MAX_REASON = 200;
/** Callees named in a failed run's reason. */
const NAMED_IN_SUMMARY = 3;

/**
 * What a failure was: a fault (an error, a malformed or invalid result), or silence (no answer by the slice's deadline,
 * or none before another callee's to the same slice, or busy over and over): no work done, but nothing false claimed.
 */
export type FailureKind = 'fault' | 'silence';

/** Dealt slices; dealt none; dealt one at a time, to see whether it answers (after a quarantine for silence). */
type Standing = 'trusted' | 'quarantined' | 'probation';

/** Calls `fn` after `ms`; answers what cancels it. */
export type Schedule = (ms: number, fn: () => void) => () => void;

const afterMs: Schedule = (ms, fn) => {
  const timer = setTimeout(fn, ms);
  timer.unref?.();
  return () => clearTimeout(timer);
};

interface Account {
  callee: Callee;
  streak: number;
  /** Whether every failure of the current streak was silence. */
  silentStreak: boolean;
  standing: Standing;
  /** Its quarantine (or probation) came from silence alone: it ends in probation, and an answer lifts it. */
  quarantinedForSilence: boolean;
  /** How long its next quarantine for silence lasts before probation. */
  probationAfterMs: number;
  /** Cancels the wait for probation. */
  cancelProbation: (() => void) | undefined;
  /** Slices dealt to it on probation still out. */
  probesOut: number;
  /** Busy answers since its last success or its last busy-counted failure. */
  busyStreak: number;
  failures: number;
  lastReason: string;
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

  /** `onReadmitted`: a quarantine was lifted or eased into probation (why, in words): the callee may be dealt slices again. */
  constructor(
    private readonly onQuarantine: (callee: Callee, reason: string) => void,
    private readonly onReadmitted: (callee: Callee, why: string) => void = () => undefined,
    private readonly schedule: Schedule = afterMs,
  ) {}

  failed(callee: Callee, reason: string, kind: FailureKind = 'fault'): void {
    const account = this.account(callee);
    if (account.streak === 0) account.silentStreak = true;
    account.silentStreak &&= kind === 'silence';
    account.streak++;
    account.failures++;
    account.lastReason = oneLine(reason);
    if (account.standing === 'probation') this.quarantine(account, `failed on probation: ${account.lastReason}`);
    else if (account.standing === 'trusted' && account.streak >= QUARANTINE_AFTER)
      this.quarantine(account, `${account.streak} failures in a row, the last: ${account.lastReason}`);
  }

  /** The callee answered busy: every BUSY_AS_FAILURE_AFTER-th in a row (no success between) is a failure, of silence. */
  busy(callee: Callee, reason: string): void {
    const account = this.account(callee);
    if (++account.busyStreak < BUSY_AS_FAILURE_AFTER) return;
    account.busyStreak = 0;
    this.failed(callee, `${BUSY_AS_FAILURE_AFTER} busy answers in a row, the last: ${reason}`, 'silence');
  }

  /**
   * A valid answer: the streak is over, and a quarantine that silence alone caused is lifted, whether the answer
   * came late (a many-threaded callee on a starved machine misses several deadlines at once with its first slices)
   * or on probation. One that a fault had a part in stays.
   */
  succeeded(callee: Callee): void {
    const account = this.accounts.get(callee.session);
    if (!account) return;
    account.streak = account.busyStreak = 0;
    if (account.standing !== 'trusted' && account.quarantinedForSilence) {
      account.cancelProbation?.();
      account.cancelProbation = undefined;
      account.standing = 'trusted';
      account.quarantinedForSilence = false;
      this.onReadmitted(callee, 'answered after all: its quarantine is lifted');
    }
  }

  isQuarantined(callee: Callee): boolean {
    const standing = this.accounts.get(callee.session)?.standing;
    return standing !== undefined && standing !== 'trusted';
  }

  /** Whether a slice may go to the callee now: trusted, or on probation with no slice out. */
  mayDeal(callee: Callee): boolean {
    const account = this.accounts.get(callee.session);
    return !account || account.standing === 'trusted' || (account.standing === 'probation' && account.probesOut === 0);
  }

  /** A slice went to the callee; whether it is a probe (then probeEnded() when it is over, however it ends). */
  dealt(callee: Callee): boolean {
    const account = this.accounts.get(callee.session);
    if (account?.standing !== 'probation') return false;
    account.probesOut++;
    return true;
  }

  probeEnded(callee: Callee): void {
    const account = this.accounts.get(callee.session);
    if (account) account.probesOut--;
  }

  /** Ends the waits for probation (the run is over). */
  close(): void {
    for (const account of this.accounts.values()) account.cancelProbation?.();
  }

  /** What the callees did wrong, for a run that got no tour: who failed how often, and why. */
  summary(): string | undefined {
    const accounts = [...this.accounts.values()].sort((a, b) => b.failures - a.failures);
    if (accounts.length === 0) return undefined;
    const named = accounts.slice(0, NAMED_IN_SUMMARY).map(({ callee, failures, lastReason, standing }) => {
      return `${describeCallee(callee)} failed ${failures} slice${failures === 1 ? '' : 's'}${standing === 'trusted' ? '' : ' and was quarantined'} (last: ${lastReason})`;
    });
    const more = accounts.length - named.length;
    return `${named.join('; ')}${more > 0 ? `; and ${more} more callee${more === 1 ? '' : 's'}` : ''}. Check those machines, or revoke their invites`;
  }

  /** No more slices for the callee; for silence alone, until probation after a while (twice as long each time). */
  private quarantine(account: Account, reason: string): void {
    account.standing = 'quarantined';
    account.quarantinedForSilence = account.silentStreak;
    if (account.quarantinedForSilence) {
      const waitMs = account.probationAfterMs;
      account.probationAfterMs = Math.min(MAX_PROBATION_AFTER_MS, 2 * waitMs);
      account.cancelProbation = this.schedule(waitMs, () => {
        account.cancelProbation = undefined;
        account.standing = 'probation';
        this.onReadmitted(account.callee, `on probation after ${waitMs} ms of quarantine: one slice at a time until one comes back`);
      });
      reason += ` (probation in ${waitMs} ms)`;
    }
    this.onQuarantine(account.callee, reason);
  }

  private account(callee: Callee): Account {
    let account = this.accounts.get(callee.session);
    if (!account)
      this.accounts.set(
        callee.session,
        (account = {
          callee,
          streak: 0,
          silentStreak: false,
          standing: 'trusted',
          quarantinedForSilence: false,
          probationAfterMs: PROBATION_AFTER_MS,
          cancelProbation: undefined,
          probesOut: 0,
          busyStreak: 0,
          failures: 0,
          lastReason: '',
        }),
      );
    return account;
  }
}
