/**
 * Node worker-thread entry: one compute thread of the local pool. The stop flag is a shared
 * Int32 the pool sets to 1 to cut the running slice short (the kernel polls it).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SliceRunner } from '../../shared/compute/slice-runner.ts';
import type { ThreadReply, ThreadRequest } from '../../shared/compute/thread-messages.ts';
import { lowerThisThreadsPriority } from './thread-priority.ts';

lowerThisThreadsPriority();
const stopFlag = new Int32Array(workerData.stopFlag as SharedArrayBuffer);
const runner = new SliceRunner();
const shouldStop = () => Atomics.load(stopFlag, 0) !== 0;

parentPort!.on('message', (message: ThreadRequest) => {
  const reply = runner.handle(message, shouldStop);
  if (reply) parentPort!.postMessage(reply, reply.type === 'done' ? [reply.tour.buffer as ArrayBuffer] : []);
});
parentPort!.postMessage({ type: 'ready' } satisfies ThreadReply);
