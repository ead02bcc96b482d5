import { describe, expect, it } from 'vitest';
import { ProgressThrottle } from '../../electron/orchestrator/progress-throttle.ts';
import { LateClock } from '../helpers/late-clock.ts';

/** A throttle on `clock` recording when it published. */
function throttled(clock: LateClock): { throttle: ProgressThrottle; published: number[] } {
  const published: number[] = [];
  const throttle = new ProgressThrottle(
    () => {
      published.push(clock.now());
      return true;
    },
    100,
    clock,
  );
  return { throttle, published };
}

/** New bests every `everyMs` from 0 to before `untilMs`. */
function bestsEvery(clock: LateClock, throttle: ProgressThrottle, everyMs: number, untilMs: number): void {
  for (let at = 0; at < untilMs; at += everyMs) {
    clock.advanceTo(at);
    throttle.changed();
  }
}

describe('the progress throttle', () => {
  it('publishes at its full 10 per second while bests keep coming, even when every timer fires 10 ms late', () => {
    const clock = new LateClock(10);
    const { throttle, published } = throttled(clock);
    bestsEvery(clock, throttle, 10, 10_000);
    // One per 100 ms window of the 10 s: a late timer does not push the later windows back.
    expect(published).toHaveLength(100);
    const gaps = published.slice(1).map((at, i) => at - published[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(90);
  });

  it('never publishes twice within half a window, however late a timer fires', () => {
    const clock = new LateClock(70);
    const { throttle, published } = throttled(clock);
    bestsEvery(clock, throttle, 10, 5_000);
    const gaps = published.slice(1).map((at, i) => at - published[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(50);
    expect(published.length).toBeGreaterThan(5_000 / 170);
  });

  it('publishes a best at once when no window is open, and one held back when its window ends', () => {
    const clock = new LateClock(0);
    const { throttle, published } = throttled(clock);
    throttle.changed();
    clock.advanceTo(30);
    throttle.changed();
    expect(published).toEqual([0]);
    clock.advanceTo(250);
    expect(published).toEqual([0, 100]);
    // The window after 100 saw no best: the throttle is idle, so the next best goes out at once.
    expect(clock.pending).toBe(0);
    throttle.changed();
    expect(published).toEqual([0, 100, 250]);
  });

  it('sends the best a window still holds back when the run ends, and leaves no timer behind', () => {
    const clock = new LateClock(0);
    const { throttle, published } = throttled(clock);
    throttle.changed();
    clock.advanceTo(40);
    throttle.changed();
    throttle.flush();
    expect(published).toEqual([0, 40]);
    expect(clock.pending).toBe(0);
    throttle.flush();
    expect(published).toEqual([0, 40]);
  });

  it('tries again at the next window when a best could not go out (no session)', () => {
    const clock = new LateClock(0);
    let open = false;
    const published: number[] = [];
    const throttle = new ProgressThrottle(() => open && published.push(clock.now()) > 0, 100, clock);
    throttle.changed();
    expect(published).toEqual([]);
    open = true;
    clock.advanceTo(150);
    expect(published).toEqual([100]);
  });
});
