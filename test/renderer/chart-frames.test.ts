import { describe, expect, it } from 'vitest';
import { FrameQueue } from '../../renderer/src/lib/charts/frames.ts';

/** A queue on a hand-driven frame clock: `frame()` runs the callbacks requested so far, as one animation frame. */
function queueOnManualFrames(): { queue: FrameQueue; frame: () => void; requested: () => number } {
  let callbacks: Array<() => void> = [];
  const queue = new FrameQueue((callback) => callbacks.push(callback));
  return {
    queue,
    frame: () => {
      const due = callbacks;
      callbacks = [];
      for (const callback of due) callback();
    },
    requested: () => callbacks.length,
  };
}

describe('chart redraws, one per animation frame', () => {
  it('runs one redraw a frame, in the order the charts first asked', () => {
    const { queue, frame } = queueOnManualFrames();
    const drawn: string[] = [];
    const [moves, cpu, convergence] = [{}, {}, {}];
    queue.schedule(moves, () => drawn.push('moves'));
    queue.schedule(cpu, () => drawn.push('cpu'));
    queue.schedule(convergence, () => drawn.push('convergence'));
    expect(drawn).toEqual([]);
    frame();
    expect(drawn).toEqual(['moves']);
    frame();
    frame();
    expect(drawn).toEqual(['moves', 'cpu', 'convergence']);
  });

  it('draws the latest data of a chart asked again before its turn, once, in its first place', () => {
    const { queue, frame } = queueOnManualFrames();
    const drawn: string[] = [];
    const [a, b] = [{}, {}];
    queue.schedule(a, () => drawn.push('a1'));
    queue.schedule(b, () => drawn.push('b'));
    queue.schedule(a, () => drawn.push('a2'));
    frame();
    frame();
    frame();
    expect(drawn).toEqual(['a2', 'b']);
  });

  it('asks for no frame when nothing is pending, and drops a cancelled redraw', () => {
    const { queue, frame, requested } = queueOnManualFrames();
    const drawn: string[] = [];
    const gone = {};
    queue.schedule(gone, () => drawn.push('gone'));
    queue.cancel(gone);
    frame();
    expect(drawn).toEqual([]);
    expect(requested()).toBe(0);
  });

  it('keeps going after a redraw throws', () => {
    const { queue, frame } = queueOnManualFrames();
    const drawn: string[] = [];
    queue.schedule({}, () => {
      throw new Error('chart destroyed');
    });
    queue.schedule({}, () => drawn.push('next'));
    expect(() => frame()).toThrow('chart destroyed');
    frame();
    expect(drawn).toEqual(['next']);
  });
});
