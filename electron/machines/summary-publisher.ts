/**
 * The control center's machine summary: follows every kiln.worker.load and kiln.worker.gone on a
 * controller session and publishes one kiln.machines.summary per second (summary.ts), so a page's work
 * per second is the same for 3 machines or 1,000 donors. Quiet while no machine is known.
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
  private readonly rows = new Map<string, { row: MachineRow; seenAt: number }>();
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
      await this.session.subscribe(Topics.workerLoad, (args, kwargs) => this.onLoad(args?.[0] ?? kwargs)),
      await this.session.subscribe(Topics.workerGone, (args, kwargs) => this.onGone(args?.[0] ?? kwargs)),
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
    for (const [id, known] of this.rows) if (known.seenAt < cutoff) this.rows.delete(id);
    return summarize(
      [...this.rows.values()].map((known) => known.row),
      this.now(),
    );
  }

  /** A machine's latest reported load, if it has reported recently. */
  machine(workerId: string): MachineRow | undefined {
    return this.rows.get(workerId)?.row;
  }

  private onLoad(value: unknown): void {
    const row = machineRowOf(value);
    if (row) this.rows.set(row.workerId, { row, seenAt: this.now() });
  }

  private onGone(value: unknown): void {
    const workerId = isRecord(value) ? value.workerId : undefined;
    if (typeof workerId === 'string') this.rows.delete(workerId);
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
