/** Worker-thread entry: partition crossovers of one run's tours, off the orchestrator's event loop (crossover.ts). */
import { parentPort } from 'node:worker_threads';
import { partitionCrossover, type CrossoverResult } from '../../shared/tsp/gpx.ts';
import { createInstance } from '../../shared/tsp/instance.ts';
import type { Instance, ProblemData } from '../../shared/tsp/types.ts';

export type CrossoverRequest =
  { type: 'problem'; data: ProblemData } | { type: 'cross'; id: number; a: Int32Array; lengthA: number; b: Int32Array; lengthB: number };

export type CrossoverReply = { type: 'done'; id: number; result: CrossoverResult } | { type: 'error'; id: number; message: string };

let instance: Instance | null = null;

parentPort?.on('message', (message: CrossoverRequest) => {
  if (message.type === 'problem') {
    instance = createInstance(message.data);
    return;
  }
  let reply: CrossoverReply;
  try {
    if (!instance) throw new Error('no problem was sent to the crossover thread');
    reply = { type: 'done', id: message.id, result: partitionCrossover(instance, message.a, message.b, message.lengthA, message.lengthB) };
  } catch (error) {
    reply = { type: 'error', id: message.id, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply, reply.type === 'done' ? [reply.result.tour.buffer as ArrayBuffer] : []);
});
