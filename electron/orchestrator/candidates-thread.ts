/** Worker-thread entry: one problem's candidate lists, off the orchestrator's event loop (candidates.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { buildAlphaNeighbourLists } from '../../shared/tsp/alpha.ts';
import { createInstance } from '../../shared/tsp/instance.ts';
import type { NeighbourLists, ProblemData } from '../../shared/tsp/types.ts';

export type CandidatesReply = { type: 'done'; lists: NeighbourLists } | { type: 'error'; message: string };

let reply: CandidatesReply;
try {
  reply = { type: 'done', lists: buildAlphaNeighbourLists(createInstance(workerData as ProblemData)) };
} catch (error) {
  reply = { type: 'error', message: error instanceof Error ? error.message : String(error) };
}
parentPort!.postMessage(reply, reply.type === 'done' ? [reply.lists.neighbours.buffer as ArrayBuffer] : []);
