/**
 * The control center's machine summary: follows every kiln.worker.load and kiln.worker.gone on a
 * controller session and publishes one kiln.machines.summary per second (summary.ts), so a page's work
 * per second is the same for 3 machines or 1,000 donors. Quiet while no machine is known.
 *
 * A load counts only with its publisher disclosed, and each session has at most one row, under the
 * worker id it holds (worker-ids.ts): a donor may misstate its own row, never add rows or take over
 * another session's worker id. The same binding decides whom the credit ledger credits.
 */
import { Topics } from '../../shared/protocol/uris.ts';
import type { MachineRow, MachinesSummary } from '../../shared/protocol/wire.ts';
import { isRecord } from '../../shared/protocol/validate.ts';
import type { WampSession, WampSubscription } from '../../shared/wamp.ts';
import { machineRowOf, summarize } from './summary.ts';
import { WorkerIds } from './worker-ids.ts';

export interface SummaryOptions {
  intervalMs?: number;
  /** A machine silent this long is gone (they report every second). */
  staleAfterMs?: number;
  now?: () => number;
  /** Where to publish (default kiln.machines.summary; a control center on a shared router, its own). */
  topic?: string;
  /** The binding to keep (default a new one): the orchestrator's (WorkerRegistry.ids), so runs count slices by the same ids. */
  workerIds?: WorkerIds;
}

export class MachineSummaryPublisher {
  /** Who holds which worker id, for as long as the holding session stays. */
  readonly workerIds: WorkerIds;
  /** Rows by the publishing session's id. */
  private readonly rows = new Map<number, { row: MachineRow; seenAt: number }>();
  private readonly subscriptions: WampSubscription[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  /** Whether the last summary listed any machine: one empty summary follows the last one leaving. */
  private lastHadMachines = false;
  private readonly intervalMs: number;
  private readonly staleAfterMs: number;
  private readonly now: () => number;
  private readonly topic: string;

  constructor(
    private readonly session: WampSession,
    options: SummaryOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.staleAfterMs = options.staleAfterMs ?? 3500;
    this.now = options.now ?? Date.now;
    this.topic = options.topic ?? Topics.machinesSummary;
    this.workerIds = options.workerIds ?? new WorkerIds();
  }

  async start(): Promise<void> {
    this.subscriptions.push(
      await this.session.subscribe(Topics.workerLoad, (args, kwargs, details) => this.onLoad(args?.[0] ?? kwargs, details?.publisher)),
      await this.session.subscribe(Topics.workerGone, (args, kwargs) => this.onGone(args?.[0] ?? kwargs)),
      await this.session.subscribe('wamp.session.on_leave', (args) => this.left(args?.[0])),
    );
    this.timer = setInterval(() => this.publish(), this.intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
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
    const sessionId = this.workerIds.holderOf(workerId);
    return sessionId === undefined ? undefined : this.rows.get(sessionId)?.row;
  }

  private onLoad(value: unknown, publisher: number | undefined): void {
    const row = publisher === undefined ? null : machineRowOf(value);
    if (!row || publisher === undefined || !this.workerIds.claim(publisher, row.workerId)) return;
    this.rows.set(publisher, { row, seenAt: this.now() });
  }

  /** kiln.worker.gone comes from the orchestrator only (roles.ts): the worker's callee is gone (its session may stay). */
  private onGone(value: unknown): void {
    const workerId = isRecord(value) ? value.workerId : undefined;
    const sessionId = typeof workerId === 'string' ? this.workerIds.holderOf(workerId) : undefined;
    if (sessionId !== undefined) this.rows.delete(sessionId);
  }

  /** The session left the router: its row goes, and its worker id is free again. */
  private left(sessionId: unknown): void {
    if (typeof sessionId !== 'number') return;
    this.rows.delete(sessionId);
    this.workerIds.release(sessionId);
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
