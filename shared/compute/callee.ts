/**
 * The compute callee: registers its own `kiln.anneal.<session id>` with a concurrency of its thread
 * count (the orchestrator deals slices to callees it picks), runs each invocation on the slice pool
 * (never on the event loop), fetches problems once by hash, stops a run's slices when the run ends,
 * and publishes its load each second (disclosed: the orchestrator keys it by this session).
 * Isomorphic: the Node worker, the desktop app and the browser join page all use it.
 */
import { Errors, Procedures, ProtocolError, Topics, annealProcedure } from '../protocol/uris.ts';
import type { AnnealResult, RunState, WorkerLoad } from '../protocol/wire.ts';
import { toBytes } from '../protocol/codecs.ts';
import { parseAnnealRequest, parsePending, parseTour, problemFromWire, problemWithCandidatesFromWire } from '../protocol/validate.ts';
import { candidatesRevisionOf, type ProblemData } from '../tsp/types.ts';
import { callErrorOf, type ErrorFactory, type WampRegistration, type WampSession } from '../wamp.ts';
import type { SlicePool } from './pool.ts';

export interface CalleeOptions {
  workerId: string;
  host: string;
  kind: WorkerLoad['kind'];
  cores: number;
  version: string;
  /** How often load is published, ms. */
  loadIntervalMs?: number;
  /** CPU use of this process in % of all its cores since the last call (Node: process.cpuUsage). */
  sampleCpuPercent?: () => number;
  memoryMB?: () => number;
}

/** Runs that ended recently: late invocations for them are refused at once instead of computed. */
const ENDED_RUNS_KEPT = 64;
const PROBLEMS_KEPT = 4;

export class ComputeCallee {
  private registration: WampRegistration | null = null;
  private loadTimer: ReturnType<typeof setInterval> | null = null;
  private readonly problems = new Map<string, Promise<ProblemData>>();
  /** Newer candidate lists being fetched for a cached problem, by its hash (concurrent asks share one fetch). */
  private readonly upgrades = new Map<string, { revision: number; problem: Promise<ProblemData> }>();
  private readonly endedRuns = new Set<string>();
  private inFlight = 0;
  /** A run ended while slices were in flight: publish the load as soon as they are back, not at the next tick. */
  private publishWhenIdle = false;
  private slicesDone = 0;
  private movesSinceLoad = 0;
  private lastLoadAt = Date.now();

  constructor(
    private readonly session: WampSession,
    private readonly pool: SlicePool,
    private readonly makeError: ErrorFactory,
    private readonly options: CalleeOptions,
  ) {}

  async start(): Promise<void> {
    // Registered, the callee is dealt slices at once: only threads that have loaded can take them.
    await this.pool.ready();
    await this.session.subscribe(Topics.anyRunState, (args) => this.onRunState(args?.[0]), { match: 'wildcard' });
    // Said before registering, the worker id is bound to this session (worker-ids.ts) before any slice is
    // dealt, whatever the router's ordering of events and results: every slice counts under it.
    this.publishLoad();
    this.registration = await this.session.register(annealProcedure(this.session.id), (_args, kwargs) => this.anneal(kwargs), {
      concurrency: this.pool.size,
    });
    this.loadTimer = setInterval(() => this.publishLoad(), this.options.loadIntervalMs ?? 1000);
    this.publishLoad();
  }

  /** Leaves cleanly: unregisters (the orchestrator hears it from the router), stops the timer. */
  async stop(): Promise<void> {
    if (this.loadTimer) clearInterval(this.loadTimer);
    this.loadTimer = null;
    if (this.registration && this.session.isOpen) await this.session.unregister(this.registration).catch(() => undefined);
    this.registration = null;
  }

  load(): WorkerLoad {
    const now = Date.now();
    const seconds = Math.max(0.001, (now - this.lastLoadAt) / 1000);
    const load: WorkerLoad = {
      workerId: this.options.workerId,
      host: this.options.host,
      kind: this.options.kind,
      cores: this.options.cores,
      concurrency: this.pool.size,
      inFlight: this.inFlight,
      cpuPercent: this.options.sampleCpuPercent?.() ?? 0,
      movesPerSecond: Math.round(this.movesSinceLoad / seconds),
      slicesDone: this.slicesDone,
      memoryMB: this.options.memoryMB?.() ?? 0,
      version: this.options.version,
    };
    this.movesSinceLoad = 0;
    this.lastLoadAt = now;
    return load;
  }

  private publishLoad(): void {
    if (this.session.isOpen) this.session.publish(Topics.workerLoad, [this.load()], {}, { disclose_me: true });
  }

