import { describe, expect, it } from 'vitest';
import { toBytes } from '../../shared/protocol/codecs.ts';
import { ProgressHandover } from '../../renderer/src/lib/feed/handover.ts';
import { decodeProgress, type DecodedProgress } from '../../renderer/src/lib/feed/progress.ts';

function progress(runId: string, elapsedMs: number): DecodedProgress {
  return { runId, elapsedMs, bestLength: 1000 - elapsedMs, tour: Int32Array.of(0, 1, 2), slicesDone: elapsedMs, movesPerSecond: 5 };
}

describe('the run feed worker hands the page progress', () => {
  function handover(): { sent: Array<[string, number, number]>; feed: ProgressHandover } {
    const sent: Array<[string, number, number]> = [];
    return { sent, feed: new ProgressHandover((p, received) => sent.push([p.runId, p.elapsedMs, received])) };
  }

  it('sends the followed run only, one at a time, the newest once the page has shown the last, counting every event', () => {
    const { sent, feed } = handover();
    feed.follow('a');
    feed.received(progress('a', 1));
    feed.received(progress('b', 1));
    feed.received(progress('a', 2));
    feed.received(progress('a', 3));
    expect(sent).toEqual([['a', 1, 1]]);
    feed.shown();
    // 2 was replaced by 3 before the page was ready: never sent, but counted.
    expect(sent).toEqual([
      ['a', 1, 1],
      ['a', 3, 3],
    ]);
    feed.shown();
    expect(sent).toHaveLength(2);
  });

  it('sends the latest progress of a run the page starts to follow, once', () => {
    const { sent, feed } = handover();
    feed.received(progress('a', 1));
    feed.received(progress('a', 2));
    expect(sent).toEqual([]);
    feed.follow('a');
    expect(sent).toEqual([['a', 2, 2]]);
    feed.shown();
    feed.follow('a');
    expect(sent).toHaveLength(1);
  });

  it('keeps the latest of the four most recent runs only', () => {
    const { sent, feed } = handover();
    for (const runId of ['a', 'b', 'c', 'd', 'e']) feed.received(progress(runId, 1));
    feed.follow('a');
    expect(sent).toEqual([]);
    feed.follow('b');
    expect(sent).toEqual([['b', 1, 1]]);
  });
});

describe('decodeProgress', () => {
  it('decodes the tour from bytes or numbers and refuses what is not progress', () => {
    const tour = Int32Array.of(2, 0, 1);
    const fromBytes = decodeProgress({ runId: 'r', elapsedMs: 5, bestLength: 9, tour: toBytes(tour), slicesDone: 1, movesPerSecond: 2, gapPercent: 1.5 });
    expect(fromBytes).toEqual({ runId: 'r', elapsedMs: 5, bestLength: 9, tour, slicesDone: 1, movesPerSecond: 2, gapPercent: 1.5 });
    expect(decodeProgress({ runId: 'r', elapsedMs: 5, bestLength: 9, tour: [2, 0, 1], slicesDone: 1, movesPerSecond: 2 })?.tour).toEqual(tour);
    // A malformed tour still gives the figures.
    expect(decodeProgress({ runId: 'r', elapsedMs: 5, bestLength: 9, tour: new Uint8Array(3), slicesDone: 1, movesPerSecond: 2 })).toMatchObject({
      bestLength: 9,
      tour: null,
    });
    expect(decodeProgress({ runId: 'r', bestLength: '9' })).toBeNull();
    expect(decodeProgress(null)).toBeNull();
  });
});
