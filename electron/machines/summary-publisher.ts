/**
 * The control center's machine summary: follows every kiln.worker.load and kiln.worker.gone on a
 * controller session and publishes one kiln.machines.summary per second (summary.ts), so a page's work
 * per second is the same for 3 machines or 1,000 donors. Quiet while no machine is known.
 *
 * A load counts only with its publisher disclosed, and each session has at most one row: a donor may
 * misstate its own row, never add rows or take over another session's worker id (the first keeps it).
 */
import { Topics } from '../../shared/protocol/uris.ts';
import type { MachineRow, MachinesSummary } from '../../shared/protocol/wire.ts';
import { isRecord } from '../../shared/protocol/validate.ts';
import type { WampSession, WampSubscription } from '../../shared/wamp.ts';
import { machineRowOf, summarize } from './summary.ts';

export interface SummaryOptions {
  intervalMs?: number;
  /** A machine silent this long is gone (they report every second). */
  staleAfterMs?: number;
  now?: () => number;
}

export class MachineSummaryPublisher {
  /** Rows by the publishing session's id; owners maps a worker id to the session that holds it. */
  private readonly rows = new Map<number, { row: MachineRow; seenAt: number }>();
  private readonly owners = new Map<string, number>();
  private readonly subscriptions: WampSubscription[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  /** Whether the last summary listed any machine: one empty summary follows the last one leaving. */
  private lastHadMachines = false;
  private readonly intervalMs: number;
  private readonly staleAfterMs: number;
  private readonly now: () => number;

  constructor(
    private readonly session: WampSession,
    options: SummaryOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.staleAfterMs = options.staleAfterMs ?? 3500;
    this.now = options.now ?? Date.now;
  }

  async start(): Promise<void> {
    this.subscriptions.push(
      await this.session.subscribe(Topics.workerLoad, (args, kwargs, details) => this.onLoad(args?.[0] ?? kwargs, details?.publisher)),
      await this.session.subscribe(Topics.workerGone, (args, kwargs) => this.onGone(args?.[0] ?? kwargs)),
      await this.session.subscribe('wamp.session.on_leave', (args) => this.forget(args?.[0])),
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
    for (const [sessionId, known] of this.rows) if (known.seenAt < cutoff) this.forget(sessionId);
    return summarize(
      [...this.rows.values()].map((known) => known.row),
      this.now(),
    );
  }

  /** A machine's latest reported load, if it has reported recently. */
  machine(workerId: string): MachineRow | undefined {
    const sessionId = this.owners.get(workerId);
    return sessionId === undefined ? undefined : this.rows.get(sessionId)?.row;
  }

  private onLoad(value: unknown, publisher: number | undefined): void {
    const row = publisher === undefined ? null : machineRowOf(value);
    if (!row || publisher === undefined) return;
    const owner = this.owners.get(row.workerId);
    if (owner !== undefined && owner !== publisher) return;
    const previous = this.rows.get(publisher)?.row.workerId;
    if (previous !== undefined && previous !== row.workerId) this.owners.delete(previous);
    this.owners.set(row.workerId, publisher);
    this.rows.set(publisher, { row, seenAt: this.now() });
  }

  /** kiln.worker.gone comes from the orchestrator only (roles.ts): the worker's session has left. */
  private onGone(value: unknown): void {
    const workerId = isRecord(value) ? value.workerId : undefined;
    const sessionId = typeof workerId === 'string' ? this.owners.get(workerId) : undefined;
    if (sessionId !== undefined) this.forget(sessionId);
  }

  private forget(sessionId: unknown): void {
    if (typeof sessionId !== 'number') return;
    const known = this.rows.get(sessionId);
    if (!known) return;
    this.rows.delete(sessionId);
    if (this.owners.get(known.row.workerId) === sessionId) this.owners.delete(known.row.workerId);
  }

  private publish(): void {
    if (!this.session.isOpen) return;
    const summary = this.current();
    const hasMachines = summary.totals.machines > 0;
    if (!hasMachines && !this.lastHadMachines) return;
    this.lastHadMachines = hasMachines;
    this.session.publish(Topics.machinesSummary, [summary]);
  }
}
