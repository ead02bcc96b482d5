/** kiln.router.registration.on_queue_depth is rate-limited: at once on 0 <-> non-0, else at most every 100 ms with the latest depth. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MetaEvents, QUEUE_DEPTH_INTERVAL_MS } from '../../electron/router/meta-events.ts';

describe('queue depth events', () => {
  let sent: unknown[][];
  let events: MetaEvents;
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    events = new MetaEvents((topic, args) => sent.push([topic, ...args]));
  });
  afterEach(() => {
    events.dispose();
    vi.useRealTimers();
  });

  it('coalesces changes within the interval into one trailing event with the latest depth', () => {
    events.queueDepth(7, 'kiln.solve', 1);
    events.queueDepth(7, 'kiln.solve', 2);
    events.queueDepth(7, 'kiln.solve', 3);
    expect(sent).toEqual([['kiln.router.registration.on_queue_depth', 7, 1]]);
    vi.advanceTimersByTime(QUEUE_DEPTH_INTERVAL_MS);
    expect(sent.map((event) => event[2])).toEqual([1, 3]);
  });

  it('reports becoming empty at once, and keeps registrations apart', () => {
    events.queueDepth(7, 'kiln.solve', 1);
    events.queueDepth(8, 'kiln.other', 5);
    events.queueDepth(7, 'kiln.solve', 0);
    expect(sent.map((event) => [event[1], event[2]])).toEqual([
      [7, 1],
      [8, 5],
      [7, 0],
    ]);
    vi.advanceTimersByTime(QUEUE_DEPTH_INTERVAL_MS * 3);
    expect(sent.length).toBe(3);
  });

  it('sends nothing late for a registration deleted meanwhile', () => {
    const session = { id: 1 } as never;
    events.queueDepth(7, 'kiln.solve', 1);
    events.queueDepth(7, 'kiln.solve', 2);
    events.registrationDeleted(session, 7);
    vi.advanceTimersByTime(QUEUE_DEPTH_INTERVAL_MS * 2);
    expect(sent.map((event) => event[0])).toEqual(['kiln.router.registration.on_queue_depth', 'wamp.registration.on_delete']);
  });
});
