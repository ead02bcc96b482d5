/**
 * Compute threads (and the orchestrator's candidate lists) give way to everything else on their machine. Where every core anneals, the router, the
 * orchestrator and the user's windows would otherwise wait for a core behind them (a control center's page
 * showed 55-116 ms long tasks holding 13 ms of CPU). Volunteer computing does the same: work for the crowd
 * runs at low priority and still gets every idle cycle.
 *
 * Linux keeps a nice value per thread, so a worker thread can lower itself alone, through its thread id
 * (from /proc/thread-self). Elsewhere the value is per process: there the threads keep the process's.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Nice 10: well below interactive work, above a machine's own idle-priority jobs (nice 19). */
export const COMPUTE_NICE = 10;

/** This thread's Linux thread id, or null where there is no /proc/thread-self. */
export function currentThreadId(): number | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/** Lowers the calling thread (not its process) to COMPUTE_NICE; says whether it could. */
export function lowerThisThreadsPriority(): boolean {
  const tid = currentThreadId();
  if (tid === null) return false;
  try {
    setPriority(tid, COMPUTE_NICE);
    return true;
  } catch {
    return false; // e.g. a sandbox that forbids setpriority: the thread runs at its process's priority
  }
}
