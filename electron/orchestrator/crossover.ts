/**
 * Partition crossover for a run's population: in the event loop for problems where it costs a few
 * milliseconds, on a worker thread of its own for larger ones, so that the orchestrator keeps answering
 * (CPU time per crossover, docs/benchmarks.md "Distributed solving": 3-6 ms at 2,392 cities, 8-11 ms at
 * 13,509, 50-60 ms at 33,810, 145-170 ms at 85,900). One thread per run that needs it, started on its
 * first crossover and ended with the run.
 */
import { Worker } from 'node:worker_threads';
import { partitionCrossover, type CrossoverResult } from '../../shared/tsp/gpx.ts';
import type { Instance } from '../../shared/tsp/types.ts';
import type { Crossover } from './population.ts';
import type { CrossoverReply, CrossoverRequest } from './crossover-thread.ts';

/** Up to this many cities a crossover runs in the event loop (about 10 ms at most). */
export const INLINE_MAX_CITIES = 10_000;

/**
 * The bundles emit crossover-thread.ts as its own file next to their main file and define
 * KILN_CROSSOVER_ENTRY as its name; from sources, the .mjs bootstrap registers tsx in the thread.
 */
declare const KILN_CROSSOVER_ENTRY: string | undefined;
const THREAD_ENTRY = new URL(typeof KILN_CROSSOVER_ENTRY === 'string' ? KILN_CROSSOVER_ENTRY : './crossover-thread.mjs', import.meta.url);

export interface CrossoverService {
  cross: Crossover;
  /** Ends the thread, if one was started; crossovers still pending are rejected. */
  close(): void;
}

export function crossoverFor(instance: Instance, inlineMaxCities = INLINE_MAX_CITIES): CrossoverService {
  if (instance.n <= inlineMaxCities) return { cross: (a, la, b, lb) => partitionCrossover(instance, a, b, la, lb), close: () => undefined };
  return new ThreadCrossover(instance);
}

class ThreadCrossover implements CrossoverService {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (result: CrossoverResult) => void; reject: (error: Error) => void }>();
  private closed = false;

  constructor(private readonly instance: Instance) {}

  readonly cross: Crossover = (a, lengthA, b, lengthB) => {
    if (this.closed) return Promise.reject(new Error('the run has ended'));
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<CrossoverResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ type: 'cross', id, a, lengthA, b, lengthB } satisfies CrossoverRequest);
    });
  };

  close(): void {
    this.closed = true;
    this.fail(new Error('the run has ended'));
    void this.worker?.terminate();
    this.worker = null;
  }

  private start(): Worker {
    const worker = new Worker(THREAD_ENTRY);
    worker.unref();
    worker.postMessage({ type: 'problem', data: this.instance.data } satisfies CrossoverRequest);
    worker.on('message', (reply: CrossoverReply) => {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.type === 'done') waiter?.resolve(reply.result);
      else waiter?.reject(new Error(reply.message));
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', () => {
      this.fail(new Error('the crossover thread exited'));
      if (this.worker === worker) this.worker = null;
    });
    this.worker = worker;
    return worker;
  }

  private fail(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}
