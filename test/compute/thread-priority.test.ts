/**
 * A control center's compute threads run below its router, orchestrator and windows: each lowers itself (Linux
 * keeps a nice value per thread), and the process's other threads keep theirs.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnNodeThread } from '../../electron/compute/node-threads.ts';
import { COMPUTE_NICE, currentThreadId } from '../../electron/compute/thread-priority.ts';
import type { ComputeThread } from '../../shared/compute/pool.ts';

/** Nice value of every thread of this process, by thread id (field 19 of /proc/<pid>/task/<tid>/stat). */
function niceByThread(): Map<number, number> {
  const nice = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${process.pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
      nice.set(Number(tid), Number(fields[19 - 3]));
    } catch {
      // a thread that ended while listing
    }
  }
  return nice;
}

const started: ComputeThread[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((thread) => thread.terminate()));
});

describe.skipIf(process.platform !== 'linux')('compute thread priority (per-thread nice values exist on Linux only)', () => {
  it('a compute thread lowers itself to nice 10 before it says ready; the threads it shares a process with stay as they were', async () => {
    const before = niceByThread();
    const thread = spawnNodeThread();
    started.push(thread);
    await new Promise<void>((resolve, reject) => {
      thread.onReply((reply) => reply.type === 'ready' && resolve());
      thread.onFailure(reject);
    });
    const after = niceByThread();
    const lowered = [...after].filter(([tid, nice]) => !before.has(tid) && nice === COMPUTE_NICE);
    expect(lowered).toHaveLength(1);
    for (const [tid, nice] of before) if (after.has(tid)) expect(after.get(tid), `thread ${tid}`).toBe(nice);
    expect(after.get(currentThreadId()!)).toBe(before.get(currentThreadId()!));
    expect(COMPUTE_NICE).toBeGreaterThan(before.get(currentThreadId()!)!);
  });
});
