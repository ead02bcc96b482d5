/**
 * The compute callees the orchestrator deals slices to, as the router reports them, never as they
 * claim: a callee is a session that registered its own kiln.anneal.<session id> (the router's
 * registration meta API: wamp.registration.on_create, on_unregister, on_delete, and a scan at
 * start), with the concurrency it registered (Kiln's router reports it; against a router that does
 * not, the session's own load claim, capped), and it is gone when the router says its registration
 * or its session is (wamp.session.on_leave). Load events count only with the publisher disclosed,
 * and only for that publisher: invented worker ids give no capacity, and no session speaks for another.
 * A load binds its worker id to its session (worker-ids.ts) and counts only under the id its session
 * holds; runs count slices, and the Machines table and the credit ledger name machines, by that binding.
 */
import { MAX_CALLEE_CONCURRENCY, Topics, annealCalleeOf } from '../../shared/protocol/uris.ts';
import type { WorkerLoad } from '../../shared/protocol/wire.ts';
import { isRecord } from '../../shared/protocol/validate.ts';
import type { WampSession } from '../../shared/wamp.ts';
import { watchRegistrations, type RegistrationWatcher } from './registration-feed.ts';
import { SlotHeap } from './slot-heap.ts';
import { loopLag } from './lag-timer.ts';
import { systemClock, type Clock } from './clock.ts';
import { WorkerIds, isWorkerId, sessionWorkerId } from '../machines/worker-ids.ts';

/** How long a callee's first slice may overrun its budget: it fetches the problem and builds its state first. */
const FIRST_GRACE_MS = 5000;
/** Bounds of the grace a callee gets past a slice's budget, once it has answered before. */
const MIN_GRACE_MS = 500;
const MAX_GRACE_MS = 10_000;

/**
 * How long a callee whose slots the router said are all taken (crossbar.error.max_concurrency_reached,
 * by another orchestrator's calls on a shared router: no fault of the callee's) is dealt nothing.
 */
export const BUSY_BACKOFF_MS = 100;

/** What the orchestrator has seen of one callee's answers: the deadline it gets comes from this. */
export class CalleeRecord {
  private answered = 0;
  /** The largest recent overrun (answer time beyond the slice budget), decaying so old hiccups fade. */
  private overrunMs = 0;

  /** A slice came back `overrunMs` after its budget. */
  answeredAfter(overrunMs: number): void {
    this.answered++;
    this.overrunMs = Math.max(Math.max(0, overrunMs), this.overrunMs * 0.8);
  }

  get neverAnswered(): boolean {
    return this.answered === 0;
  }

  /**
   * How long past a slice's budget this callee may stay silent before it is presumed lost. On a busy
   * machine (this process's loop lags, see lag-timer.ts) honest answers come late too: the floor grows
   * with that lag, which no peer can fake, whereas a callee's own overrun counts for it alone.
   */
  graceMs(now = Date.now()): number {
    if (this.answered === 0) return FIRST_GRACE_MS;
    const floorMs = MIN_GRACE_MS + 2 * loopLag.recent(now);
    return Math.min(MAX_GRACE_MS, Math.max(floorMs, 3 * this.overrunMs + 250));
  }
}

export interface Callee {
  /** The WAMP session id the router gave it. */
  readonly session: number;
  /** kiln.anneal.<session>, the procedure the router lets only this session register. */
  readonly procedure: string;
  readonly registrationId: number;
  /**
   * The slots this orchestrator may use on it: all of calleeConcurrency, or its share of them while other
   * orchestrators deal to the same callees (setShare). The slot order (SlotHeap) reads this.
   */
  concurrency: number;
  /** The callee's own concurrency: from the router when it reports it (Kiln's router), else the session's claim capped; until then 1. */
  calleeConcurrency: number;
  readonly registeredConcurrency: number | undefined;
  /** Slices this orchestrator has in flight on it, over all runs. */
  inFlight: number;
  /** Until when (on the registry's clock) it is dealt nothing: the router said its slots are all taken (backOff). Busy, not at fault. */
  busyUntil: number;
  /** Its latest load event: what it claims about itself (host, worker id), for display and messages only. */
  load: WorkerLoad | undefined;
  readonly record: CalleeRecord;
}

