/** Spawns compute threads for the Node pool as worker_threads running slice-thread.ts. */
import { Worker } from 'node:worker_threads';
import type { ComputeThread, ThreadFactory } from '../../shared/compute/pool.ts';
import type { ThreadReply } from '../../shared/compute/thread-messages.ts';

/**
 * The bundles (build/electron.mjs, build/cli.mjs) emit slice-thread.ts as its own file next to their
 * main file and define KILN_THREAD_ENTRY as that file's name; from sources (tests, benchmarks), the
 * .mjs bootstrap registers tsx in the thread (see slice-thread.mjs).
 */
declare const KILN_THREAD_ENTRY: string | undefined;
const THREAD_ENTRY = new URL(typeof KILN_THREAD_ENTRY === 'string' ? KILN_THREAD_ENTRY : './slice-thread.mjs', import.meta.url);

export const spawnNodeThread: ThreadFactory = (): ComputeThread => {
  const stopBuffer = new SharedArrayBuffer(4);
  const stopFlag = new Int32Array(stopBuffer);
  const worker = new Worker(THREAD_ENTRY, { workerData: { stopFlag: stopBuffer } });
  worker.unref();
  return {
    post: (message, transfer) => worker.postMessage(message, transfer ?? []),
    onReply: (listener) => worker.on('message', (reply: ThreadReply) => listener(reply)),
    onFailure: (listener) => {
      worker.on('error', listener);
      worker.on('exit', (code) => {
        if (code !== 0) listener(new Error(`compute thread exited with code ${code}`));
      });
    },
    setStop: (stop) => Atomics.store(stopFlag, 0, stop ? 1 : 0),
    terminate: async () => {
      await worker.terminate();
    },
  };
};
