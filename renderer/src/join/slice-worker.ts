/**
 * Web Worker entry: one compute thread of the join page's pool (the browser twin of
 * electron/compute/slice-thread.ts). When the page is cross-origin isolated, its first message is a
 * shared Int32 stop flag that the pool sets to 1 to cut the running slice short; without one the
 * slice runs to its (short) budget.
 */
import { SliceRunner } from '../../../shared/compute/slice-runner.ts';
import type { ThreadReply, ThreadRequest } from '../../../shared/compute/thread-messages.ts';

/** Sent once, before any ThreadRequest, by web-threads.ts. */
export interface StopFlagMessage {
  type: 'stop-flag';
  buffer: SharedArrayBuffer;
}

const runner = new SliceRunner();
let stopFlag: Int32Array | null = null;
const shouldStop = () => stopFlag !== null && Atomics.load(stopFlag, 0) !== 0;

self.onmessage = (event: MessageEvent<ThreadRequest | StopFlagMessage>) => {
  const message = event.data;
  if (message.type === 'stop-flag') {
    stopFlag = new Int32Array(message.buffer);
    return;
  }
  const reply = runner.handle(message, shouldStop);
  if (reply) self.postMessage(reply, { transfer: reply.type === 'done' ? [reply.tour.buffer as ArrayBuffer] : [] });
};
self.postMessage({ type: 'ready' } satisfies ThreadReply);
