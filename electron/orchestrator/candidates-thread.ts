/** Worker-thread entry: one problem's candidate lists, off the orchestrator's event loop (candidates.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { buildAlphaNeighbourLists } from '../../shared/tsp/alpha.ts';
import { createInstance } from '../../shared/tsp/instance.ts';
import type { NeighbourLists, ProblemData } from '../../shared/tsp/types.ts';
import { lowerThisThreadsPriority } from '../compute/thread-priority.ts';

export type CandidatesReply = { type: 'done'; lists: NeighbourLists } | { type: 'error'; message: string };

// Seconds of CPU on big problems, and no one waits on it interactively: it gives way like the compute threads.
lowerThisThreadsPriority();
let reply: CandidatesReply;
try {
  reply = { type: 'done', lists: buildAlphaNeighbourLists(createInstance(workerData as ProblemData)) };
} catch (error) {
  reply = { type: 'error', message: error instanceof Error ? error.message : String(error) };
}
parentPort!.postMessage(reply, reply.type === 'done' ? [reply.lists.neighbours.buffer as ArrayBuffer] : []);