export class WorkerRegistry {
  /**
   * Which session holds which worker id, bound by their loads: the one identity runs, the machine summary
   * and credit go by. Claimed and released here only (donor credit also claims on a donor's own call).
   */
  readonly ids = new WorkerIds();
  private readonly callees = new Map<number, Callee>();
  private readonly byRegistration = new Map<number, Callee>();
  /** The summed concurrency, kept as callees come, change and go: read on every slice's end, so never summed there. */
  private total = 0;
  private readonly listeners = new Set<() => void>();
  private readonly goneListeners = new Set<(callee: Callee) => void>();
  /** The callees by load, for acquire(): O(log n) per slice however large the crowd. Barred callees are not in it. */
  private readonly slots = new SlotHeap<Callee>();
  /** Callees barred by running runs (quarantined), with how many bar them. */
  private readonly barred = new Map<Callee, number>();
  /** This orchestrator's share of a callee's slots (peers.ts); null: all of them, while it is alone. */
  private share: ((callee: Callee) => number) | null = null;
  /** Callees on which more of this orchestrator's slices are out than its share: it shrank for a newcomer, and they are coming back. */
  private readonly overShare = new Set<Callee>();
  private readonly withinShareListeners = new Set<() => void>();
  private readonly loadListeners = new Set<(session: number, load: Record<string, unknown>) => void>();
  private readonly leftListeners = new Set<(session: number) => void>();

  /** `clock`: what busy back-offs are timed by (the process's own unless a test drives it). */
  constructor(private readonly clock: Clock = systemClock) {}

  /** The registrations that make callees, as the router reports them (registration-feed.ts). */
  readonly registrations: RegistrationWatcher = {
    wanted: (uri) => annealCalleeOf(uri) !== undefined,
    known: (registrationId) => this.byRegistration.has(registrationId),
    created: (calleeSession, details) => this.onCreate(calleeSession, details),
    gone: (registrationId) => this.onRegistrationGone(registrationId),
    left: (sessionId) => this.sessionLeft(sessionId),
  };

  /** Follows the callees' loads (the registrations come through `registrations`, on a feed the orchestrator shares). */
  async followLoads(session: WampSession): Promise<void> {
    await session.subscribe(Topics.workerLoad, (args, _kwargs, details) => this.loaded(args?.[0], details?.publisher));
  }

  /** Alone (a client following another orchestrator's callees): its loads and its own registration feed. */
  async attach(session: WampSession): Promise<void> {
    await this.followLoads(session);
    await watchRegistrations(session, [this.registrations]);
  }

  /** The worker id a session's slices count under: the one it holds, or a line of its own (never what its results claim). */
  workerIdOf(session: number): string {
    return this.ids.workerIdOf(session) ?? sessionWorkerId(session);
  }

  /** Called whenever capacity may have changed (a callee came, went or changed its concurrency). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called once for each callee that is gone (its session left or it unregistered). */
  onGone(listener: (callee: Callee) => void): () => void {
    this.goneListeners.add(listener);
    return () => this.goneListeners.delete(listener);
  }

  /** Called with each load whose (disclosed) publisher holds the worker id it names, after the binding took it (the machine summary). */
  onLoad(listener: (session: number, load: Record<string, unknown>) => void): () => void {
    this.loadListeners.add(listener);
    return () => this.loadListeners.delete(listener);
  }

  /** Called when a session leaves the router, after its worker id was freed. */
  onSessionLeft(listener: (session: number) => void): () => void {
    this.leftListeners.add(listener);
    return () => this.leftListeners.delete(listener);
  }

  /** The slots this orchestrator may use: all the callees' concurrency, or its share while it has peers. */
  get totalConcurrency(): number {
    return this.total;
  }

