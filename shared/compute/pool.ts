/**
 * A pool of compute threads running annealing slices, one slice per thread at a time. Isomorphic:
 * the Node pool (worker_threads) and the browser pool (Web Workers) differ only in how a thread is
 * spawned, which the caller passes in as a ThreadFactory.
 */
import { candidatesRevisionOf, type ProblemData } from '../tsp/types.ts';
import { PROBLEMS_KEPT, type SliceJob, type SliceOutcome, type ThreadReply, type ThreadRequest } from './thread-messages.ts';

/** One spawned compute thread, as the pool sees it. */
export interface ComputeThread {
  post(message: ThreadRequest, transfer?: ArrayBuffer[]): void;
  onReply(listener: (reply: ThreadReply) => void): void;
  onFailure(listener: (error: Error) => void): void;
  /** Sets (true) or clears the thread's stop flag, which the running slice polls. */
  setStop(stop: boolean): void;
  terminate(): Promise<void>;
}

export type ThreadFactory = () => ComputeThread;

interface Slot {
  thread: ComputeThread;
  /** The thread said 'ready': its code has loaded (a thread that fails before that is not replaced). */
  ready: boolean;
  /**
   * The problems the thread holds, in the order it first got them (it drops the oldest beyond PROBLEMS_KEPT), with
   * the revision of their candidate lists (0: the nearest lists it built).
   */
  problems: Map<string, number>;
  busy: { runId: string; resolve: (outcome: SliceOutcome) => void; reject: (error: Error) => void } | null;
}

interface Waiting {
  runId: string;
  job: Omit<SliceJob, 'id'>;
  data: ProblemData;
  resolve: (outcome: SliceOutcome) => void;
  reject: (error: Error) => void;
}

export class SlicePool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Waiting[] = [];
  private nextId = 1;
  private closed = false;
  private readonly allReady: Promise<void>;
  private settleReady!: (error?: Error) => void;

  constructor(
    readonly size: number,
    private readonly spawn: ThreadFactory,
  ) {
    this.allReady = new Promise<void>((resolve, reject) => {
      this.settleReady = (error) => (error ? reject(error) : resolve());
    });
    // Nobody may be waiting yet: a start failure is reported to whoever calls ready(), not as unhandled.
    this.allReady.catch(() => undefined);
    for (let i = 0; i < size; i++) this.slots.push(this.createSlot());
  }

  /**
   * Resolves once every thread has loaded its code (a callee registers only then, so no slice waits
   * on a cold thread); rejects when a thread fails before that, with its reason.
   */
  ready(): Promise<void> {
    return this.allReady;
  }

  get busyCount(): number {
    return this.slots.filter((slot) => slot.busy).length;
  }

  /** Runs one slice on a free thread (waiting for one if all are busy). */
  run(runId: string, job: Omit<SliceJob, 'id'>, data: ProblemData): Promise<SliceOutcome> {
    if (this.closed) return Promise.reject(new Error('compute pool is closed'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ runId, job, data, resolve, reject });
      this.dispatch();
    });
  }

  /** Cuts every running slice of a run short (they answer with their best so far) and drops queued ones. */
  stopRun(runId: string): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      if (this.waiting[i].runId === runId) this.waiting.splice(i, 1)[0].reject(new Error(`run ${runId} was stopped`));
    }
    for (const slot of this.slots) if (slot.busy?.runId === runId) slot.thread.setStop(true);
  }

  /** Cuts every running slice short and drops the queued ones (their callers are gone). */
  stopAll(): void {
    for (const waiting of this.waiting.splice(0)) waiting.reject(new Error('slices abandoned'));
    for (const slot of this.slots) if (slot.busy) slot.thread.setStop(true);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.settleReady(new Error('compute pool is closed'));
    for (const waiting of this.waiting.splice(0)) waiting.reject(new Error('compute pool is closed'));
    await Promise.all(this.slots.map((slot) => slot.thread.terminate()));
  }

  private createSlot(): Slot {
    const slot: Slot = { thread: this.spawn(), ready: false, problems: new Map(), busy: null };
    slot.thread.onReply((reply) => {
      if (reply.type === 'ready') {
        slot.ready = true;
        if (this.slots.every((each) => each.ready)) this.settleReady();
        return;
      }
      const busy = slot.busy;
      slot.busy = null;
      if (busy) {
        if (reply.type === 'done') busy.resolve(reply);
        else busy.reject(new Error(reply.message));
      }
      this.dispatch();
    });
    slot.thread.onFailure((error) => this.replaceSlot(slot, error));
    return slot;
  }

  /**
   * A crashed thread fails its slice and is replaced, so the pool keeps its size. One that failed
   * before it was ever ready (its code does not load) is dropped instead of respawned in a loop.
   */
  private replaceSlot(slot: Slot, error: Error): void {
    slot.busy?.reject(error);
    const index = this.slots.indexOf(slot);
    if (index < 0 || this.closed) return;
    if (slot.ready) {
      this.slots[index] = this.createSlot();
    } else {
      this.slots.splice(index, 1);
      this.settleReady(new Error(`a compute thread failed to start: ${error.message}`));
    }
    this.dispatch();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.waiting.length === 0) return;
      if (slot.busy) continue;
      const next = this.waiting.shift()!;
      const hash = next.job.problemHash;
      const revision = candidatesRevisionOf(next.data);
      // A problem the thread lacks, or holds with older candidate lists (the thread keeps its instance then).
      if ((slot.problems.get(hash) ?? -1) < revision) {
        slot.thread.post({ type: 'problem', hash, data: next.data });
        slot.problems.set(hash, revision);
        // Forget what the thread forgets, so a problem seen again is sent again.
        if (slot.problems.size > PROBLEMS_KEPT) slot.problems.delete(slot.problems.keys().next().value as string);
      }
      slot.busy = { runId: next.runId, resolve: next.resolve, reject: next.reject };
      slot.thread.setStop(false);
      slot.thread.post({ type: 'slice', job: { ...next.job, id: this.nextId++ } });
    }
  }
}
