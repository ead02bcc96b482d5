/**
 * Candidate lists computed once per problem by the orchestrator and shipped with it (kiln.problem.get), so that
 * no callee thread spends seconds on them: alpha-nearness (shared/tsp/alpha.ts) on a worker thread of its own,
 * one per problem, ended when done; for problems of ALPHA_MIN_CITIES and more (segment runs: up to SEGMENT_ALPHA_MAX_CITIES), while the
 * run's first slices use the nearest lists callees build themselves. Shipping measured far cheaper than computing in every callee
 * (docs/benchmarks.md, "Candidate sets"). A failure costs only the lists: callees then build nearest lists.
 */
import { Worker } from 'node:worker_threads';
import type { NeighbourLists, ProblemData } from '../../shared/tsp/types.ts';
import type { CandidatesReply } from './candidates-thread.ts';

/**
 * The bundles emit candidates-thread.ts as its own file next to their main file and define
 * KILN_CANDIDATES_ENTRY as its name; from sources, the .mjs bootstrap registers tsx in the thread.
 */
declare const KILN_CANDIDATES_ENTRY: string | undefined;
const THREAD_ENTRY = new URL(typeof KILN_CANDIDATES_ENTRY === 'string' ? KILN_CANDIDATES_ENTRY : './candidates-thread.mjs', import.meta.url);

/**
 * Smaller problems ship no lists: their callees build the nearest ones in milliseconds, which already hold all but
 * a percent or two of an optimal tour's edges there, and a short run keeps its first second for slices.
 * The gain was measured from 2,392 cities up (docs/benchmarks.md, "Candidate sets").
 */
export const ALPHA_MIN_CITIES = 1000;

/**
 * Segment runs above this size get no lists; their slices restrict the callees' own. On pla85900 the 2-core machine
 * had not computed them in 120 s (docs/benchmarks.md, "Choosing 'auto'"), so their thread would only take CPU there.
 */
export const SEGMENT_ALPHA_MAX_CITIES = 50_000;

/** Computes the problem's candidate lists on a thread; resolves with them, or rejects with the thread's error. */
export function computeCandidates(data: ProblemData): Promise<NeighbourLists> {
  // The lists are derived from the data alone: what travels is the problem without any old lists.
  const { candidates: _old, ...plain } = data;
  return new Promise((resolve, reject) => {
    const worker = new Worker(THREAD_ENTRY, { workerData: plain });
    let settled = false;
    worker.once('message', (reply: CandidatesReply) => {
      settled = true;
      if (reply.type === 'done') resolve(reply.lists);
      else reject(new Error(`candidate lists for ${data.name}: ${reply.message}`));
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`candidate lists for ${data.name}: the thread exited with code ${code}`));
    });
  });
}

/**
 * Attaches candidate lists to the problems an orchestrator serves, once per problem: runs of the same problem
 * share one computation. prepare() resolves when the problem carries its lists (and a revision one higher), or when
 * computing them failed (reported through onError); it never rejects. Runs do not wait for it: their slices name
 * the revision they want, and callees fetch the new lists (AnnealRequest.candidates).
 */
export class CandidateLists {
  private readonly pending = new Map<string, Promise<NeighbourLists | null>>();

  constructor(
    private readonly compute: (data: ProblemData) => Promise<NeighbourLists> = computeCandidates,
    private readonly onError: (message: string) => void = () => undefined,
  ) {}

  prepare(hash: string, data: ProblemData): Promise<void> {
    if (data.candidates) return Promise.resolve();
    let pending = this.pending.get(hash);
    if (!pending) {
      pending = this.compute(data).catch((error: unknown) => {
        this.onError(error instanceof Error ? error.message : String(error));
        return null;
      });
      this.pending.set(hash, pending);
      void pending.then(() => this.pending.delete(hash));
    }
    return pending.then((lists) => {
      if (!lists) return;
      data.candidates = lists;
      // Slices dealt from now on name it, and callees holding older lists fetch these.
      data.candidatesRevision = (data.candidatesRevision ?? 0) + 1;
    });
  }
}
