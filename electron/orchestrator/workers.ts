/**
 * The compute callees the orchestrator knows of, from their `kiln.worker.load` events. Their summed
 * concurrency is how many slices may be in flight: against Crossbar.io, calls beyond it are rejected
 * with crossbar.error.max_concurrency_reached rather than queued.
 */
import { Topics, isRecord, type WorkerGone, type WorkerLoad } from '../../shared/protocol.ts';
import type { WampSession } from '../../shared/wamp.ts';

interface Known {
  load: WorkerLoad;
  seenAt: number;
}

export class WorkerRegistry {
  private readonly workers = new Map<string, Known>();
  /** The summed concurrency, kept as workers come, change and go: read on every slice's end, so never summed there. */
  private total = 0;
  private readonly listeners = new Set<() => void>();
  private sweepTimer: ReturnType<typeof setInterval> | null = null;

  /** A worker that has not reported for this long is gone (it reports every second). */
  constructor(private readonly staleAfterMs = 3500) {}

  async attach(session: WampSession): Promise<void> {
    await session.subscribe(Topics.workerLoad, (args) => this.onLoad(args?.[0]));
    await session.subscribe(Topics.workerGone, (args) => this.onGone(args?.[0]));
    this.sweepTimer = setInterval(() => this.sweep(), 1000);
    this.sweepTimer.unref?.();
  }

  detach(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  /** Called whenever capacity may have changed (a worker joined, left or changed its concurrency). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get totalConcurrency(): number {
    return this.total;
  }

  list(): WorkerLoad[] {
    return [...this.workers.values()].map((known) => known.load);
  }

  private onLoad(value: unknown): void {
    if (!isValidLoad(value)) return;
    const previous = this.workers.get(value.workerId);
    this.workers.set(value.workerId, { load: value, seenAt: Date.now() });
    this.total += value.concurrency - (previous?.load.concurrency ?? 0);
    if (!previous || previous.load.concurrency !== value.concurrency) this.changed();
  }

  private onGone(value: unknown): void {
    const workerId = (value as Partial<WorkerGone> | undefined)?.workerId;
    if (typeof workerId === 'string' && this.forget(workerId)) this.changed();
  }

  private sweep(): void {
    const cutoff = Date.now() - this.staleAfterMs;
    let removed = false;
    for (const [id, known] of this.workers) {
      if (known.seenAt < cutoff) removed = this.forget(id) || removed;
    }
    if (removed) this.changed();
  }

  private forget(workerId: string): boolean {
    const known = this.workers.get(workerId);
    if (known === undefined) return false;
    this.workers.delete(workerId);
    this.total -= known.load.concurrency;
    return true;
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** Load events come from the network: only well-formed ones count towards capacity. */
function isValidLoad(value: unknown): value is WorkerLoad {
  return (
    isRecord(value) &&
    typeof value.workerId === 'string' &&
    value.workerId.length <= 128 &&
    Number.isInteger(value.concurrency) &&
    (value.concurrency as number) >= 1 &&
    (value.concurrency as number) <= 1024
  );
}