  /**
   * Other orchestrators deal to the same callees: use only `share(callee)` of each callee's slots
   * (null: all of them again). Called whenever the shares change (rare: an orchestrator starts or ends its runs).
   */
  setShare(share: ((callee: Callee) => number) | null): void {
    this.share = share;
    for (const callee of this.callees.values()) this.resize(callee);
    this.changed();
  }

  /** Whether this orchestrator's slices out on every callee fit its share (a newcomer waits for it: peers.ts). */
  get withinShare(): boolean {
    return this.overShare.size === 0;
  }

  /** Called when the last callee over this orchestrator's share is back within it. */
  onWithinShare(listener: () => void): () => void {
    this.withinShareListeners.add(listener);
    return () => this.withinShareListeners.delete(listener);
  }

  /** The slots this orchestrator may use on each callee, by its session id. */
  slotsByCallee(): Record<number, number> {
    return Object.fromEntries([...this.callees.values()].map((callee) => [callee.session, callee.concurrency]));
  }

  get size(): number {
    return this.callees.size;
  }

  has(callee: Callee): boolean {
    return this.callees.get(callee.session) === callee;
  }

  /** The loads the callees last published (their claims), for display. */
  list(): WorkerLoad[] {
    return [...this.callees.values()].flatMap((callee) => (callee.load ? [callee.load] : []));
  }

  /**
   * Takes a slot on the least loaded callee that `eligible` accepts (ties go round-robin), or
   * undefined when none has a free slot. The caller gives it back with release().
   */
  acquire(eligible: (callee: Callee) => boolean): Callee | undefined {
    const now = this.clock.now();
    return this.slots.acquire((callee) => callee.busyUntil <= now && eligible(callee));
  }

  /**
   * The router said all of the callee's slots are taken (by other orchestrators' calls): it is dealt
   * nothing for BUSY_BACKOFF_MS, and then the capacity listeners (onChange) hear that it may be dealt again.
   */
  backOff(callee: Callee): void {
    const now = this.clock.now();
    // One refill per back-off: a burst of busy answers (one per slot out) neither schedules a timer each
    // nor pushes the back-off past the timer already set.
    if (callee.busyUntil > now) return;
    callee.busyUntil = now + BUSY_BACKOFF_MS;
    const timer = this.clock.setTimeout(() => {
      if (this.has(callee)) this.changed();
    }, BUSY_BACKOFF_MS + 1);
    (timer as { unref?: () => void }).unref?.();
  }

  /**
   * A running run quarantined the callee: no run deals it a slice until every run that barred it has
   * unbarred it (when they end). Out of the order rather than passed over on every deal: a crowd of
   * failing strangers (or honest ones too slow for their deadlines) would otherwise make each deal
   * walk past all of them, since idle, they sort first.
   */
  bar(callee: Callee): void {
    this.barred.set(callee, (this.barred.get(callee) ?? 0) + 1);
    this.slots.delete(callee);
  }

  unbar(callee: Callee): void {
    const count = this.barred.get(callee);
    if (count === undefined) return;
    if (count > 1) {
      this.barred.set(callee, count - 1);
      return;
    }
    this.barred.delete(callee);
    if (this.has(callee) && callee.concurrency > 0) this.slots.add(callee);
  }

  /** Whether some callee has a slot free (whoever it would accept). */
  hasFreeSlot(): boolean {
    return this.slots.hasFree;
  }

  /** Gives back a slot; a callee that has left keeps no place in the order. */
  release(callee: Callee): void {
    if (this.slots.has(callee)) this.slots.release(callee);
    else callee.inFlight = Math.max(0, callee.inFlight - 1);
    if (this.overShare.has(callee)) this.checkShare(callee);
  }

  /** Keeps overShare current for `callee`; tells the listeners when the last one is within its share. */
  private checkShare(callee: Callee): void {
    if (this.has(callee) && callee.inFlight > callee.concurrency) {
      this.overShare.add(callee);
      return;
    }
    if (this.overShare.delete(callee) && this.overShare.size === 0) for (const listener of this.withinShareListeners) listener();
  }