  private onRunState(value: unknown): void {
    const state = value as Partial<RunState> | undefined;
    if (!state || typeof state.runId !== 'string' || state.phase === 'running') return;
    this.endedRuns.add(state.runId);
    // Machines lists show the end of a run at once rather than up to a load interval later.
    if (this.inFlight > 0) this.publishWhenIdle = true;
    else this.publishLoad();
    if (this.endedRuns.size > ENDED_RUNS_KEPT) this.endedRuns.delete(this.endedRuns.values().next().value as string);
    this.pool.stopRun(state.runId);
  }

  private async anneal(kwargs: Record<string, unknown> | undefined): Promise<AnnealResult> {
    this.inFlight++;
    try {
      const request = parseAnnealRequest(kwargs);
      if (this.endedRuns.has(request.runId)) throw new ProtocolError(Errors.stopped, `run ${request.runId} has ended`);
      const problem = await this.problem(request.problemHash, request.problemFrom ?? Procedures.problemGet, request.candidates ?? 0);
      // The run may have ended while the problem was being fetched: the pool could not stop this slice yet.
      if (this.endedRuns.has(request.runId)) throw new ProtocolError(Errors.stopped, `run ${request.runId} has ended`);
      const tour = request.tour === undefined ? null : parseTour(request.tour, problem.n, 'anneal.tour');
      if (request.segment && request.segment.length > problem.n)
        throw new ProtocolError(Errors.invalidArgument, `anneal.segment: ${request.segment.length} cities, the problem has ${problem.n}`);
      const pending = request.pending === undefined ? undefined : parsePending(request.pending, problem.n, 'anneal.pending');
      const { runId, tour: _wire, problemFrom: _from, candidates: _revision, pending: _pending, ...slice } = request;
      const outcome = await this.pool.run(runId, { ...slice, tour, ...(pending && { pending }) }, problem);
      this.slicesDone++;
      this.movesSinceLoad += outcome.stats.movesTried;
      // A whole-tour slice that found nothing shorter than its start sends no tour back: the orchestrator
      // keeps only improvements, and in a crowd most slices are not one (half of a slice's traffic saved).
      const improved = tour === null || request.segment !== undefined || outcome.length < outcome.stats.startLength;
      return {
        runId: request.runId,
        ...(improved ? { tour: toBytes(outcome.tour) } : {}),
        length: outcome.length,
        stats: outcome.stats,
        workerId: this.options.workerId,
        stopped: outcome.stopped,
        ...(outcome.pending && request.segment === undefined && { pending: toBytes(outcome.pending) }),
      };
    } catch (error) {
      if (error instanceof ProtocolError) throw this.makeError(error.uri, error.message);
      // A failed problem fetch rejects with the router's error (an autobahn.Error, not an Error).
      throw this.makeError('kiln.error.slice_failed', callErrorOf(error).message);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0 && this.publishWhenIdle) {
        this.publishWhenIdle = false;
        this.publishLoad();
      }
    }
  }

  /**
   * A problem by hash with candidate lists of at least revision `candidates`: fetched once from the orchestrator
   * that sent the slice, then cached (concurrent asks share one fetch); newer lists are fetched alone when a slice
   * names them (kiln.problem.get with { part: 'candidates' }), and a failed fetch leaves the cached problem as it was.
   */
  private async problem(hash: string, procedure: string, candidates: number): Promise<ProblemData> {
    let pending = this.problems.get(hash);
    if (!pending) {
      pending = this.session.call(procedure, [hash]).then(problemFromWire);
      this.cache(hash, pending);
    }
    const held = await pending;
    if (candidatesRevisionOf(held) >= candidates) return held;
    let upgrade = this.upgrades.get(hash);
    if (!upgrade || upgrade.revision < candidates) {
      const fetched = this.session.call(procedure, [hash], { part: 'candidates' }).then((wire) => problemWithCandidatesFromWire(wire, held, candidates));
      upgrade = { revision: candidates, problem: fetched };
      this.upgrades.set(hash, upgrade);
      const settled = () => {
        if (this.upgrades.get(hash) === upgrade) this.upgrades.delete(hash);
      };
      fetched.then((problem) => {
        settled();
        // Kept unless the cache moved on meanwhile (the problem was dropped, or newer lists came first).
        if (this.problems.get(hash) === pending) this.cache(hash, Promise.resolve(problem));
      }, settled);
    }
    return upgrade.problem;
  }

  private cache(hash: string, problem: Promise<ProblemData>): void {
    problem.catch(() => {
      if (this.problems.get(hash) === problem) this.problems.delete(hash);
    });
    this.problems.set(hash, problem);
    while (this.problems.size > PROBLEMS_KEPT) this.problems.delete(this.problems.keys().next().value as string);
  }
}
