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
 *
 * Joining without stepping on the others: the ones already dealing hold their whole old share until
 * their slices come back, so a newcomer that dealt at once found those slots taken (Kiln's router
 * queued its calls, Crossbar.io refused them). Instead, each active orchestrator publishes
 * kiln.orchestrator.settled (the registration ids of the others it counts) once its slices out fit its
 * share for them: at once when they already do, else when the last excess slice is back. A newcomer's
 * runs deal once every other active orchestrator has said so with the newcomer's own marker counted
 * (settled()): its calls then find exactly its share free. Registration ids are new with every
 * registration, so a word about an earlier stint of the newcomer never counts.
 */
import { CENTER_NAME, Topics, activeOrchestratorOf, activeOrchestratorProcedure } from '../../shared/protocol/uris.ts';
import { isRecord } from '../../shared/protocol/validate.ts';
import type { WampRegistration, WampSession } from '../../shared/wamp.ts';
import type { RegistrationWatcher } from './registration-feed.ts';

/**
 * How long a newcomer waits at most for the others' word (a peer that never gives it: an older Kiln,
 * or one whose excess slices hang until their deadlines); then it deals, and a call beyond a callee's
 * slots is handled as busy, as it always is.
 */
const SETTLE_WAIT_MS = 15_000;
/** More registration ids than this in one word is not an orchestrator's. */
const MAX_PEERS = 1000;

export class ActiveOrchestrators {
  /** registration id -> [session id, orchestrator id] of every active marker but our own. */
  private readonly others = new Map<number, [number, string]>();
  private sorted: string[] = [];
  private rank = 0;
  private own: WampRegistration | null = null;
  private wanted = false;
  private pending: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<() => void>();
  /** Orchestrator id -> the registration ids it last said it shrank its share for. */
  private readonly settledFor = new Map<string, Set<number>>();
  private readonly settleWaiters = new Set<() => void>();

  /**
   * `report`: what the marker procedure answers (diagnostics: this orchestrator's view of the shares).
   * `withinShare`: whether this orchestrator's slices out fit its share on every callee.
   */
  constructor(
    private readonly session: WampSession,
    readonly id: string,
    private readonly report: () => Record<string, unknown> = () => ({}),
    private readonly withinShare: () => boolean = () => true,
  ) {
    this.recount();
  }

  /** The other orchestrators' markers, as the router reports them (registration-feed.ts). */
  readonly registrations: RegistrationWatcher = {
    wanted: (uri) => activeOrchestratorOf(uri) !== undefined,
    known: (registrationId) => this.others.has(registrationId),
    created: (calleeSession, details) => this.onCreate(calleeSession, details),
    gone: (registrationId) => this.onGone(registrationId),
    left: (sessionId) => {
      for (const [registration, [owner]] of this.others) if (owner === sessionId) this.onGone(registration);
    },
  };

  /** Follows the others' word that they made room (the markers come through `registrations`, on a feed the orchestrator shares). */
  async followSettled(): Promise<void> {
    await this.session.subscribe(Topics.orchestratorSettled, (args) => this.onSettled(args?.[0]));
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

  /**
   * Resolves, for a run about to deal, once the router has this orchestrator's marker and every other
   * active orchestrator (one whose marker came before it: the router told this one of it before
   * answering the registration) has said its slices fit its share with this one counted, or after
   * SETTLE_WAIT_MS, with the ids of those that had not said so. An orchestrator whose marker came later
   * is the newcomer, and waits for this one. Call it after setActive(true).
   */
  settled(): Promise<string[]> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.settleWaiters.delete(done);
        resolve(this.unsettledPeers());
      };
      const timer = setTimeout(done, SETTLE_WAIT_MS);
      timer.unref();
      this.settleWaiters.add(done);
      this.checkSettled();
    });
  }

  /** This orchestrator's slices out now fit its share: the others may be waiting to hear it. */
  announce(): void {
    if (!this.own || !this.session.isOpen || !this.withinShare()) return;
    this.session.publish(Topics.orchestratorSettled, [{ id: this.id, registrations: [...this.others.keys()] }]);
  }

  private async apply(): Promise<void> {
    if (!this.session.isOpen) return;
    if (this.wanted && !this.own) {
      this.own = await this.session.register(activeOrchestratorProcedure(this.id), () => ({ id: this.id, active: this.sorted, ...this.report() }));
      this.announce();
    } else if (!this.wanted && this.own) {
      const own = this.own;
      this.own = null;
      await this.session.unregister(own);
    }
    this.checkSettled();
  }

  /** The other active orchestrators that have not said they shrank with this one's marker counted. */
  private unsettledPeers(): string[] {
    if (!this.wanted || !this.session.isOpen) return [];
    const own = this.own?.id;
    return [...new Set([...this.others.values()].map(([, id]) => id))].filter((id) => own === undefined || !this.settledFor.get(id)?.has(own));
  }

  private checkSettled(): void {
    if (this.settleWaiters.size === 0 || (this.wanted && !this.own && this.session.isOpen) || this.unsettledPeers().length > 0) return;
    for (const done of [...this.settleWaiters]) done();
  }

  private onSettled(word: unknown): void {
    if (!isRecord(word) || typeof word.id !== 'string' || !CENTER_NAME.test(word.id) || word.id === this.id) return;
    const { registrations } = word;
    if (!Array.isArray(registrations) || registrations.length > MAX_PEERS || !registrations.every((id) => Number.isSafeInteger(id))) return;
    this.settledFor.set(word.id, new Set(registrations as number[]));
    this.checkSettled();
  }

  private onCreate(sessionId: unknown, details: unknown): void {
    if (typeof sessionId !== 'number' || !isRecord(details) || typeof details.id !== 'number' || typeof details.uri !== 'string') return;
    const id = activeOrchestratorOf(details.uri);
    if (id === undefined || id === this.id || sessionId === this.session.id) return;
    this.others.set(details.id, [sessionId, id]);
    this.othersChanged();
  }

  private onGone(registration: unknown): void {
    if (typeof registration === 'number' && this.others.delete(registration)) this.othersChanged();
  }

  private othersChanged(): void {
    this.recount();
    this.announce();
    this.checkSettled();
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
