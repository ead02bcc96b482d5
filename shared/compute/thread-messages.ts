/**
 * What the pool (main thread, shared/compute/pool.ts) and a compute thread (slice-runner.ts inside a Node
 * worker thread or a browser Web Worker) say to each other, and what a thread keeps between slices.
 */
import type { AnnealRequest } from '../protocol/wire.ts';
import type { SliceStats } from '../tsp/kernel.ts';
import type { ProblemData } from '../tsp/types.ts';

/** A slice as handed to a thread: the kiln.anneal request with its tour already decoded and validated. */
export type SliceJob = Omit<AnnealRequest, 'runId' | 'tour' | 'pending'> & { id: number; tour: Int32Array | null; pending?: Int32Array };

export interface SliceOutcome {
  id: number;
  tour: Int32Array;
  length: number;
  stats: SliceStats;
  stopped: boolean;
  /** See SliceOutput.pending (whole-tour slices). */
  pending?: Int32Array;
}

/** Messages into a compute thread. */
export type ThreadRequest = { type: 'problem'; hash: string; data: ProblemData } | { type: 'slice'; job: SliceJob };

/** Messages out of a compute thread: 'ready' once, when its code has loaded and it takes requests. */
export type ThreadReply = ({ type: 'done' } & SliceOutcome) | { type: 'error'; id: number; message: string } | { type: 'ready' };

/**
 * How many problems a thread keeps prepared; runs rarely overlap, so a few suffice. The oldest by first
 * arrival goes first, and the pool (shared/compute/pool.ts) mirrors that to know what each thread holds.
 */
export const PROBLEMS_KEPT = 3;
