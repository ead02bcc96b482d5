/**
 * The orchestrators with runs going on this router, so that several control centers share each
 * callee's slots instead of each dealing up to its whole concurrency (Kiln's router would queue the
 * excess, Crossbar.io reject it). Each orchestrator registers kiln.orchestrator.active.<its id> while it
 * has a run going; every orchestrator follows those registrations through the router's meta API
 * (only controllers may register under kiln.; compute sessions only their own kiln.anneal.<id>).
 *
 * The share: with K active orchestrators, each gets floor(c / K) of a callee's c slots, and the
 * c mod K left over go to different orchestrators on different callees (rotated by the callee's
 * session id), so the shares of one callee add up to exactly c and a single-slot callee serves one
 * orchestrator at a time.
 */
import { activeOrchestratorOf, activeOrchestratorProcedure } from '../../shared/protocol/uris.ts';
import { isRecord } from '../../shared/protocol/validate.ts';
import type { WampRegistration, WampSession } from '../../shared/wamp.ts';
import { scanRegistrations } from './registration-scan.ts';

export class ActiveOrchestrators {
  /** registration id -> [session id, orchestrator id] of every active marker but our own. */
  private readonly others = new Map<number, [number, string]>();
  private sorted: string[] = [];
  private rank = 0;
  private own: WampRegistration | null = null;
  private wanted = false;
  private pending: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<() => void>();

  /** `report`: what the marker procedure answers (diagnostics: this orchestrator's view of the shares). */
  constructor(
    private readonly session: WampSession,
    readonly id: string,
    private readonly report: () => Record<string, unknown> = () => ({}),
  ) {
    this.recount();
  }

  async attach(): Promise<void> {
    const { session } = this;
    await session.subscribe('wamp.registration.on_create', (args) => this.onCreate(args?.[0], args?.[1]));
    await session.subscribe('wamp.registration.on_unregister', (args) => this.onGone(args?.[1]));
    await session.subscribe('wamp.registration.on_delete', (args) => this.onGone(args?.[1]));
    await session.subscribe('wamp.session.on_leave', (args) => {
      for (const [registration, [owner]] of this.others) if (owner === args?.[0]) this.onGone(registration);
    });
    await scanRegistrations(
      session,
      (uri) => activeOrchestratorOf(uri) !== undefined,
      (callee, details) => this.onCreate(callee, details),
      (id) => this.others.has(id),
    );
  }

  /** Called whenever the number of active orchestrators or our place among them changes. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** How many orchestrators have runs going, counting this one as active. */
  get count(): number {
    return this.sorted.length;
  }

  /** This orchestrator's slots on a callee of `concurrency` slots with WAMP session id `calleeSession`. */
  slotsOf(concurrency: number, calleeSession: number): number {
    return shareOf(concurrency, calleeSession, this.rank, this.sorted.length);
  }

  /** Announces (or withdraws) this orchestrator as having runs going; resolves once the router has it. */
  setActive(active: boolean): Promise<void> {
    if (active === this.wanted) return this.pending;
    this.wanted = active;
    this.pending = this.pending.then(() => this.apply()).catch(() => undefined);
    return this.pending;
  }

  private async apply(): Promise<void> {
    if (!this.session.isOpen) return;
    if (this.wanted && !this.own) {
      this.own = await this.session.register(activeOrchestratorProcedure(this.id), () => ({ id: this.id, active: this.sorted, ...this.report() }));
    } else if (!this.wanted && this.own) {
      const own = this.own;
      this.own = null;
      await this.session.unregister(own);
    }
  }

  private onCreate(sessionId: unknown, details: unknown): void {
    if (typeof sessionId !== 'number' || !isRecord(details) || typeof details.id !== 'number' || typeof details.uri !== 'string') return;
    const id = activeOrchestratorOf(details.uri);
    if (id === undefined || id === this.id || sessionId === this.session.id) return;
    this.others.set(details.id, [sessionId, id]);
    this.recount();
  }

  private onGone(registration: unknown): void {
    if (typeof registration === 'number' && this.others.delete(registration)) this.recount();
  }

  private recount(): void {
    const ids = [...new Set([this.id, ...[...this.others.values()].map(([, id]) => id)])].sort();
    const rank = ids.indexOf(this.id);
    if (ids.length === this.sorted.length && rank === this.rank) return;
    this.sorted = ids;
    this.rank = rank;
    for (const listener of this.listeners) listener();
  }
}

/**
 * The slots of a callee (`concurrency`, WAMP session `calleeSession`) that the orchestrator ranked
 * `rank` of `count` active ones may use: the shares of all ranks add up to exactly `concurrency`.
 */
export function shareOf(concurrency: number, calleeSession: number, rank: number, count: number): number {
  if (count <= 1) return concurrency;
  const extra = (rank + (calleeSession % count)) % count < concurrency % count ? 1 : 0;
  return Math.floor(concurrency / count) + extra;
}
