import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat } from '../../electron/router/heartbeat.ts';

describe('the heartbeat of one connection', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function heartbeat(): { beat: Heartbeat; pings: () => number; timedOut: () => boolean } {
    let pings = 0;
    let timedOut = false;
    const beat = new Heartbeat(
      100,
      250,
      () => pings++,
      () => (timedOut = true),
    );
    beat.start();
    return { beat, pings: () => pings, timedOut: () => timedOut };
  }

  it('sends no ping in an interval in which the peer sent a message (it is alive), and pings once it falls quiet', () => {
    const { beat, pings, timedOut } = heartbeat();
    for (let interval = 0; interval < 10; interval++) {
      beat.heard();
      vi.advanceTimersByTime(100);
    }
    expect(pings()).toBe(0);
    vi.advanceTimersByTime(100);
    expect(pings()).toBe(1);
    expect(timedOut()).toBe(false);
    beat.stop();
  });

  it('ends a connection that falls silent and answers no ping', () => {
    const { beat, pings, timedOut } = heartbeat();
    beat.heard();
    vi.advanceTimersByTime(200);
    expect(pings()).toBe(1);
    vi.advanceTimersByTime(250);
    // The verdict waits for the I/O pending at the deadline (a pong may sit unread): one turn later.
    vi.advanceTimersByTime(1);
    expect(timedOut()).toBe(true);
    beat.stop();
  });

  it('takes a message after a ping as the answer: the peer is alive', () => {
    const { beat, pings, timedOut } = heartbeat();
    vi.advanceTimersByTime(100);
    expect(pings()).toBe(1);
    beat.heard();
    // Past the first ping's deadline (350 ms): the message answered it.
    vi.advanceTimersByTime(260);
    expect(timedOut()).toBe(false);
    beat.stop();
  });
});
