import type { Clock } from '../../electron/orchestrator/clock.ts';

/** A clock driven by the test, whose timers fire `lateMs` after they are due, as on a busy event loop. */
export class LateClock implements Clock {
  time = 0;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;

  constructor(private readonly lateMs: number) {}

  now = (): number => this.time;

  setTimeout(callback: () => void, ms: number): number {
    this.timers.set(this.nextId, { at: this.time + ms + this.lateMs, callback });
    return this.nextId++;
  }

  clearTimeout(timer: unknown): void {
    this.timers.delete(timer as number);
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Fires every timer due by `until`, earliest first, then sets the time to `until`. */
  advanceTo(until: number): void {
    for (;;) {
      const [id, next] = [...this.timers].sort(([, a], [, b]) => a.at - b.at)[0] ?? [];
      if (next === undefined || next.at > until) break;
      this.timers.delete(id!);
      this.time = next.at;
      next.callback();
    }
    this.time = until;
  }
}