  private onCreate(sessionId: unknown, details: unknown): void {
    if (typeof sessionId !== 'number' || !isRecord(details) || typeof details.id !== 'number' || typeof details.uri !== 'string') return;
    // Only a session's own procedure, as the router's registration policy enforces (checked again here,
    // for routers configured without it): anything else is no callee of ours.
    if (annealCalleeOf(details.uri) !== sessionId || (details.match ?? 'exact') !== 'exact') return;
    if (this.byRegistration.has(details.id) || this.callees.has(sessionId)) return;
    const registered =
      Number.isInteger(details.concurrency) && (details.concurrency as number) >= 1
        ? Math.min(details.concurrency as number, MAX_CALLEE_CONCURRENCY)
        : undefined;
    const callee: Callee = {
      session: sessionId,
      procedure: details.uri,
      registrationId: details.id,
      concurrency: registered ?? 1,
      calleeConcurrency: registered ?? 1,
      registeredConcurrency: registered,
      inFlight: 0,
      busyUntil: 0,
      load: undefined,
      record: new CalleeRecord(),
    };
    if (this.share) callee.concurrency = this.share(callee);
    this.callees.set(sessionId, callee);
    this.byRegistration.set(details.id, callee);
    if (callee.concurrency > 0) this.slots.add(callee);
    this.total += callee.concurrency;
    this.changed();
  }

  private onRegistrationGone(registrationId: unknown): void {
    const callee = typeof registrationId === 'number' ? this.byRegistration.get(registrationId) : undefined;
    if (callee) this.remove(callee);
  }

  private sessionLeft(sessionId: unknown): void {
    if (typeof sessionId !== 'number') return;
    const callee = this.callees.get(sessionId);
    if (callee) this.remove(callee);
    this.ids.release(sessionId);
    for (const listener of this.leftListeners) listener(sessionId);
  }

  private loaded(value: unknown, publisher: number | undefined): void {
    // A load claiming a worker id another session holds is not this session's: ignored (it would speak for that machine).
    if (publisher === undefined || !isRecord(value) || !isWorkerId(value.workerId) || !this.ids.claim(publisher, value.workerId)) return;
    for (const listener of this.loadListeners) listener(publisher, value);
    if (!isValidLoad(value)) return;
    const callee = this.callees.get(publisher);
    if (!callee) return;
    callee.load = value;
    if (callee.registeredConcurrency === undefined) {
      const claimed = Math.min(value.concurrency, MAX_CALLEE_CONCURRENCY);
      if (claimed !== callee.calleeConcurrency) {
        callee.calleeConcurrency = claimed;
        this.resize(callee);
        this.changed();
      }
    }
  }

  /** Its slots for this orchestrator, after its own concurrency or the shares changed. */
  private resize(callee: Callee): void {
    const slots = this.share ? this.share(callee) : callee.calleeConcurrency;
    if (slots === callee.concurrency) return;
    this.total += slots - callee.concurrency;
    callee.concurrency = slots;
    this.checkShare(callee);
    // A callee with no slot for this orchestrator stays out of the order, as a barred one does (it would sort first, full).
    if (slots === 0) this.slots.delete(callee);
    else if (this.slots.has(callee)) this.slots.update(callee);
    else if (this.has(callee) && !this.barred.has(callee)) this.slots.add(callee);
  }

  private remove(callee: Callee): void {
    if (this.callees.get(callee.session) !== callee) return;
    this.callees.delete(callee.session);
    this.byRegistration.delete(callee.registrationId);
    this.slots.delete(callee);
    this.barred.delete(callee);
    this.checkShare(callee);
    this.total -= callee.concurrency;
    for (const listener of this.goneListeners) listener(callee);
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** Load events come from the network: only well-formed ones are kept, even for display. */
function isValidLoad(value: unknown): value is WorkerLoad {
  return (
    isRecord(value) &&
    isWorkerId(value.workerId) &&
    Number.isInteger(value.concurrency) &&
    (value.concurrency as number) >= 1 &&
    (value.concurrency as number) <= 1024
  );
}
