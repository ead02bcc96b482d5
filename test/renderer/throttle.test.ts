import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttled } from '../../renderer/src/lib/throttle.ts';

describe('throttled (the convergence chart updates at most a few times a second)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs the first call at once and folds a burst into one run when the interval ends', () => {
    const task = vi.fn();
    const render = throttled(task, 250);
    render();
    expect(task).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 10; i++) render();
    expect(task).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(250);
    // The trailing run shows the last state.
    expect(task).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(250);
    expect(task).toHaveBeenCalledTimes(2);
  });

  it('runs again at once after a quiet interval', () => {
    const task = vi.fn();
    const render = throttled(task, 250);
    render();
    vi.advanceTimersByTime(250);
    render();
    expect(task).toHaveBeenCalledTimes(2);
  });

  it('drops a pending run when cancelled', () => {
    const task = vi.fn();
    const render = throttled(task, 250);
    render();
    render();
    render.cancel();
    vi.advanceTimersByTime(1000);
    expect(task).toHaveBeenCalledTimes(1);
  });
});
