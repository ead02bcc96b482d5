/**
 * Spawns compute threads for the browser pool as Web Workers running slice-worker.ts (the browser
 * twin of electron/compute/node-threads.ts). A stop cuts a slice short only where the page may share
 * memory (crossOriginIsolated, which `kiln serve`'s COOP/COEP headers grant); elsewhere stopping is
 * a no-op and the orchestrator's short slices bound the wasted work.
 */
import type { ComputeThread, ThreadFactory } from '../../../shared/compute/pool.ts';
import type { ThreadReply } from '../../../shared/compute/thread-messages.ts';
import type { StopFlagMessage } from './slice-worker.ts';

const canStopSlices = (): boolean => globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';

export const spawnWebThread: ThreadFactory = (): ComputeThread => {
  // Vite recognises this exact form and bundles the worker as its own chunk.
  const worker = new Worker(new URL('./slice-worker.ts', import.meta.url), { type: 'module', name: 'kiln-slice' });
  const stopFlag = canStopSlices() ? new Int32Array(new SharedArrayBuffer(4)) : null;
  if (stopFlag) worker.postMessage({ type: 'stop-flag', buffer: stopFlag.buffer as SharedArrayBuffer } satisfies StopFlagMessage);
  return {
    post: (message, transfer) => worker.postMessage(message, transfer ?? []),
    onReply: (listener) => worker.addEventListener('message', (event: MessageEvent<ThreadReply>) => listener(event.data)),
    onFailure: (listener) =>
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        listener(new Error(event.message || 'compute thread failed'));
      }),
    setStop: (stop) => {
      if (stopFlag) Atomics.store(stopFlag, 0, stop ? 1 : 0);
    },
    terminate: async () => worker.terminate(),
  };
};
