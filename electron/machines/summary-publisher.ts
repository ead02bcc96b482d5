/**
 * The control center's machine summary: follows every kiln.worker.load and kiln.worker.gone on a
 * controller session and publishes one kiln.machines.summary per second (summary.ts), so a page's work
 * per second is the same for 3 machines or 1,000 donors. Quiet while no machine is known.
 *
 * A load counts only with its publisher disclosed, and each session has at most one row, under the
 * worker id it holds (worker-ids.ts): a donor may misstate its own row, never add rows or take over
 * another session's worker id. The same binding decides whom the credit ledger credits. The loads and
 * departures come from the orchestrator's WorkerRegistry, which owns that binding (LoadFeed).
 */
import { Topics } from '../../shared/protocol/uris.ts';
import type { MachineRow, MachinesSummary } from '../../shared/protocol/wire.ts';
import { isRecord } from '../../shared/protocol/validate.ts';
import type { WampSession, WampSubscription } from '../../shared/wamp.ts';
import { machineRowOf, summarize } from './summary.ts';
import type { ReadonlyWorkerIds } from './worker-ids.ts';

/** Where the summary learns of loads and departures: the orchestrator's WorkerRegistry, which binds worker ids to sessions. */
export interface LoadFeed {
  readonly ids: ReadonlyWorkerIds;
  /** Each load whose (disclosed) publisher holds the worker id it names. */
  onLoad(listener: (session: number, load: Record<string, unknown>) => void): () => void;
  /** A session left the router (its worker id is free again). */
  onSessionLeft(listener: (session: number) => void): () => void;
}

export interface SummaryOptions {
  intervalMs?: number;
  /** A machine silent this long is gone (they report every second). */
  staleAfterMs?: number;
  now?: () => number;
  /** Where to publish (default kiln.machines.summary; a control center on a shared router, its own). */
  topic?: string;
}

export class MachineSummaryPublisher {
  /** Rows by the publishing session's id. */
  private readonly rows = new Map<number, { row: MachineRow; seenAt: number }>();
  private readonly subscriptions: WampSubscription[] = [];
  private readonly unlisten: Array<() => void> = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  /** Whether the last summary listed any machine: one empty summary follows the last one leaving. */
  private lastHadMachines = false;
  private readonly intervalMs: number;
  private readonly staleAfterMs: number;
  private readonly now: () => number;
  private readonly topic: string;

  constructor(
    private readonly session: WampSession,
    private readonly feed: LoadFeed,
    options: SummaryOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.staleAfterMs = options.staleAfterMs ?? 3500;
    this.now = options.now ?? Date.now;
    this.topic = options.topic ?? Topics.machinesSummary;
  }

  async start(): Promise<void> {
    this.unlisten.push(
      this.feed.onLoad((session, load) => this.onLoad(session, load)),
      this.feed.onSessionLeft((session) => this.left(session)),
    );
    this.subscriptions.push(await this.session.subscribe(Topics.workerGone, (args, kwargs) => this.onGone(args?.[0] ?? kwargs)));
    this.timer = setInterval(() => this.publish(), this.intervalMs);
    this.timer.unref?.();
  }

  /** Stops publishing and following: the feed's listeners and the kiln.worker.gone subscription are released. */
  async stop(): Promise<void> {
    for (const stop of this.unlisten.splice(0)) stop();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const subscriptions = this.subscriptions.splice(0);
    // A closed session's subscriptions went with it.
    if (this.session.isOpen) await Promise.all(subscriptions.map((subscription) => this.session.unsubscribe(subscription).catch(() => undefined)));
  }

  /** The summary as of now (also what the next publish sends). */
  current(): MachinesSummary {
    const cutoff = this.now() - this.staleAfterMs;
    // A silent machine leaves the table; its session keeps its worker id until it leaves the router.
    for (const [sessionId, known] of this.rows) if (known.seenAt < cutoff) this.rows.delete(sessionId);
    return summarize(
      [...this.rows.values()].map((known) => known.row),
      this.now(),
    );
  }

  /** A machine's latest reported load, if it has reported recently. */
  machine(workerId: string): MachineRow | undefined {
    const sessionId = this.feed.ids.holderOf(workerId);
    return sessionId === undefined ? undefined : this.rows.get(sessionId)?.row;
  }

  /** A load of a session that holds the worker id it names (the feed checked). */
  private onLoad(publisher: number, value: unknown): void {
    const row = machineRowOf(value);
    if (row) this.rows.set(publisher, { row, seenAt: this.now() });
  }

  /** kiln.worker.gone comes from the orchestrator only (roles.ts): the worker's callee is gone (its session may stay). */
  private onGone(value: unknown): void {
    const workerId = isRecord(value) ? value.workerId : undefined;
    const sessionId = typeof workerId === 'string' ? this.feed.ids.holderOf(workerId) : undefined;
    if (sessionId !== undefined) this.rows.delete(sessionId);
  }

  /** The session left the router: its row goes. */
  private left(sessionId: number): void {
    this.rows.delete(sessionId);
  }

  private publish(): void {
    if (!this.session.isOpen) return;
    const summary = this.current();
    const hasMachines = summary.totals.machines > 0;
    if (!hasMachines && !this.lastHadMachines) return;
    this.lastHadMachines = hasMachines;
    this.session.publish(this.topic, [summary]);
  }
}
