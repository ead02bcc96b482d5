/**
 * When a run's progress events go out: one per new best, the first at once, then at most one per
 * window of `intervalMs`, and the last best held back by a window sent when the run ends.
 *
 * The windows keep their own grid: the next one ends a full interval after the previous one was due,
 * not after the moment its timer happened to fire. Timers on a busy event loop fire a few ms late, and
 * re-arming from the firing let that lateness add up, so a run that kept improving published at
 * 1 / (interval + lateness) instead of its full 10 per second. A timer later than half a window starts
 * a new grid, so two events are never closer than half a window.
 */
import { systemClock, type Clock } from './clock.ts';

export class ProgressThrottle {
  private timer: unknown = null;
  private dirty = false;
  /** When the open window ends. */
  private windowEnd = 0;

  /** `publish` sends the current best and says whether it went out (no session: it is tried again later). */
  constructor(
    private readonly publish: () => boolean,
    private readonly intervalMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  /** A new best: published now when no window is open, else when the open one ends. */
  changed(): void {
    this.dirty = true;
    if (this.timer !== null) return;
    this.publishInWindowFrom(this.clock.now());
  }

  /** The run ended: a best still held back goes out now, and no timer is left behind. */
  flush(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    if (this.dirty && this.publish()) this.dirty = false;
  }

  private publishInWindowFrom(start: number): void {
    if (this.publish()) this.dirty = false;
    this.windowEnd = start + this.intervalMs;
    this.timer = this.clock.setTimeout(() => this.windowEnded(), Math.max(0, this.windowEnd - this.clock.now()));
  }

  private windowEnded(): void {
    this.timer = null;
    if (!this.dirty) return;
    const now = this.clock.now();
    this.publishInWindowFrom(now - this.windowEnd < this.intervalMs / 2 ? this.windowEnd : now);
  }
}
