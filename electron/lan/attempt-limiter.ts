/**
 * Failed pairing attempts (a wrong unattended code, a code the user said does not match): after
 * `maxFailures` in a row the worker refuses every invitation for `lockoutMs`, doubling with each
 * further lockout up to `maxLockoutMs`. Five guesses a minute, then fewer: matching a 6-digit code by
 * guessing would take years. A success clears the count.
 */
export interface LimiterOptions {
  maxFailures: number;
  lockoutMs: number;
  maxLockoutMs: number;
}

export const DEFAULT_LIMITS: LimiterOptions = { maxFailures: 5, lockoutMs: 60_000, maxLockoutMs: 3_600_000 };

export class AttemptLimiter {
  private failures = 0;
  private lockouts = 0;
  private lockedUntil = 0;

  constructor(
    private readonly options: LimiterOptions = DEFAULT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until invitations are heard again; 0 when not locked out. */
  lockedForMs(): number {
    return Math.max(0, this.lockedUntil - this.now());
  }

  /** Counts a failure; returns how many failures are left before a lockout (0: locked out now). */
  failed(): number {
    this.failures++;
    if (this.failures < this.options.maxFailures) return this.options.maxFailures - this.failures;
    this.lockedUntil = this.now() + Math.min(this.options.maxLockoutMs, this.options.lockoutMs * 2 ** this.lockouts);
    this.lockouts++;
    this.failures = 0;
    return 0;
  }

  succeeded(): void {
    this.failures = 0;
    this.lockouts = 0;
  }
}
