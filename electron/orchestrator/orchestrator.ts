/**
 * The orchestrator: a WAMP component that registers kiln.solve.* and kiln.problem.get, and runs
 * each solve by spreading annealing slices over the `kiln.anneal` callees (see run.ts).
 *
 * A private orchestrator (`kiln solve --router`) registers neither: only its process starts runs on
 * it, and it serves problems as kiln.problem.get.<id>. Any number of them (and one public one, the
 * control center's) share a router's callees without any of them running another's solve.
 *
 * On a shared router, a control center's orchestrator has a name (`center`): its procedures are
 * kiln.center.<name>.solve.* and its problems kiln.problem.get.<name> (centerUris), so several control
 * centers never take one another's names, runs or results. Orchestrators with runs going take a share
 * of each callee's slots (peers.ts).
 */
import { Errors, Procedures, ProtocolError, Topics, centerUris, type CenterUris } from '../../shared/protocol/uris.ts';
import { wampErrorOf } from '../wamp/endpoints.ts';
import type { CandidatesWire, ProblemWire, RunResult, RunState, SolveParams } from '../../shared/protocol/wire.ts';
import { candidatesToWire, problemToWire } from '../../shared/protocol/codecs.ts';
import { parseRunId, parseSolveRequest } from '../../shared/protocol/validate.ts';
import { problemHash } from '../../shared/tsp/problem.ts';
import type { NeighbourLists, ProblemData } from '../../shared/tsp/types.ts';
import type { ErrorFactory, WampRegistration, WampSession } from '../../shared/wamp.ts';
import { ActiveOrchestrators } from './peers.ts';
import { watchRegistrations } from './registration-feed.ts';
import { rateLimitedLog } from './rate-limited-log.ts';
import { Run, type RunContext, type SliceDone } from './run.ts';
import { WorkerRegistry, type Callee } from './workers.ts';
import { ALPHA_MIN_CITIES, CandidateLists, SEGMENT_ALPHA_MAX_CITIES } from './candidates.ts';
import { runScheme } from './slice-plan.ts';

/** Finished runs kept for status and result queries. */
const RUNS_KEPT = 32;
/** Problems kept for callees to fetch: every running run's, plus a few recent ones. */
const PROBLEMS_KEPT = 8;

export interface OrchestratorOptions {
  /** Serve no kiln.solve.* procedures, and problems under a name of its own (default false). */
  private?: boolean;
  /** A control center's name on a shared router: its procedures under kiln.center.<name>. (see centerUris). */
  center?: string;
  /** One line per notable event caused by a callee (rate-limited here); never secrets. */
  log?: (message: string) => void;
  /**
   * End the session of a callee quarantined by a run (wamp.session.kill, reason
   * kiln.error.quarantined). Off by default: an honest machine that is merely slow or overloaded
   * would lose its session; quarantine alone already keeps it from the run.
   */
  killQuarantined?: boolean;
  /** A reference length for a city set (by content hash) whose solve request carries none: its runs' gap. */
  referenceLength?: (problemHash: string) => number | undefined;
  /**
   * Which candidate lists callees use: 'alpha' (default: alpha-nearness for problems of ALPHA_MIN_CITIES and more,
   * computed once here per problem on a thread and shipped with kiln.problem.get; slices are dealt meanwhile with the
   * nearest lists callees build themselves, and those dealt after they are ready name their revision) or
   * 'nearest' (each callee thread builds the nearest lists itself, as it does for smaller problems).
   */
  candidates?: 'alpha' | 'nearest';
  /** How the lists are computed (default: on a worker thread, candidates.ts); tests substitute their own. */
  computeCandidates?: (data: ProblemData) => Promise<NeighbourLists>;
}

/** Why the runs of an orchestrator that closes end (they fail: nobody asked them to stop). */
const CLOSED_REASON = 'the orchestrator running it shut down';

/** The close reason a killed, quarantined callee gets. */
export const QUARANTINED = 'kiln.error.quarantined';

export class Orchestrator {
  readonly workers = new WorkerRegistry();
  /** URI-safe; names the private problem procedure (a control center's: its name). */
  readonly id: string;
  /** The procedures and topics this orchestrator's clients use. */
  readonly uris: CenterUris;
  /** The procedure callees fetch this orchestrator's problems from. */
  readonly problemProcedure: string;
  private readonly runs = new Map<string, Run>();
  private readonly problems = new Map<string, ProblemData>();
  /** Each problem's wire form, made once: a crowd's donors all fetch it when a run starts. */
  private readonly wires = new WeakMap<ProblemData, { revision: number; problem: ProblemWire; candidates: CandidatesWire }>();
  private readonly registrations: WampRegistration[] = [];
  private readonly unwatch: Array<() => void> = [];
  private readonly remoteLog: (line: string) => void;
  private readonly endedListeners = new Set<(run: Run, result: RunResult) => void>();
  private readonly sliceListeners = new Set<(slice: SliceDone) => void>();
  private readonly candidateLists: CandidateLists;
  private readonly peers: ActiveOrchestrators;

  constructor(
    private readonly session: WampSession,
    private readonly makeError: ErrorFactory,
    private readonly options: OrchestratorOptions = {},
  ) {
    this.uris = centerUris(options.center);
    this.id = options.center ?? newRunId();
    this.problemProcedure = options.private ? Procedures.privateProblemGet(this.id) : this.uris.problemGet;
    this.peers = new ActiveOrchestrators(
      session,
      this.id,
      () => ({ slots: this.workers.slotsByCallee() }),
      () => this.workers.withinShare,
    );
    this.remoteLog = rateLimitedLog(options.log ?? (() => {}));
    this.candidateLists = new CandidateLists(options.computeCandidates, (message) =>
      this.remoteLog(`no candidate lists (callees build nearest ones): ${message}`),
    );
  }

  async start(): Promise<void> {
    this.unwatch.push(
      this.workers.onChange(() => {
        for (const run of this.runs.values()) if (run.isRunning) run.fill();
      }),
      // Viewers drop a machine on kiln.worker.gone: it comes from here, when the router says so.
      this.workers.onGone((callee) => {
        // exclude_me off: the machine summary listens on this same session.
        if (callee.load && this.session.isOpen) this.session.publish(Topics.workerGone, [{ workerId: callee.load.workerId }], {}, { exclude_me: false });
      }),
    );
    await this.workers.followLoads(this.session);
    this.unwatch.push(
      this.peers.onChange(() => {
        this.workers.setShare(this.peers.count > 1 ? (callee) => this.peers.slotsOf(callee.calleeConcurrency, callee.session) : null);
      }),
      this.workers.onWithinShare(() => this.peers.announce()),
    );
    await this.peers.followSettled();
    // One subscription per meta topic for both (registration-feed.ts), then one scan.
    await watchRegistrations(this.session, [this.workers.registrations, this.peers.registrations]);
    type Endpoint = (args: unknown[] | undefined, kwargs: Record<string, unknown> | undefined) => unknown;
    const endpoints: Array<[string, Endpoint]> = [[this.problemProcedure, (args, kwargs) => this.problemWire(args?.[0], kwargs)]];
    if (!this.options.private) {
      endpoints.push(
        [this.uris.solveStart, (_args, kwargs) => this.startRun(kwargs).state()],
        [this.uris.solveStop, (args, kwargs) => this.runOf(args, kwargs).stop()],
        [this.uris.solveStatus, (args, kwargs) => this.status(args, kwargs)],
        [this.uris.solveResult, (args, kwargs) => this.runOf(args, kwargs).finished()],
        [this.uris.solveProgress, (args, kwargs) => this.runOf(args, kwargs).progress()],
      );
    }
    for (const [procedure, endpoint] of endpoints) {
      this.registrations.push(await this.session.register(procedure, (args, kwargs) => this.guard(() => endpoint(args, kwargs))));
    }
  }

  /**
   * Ends its running runs as failed (their callers get the reason: nobody asked them to stop) and
   * unregisters. Runs on other orchestrators are not touched.
   */
  async close(): Promise<void> {
    for (const stop of this.unwatch.splice(0)) stop();
    await Promise.all([...this.runs.values()].filter((run) => run.isRunning).map((run) => run.abort(CLOSED_REASON)));
    await this.peers.setActive(false);
    if (this.session.isOpen) await Promise.all(this.registrations.map((r) => this.session.unregister(r).catch(() => undefined)));
  }

  /** Called once for every run when it has ended (finished, stopped or failed), with its final result. */
  onRunEnded(listener: (run: Run, result: RunResult) => void): () => void {
    this.endedListeners.add(listener);
    return () => this.endedListeners.delete(listener);
  }

  /** Called for every slice that came back with a valid tour, in any run (donor credit). */
  onSliceDone(listener: (slice: SliceDone) => void): () => void {
    this.sliceListeners.add(listener);
    return () => this.sliceListeners.delete(listener);
  }

  /**
   * Starts a run in-process (used by `kiln solve` and tests as well as kiln.solve.start). `startedAt`:
   * when the solve was asked for, if earlier than now (`kiln solve` counts its own start-up).
   */
  startRun(kwargs: unknown, startedAt?: number): Run {
    const { problem: asked, budgetMs, params, startTour } = parseSolveRequest(kwargs);
    const hash = problemHash(asked);
    const reference = asked.optimum === undefined ? this.options.referenceLength?.(hash) : undefined;
    const problem = reference === undefined ? asked : { ...asked, optimum: reference };
    const known = this.problems.get(hash);
    problem.candidates = known?.candidates;
    problem.candidatesRevision = known?.candidatesRevision;
    this.problems.delete(hash);
    this.problems.set(hash, problem);
    // Callees this run quarantined: barred from every run's deals until it ends (WorkerRegistry.bar).
    const barred: Callee[] = [];
    void this.peers.setActive(true);
    // This run deals once the router has its orchestrator's marker and the others dealing to the same callees have made room (peers.ts).
    const shares = this.sharesSettled();
    const run: Run = this.newRun(problem, hash, budgetMs, params, {
      session: this.session,
      problemFrom: this.problemProcedure === Procedures.problemGet ? undefined : this.problemProcedure,
      center: this.options.center,
      hasPeers: () => this.peers.count > 1,
      capacity: () => this.capacityFor(run),
      acquire: (eligible) => this.workers.acquire(eligible),
      release: (callee) => this.workers.release(callee),
      backOff: (callee) => this.workers.backOff(callee),
      hasFreeSlot: () => this.workers.hasFreeSlot(),
      isLive: (callee) => this.workers.has(callee),
      workerIdOf: (session) => this.workers.workerIdOf(session),
      onSliceEnded: () => this.refill(run),
      startTour,
      startedAt,
      readyToDeal: shares,
      onSliceDone: (slice) => {
        for (const listener of this.sliceListeners) listener(slice);
      },
      onQuarantine: (callee) => {
        barred.push(callee);
        this.workers.bar(callee);
        this.quarantined(callee);
      },
      onQuarantineLifted: (callee) => {
        const index = barred.indexOf(callee);
        if (index < 0) return;
        barred.splice(index, 1);
        this.workers.unbar(callee);
        this.refill(run);
      },
      log: this.remoteLog,
    });
    this.runs.set(run.id, run);
    this.prune();
    // Slices go out at once with the lists callees build themselves; later ones name the new lists' revision.
    if (this.shipsCandidates(problem, params)) void this.candidateLists.prepare(hash, problem);
    run.start();
    void run.finished().then((result) => {
      for (const callee of barred.splice(0)) this.workers.unbar(callee);
      this.deactivateIfIdle();
      for (const listener of this.endedListeners) listener(run, result);
    });
    return run;
  }

  /** With no run of its own going, this orchestrator stops claiming a share of the callees. */
  private deactivateIfIdle(): void {
    if (![...this.runs.values()].some((run) => run.isRunning)) void this.peers.setActive(false);
  }

  /** A Run; one that cannot be made leaves this orchestrator inactive unless another run is going. */
  private newRun(problem: ProblemData, hash: string, budgetMs: number, params: SolveParams, context: RunContext): Run {
    try {
      return new Run(newRunId(), problem, hash, budgetMs, params, context);
    } catch (error) {
      this.deactivateIfIdle();
      throw error;
    }
  }

  /** Once the other active orchestrators have shrunk to their shares; one that never says so is logged, and dealt beside. */
  private async sharesSettled(): Promise<void> {
    const silent = await this.peers.settled();
    if (silent.length > 0) this.remoteLog(`dealing beside orchestrators that did not say they made room: ${silent.join(', ')}`);
  }

  /** Whether a run's callees get alpha-nearness lists with its problem (segment slices restrict them to their stretch). */
  private shipsCandidates(problem: ProblemData, params: SolveParams): boolean {
    const segmentsTooLarge = runScheme(params.scheme, problem.n) === 'segments' && problem.n > SEGMENT_ALPHA_MAX_CITIES;
    return this.options.candidates !== 'nearest' && !segmentsTooLarge && problem.n >= ALPHA_MIN_CITIES;
  }

  /** Cities of the largest problem a run is solving or has just solved (the compute sessions' message limit follows it). */
  largestProblemCities(): number {
    let largest = 0;
    for (const problem of this.problems.values()) largest = Math.max(largest, problem.n);
    return largest;
  }

  /**
   * The slices a run may have in flight: what the other running runs leave of the callees' total
   * concurrency, and no more than an even share of it, so overlapping runs never put more calls in
   * flight than the callees take (Crossbar.io would reject them) and none starves. With no callee at
   * all, none: the run fills when one registers.
   */
  private capacityFor(run: Run): number {
    const total = this.workers.totalConcurrency;
    if (total === 0) return 0;
    const running = [...this.runs.values()].filter((other) => other.isRunning);
    const others = running.reduce((sum, other) => sum + (other === run ? 0 : other.slicesInFlight), 0);
    return Math.max(0, Math.min(total - others, Math.ceil(total / Math.max(1, running.length))));
  }

  /** A slice came back: its callee slot goes to the other running runs first, then to its own run. */
  private refill(from: Run): void {
    for (const run of this.runs.values()) if (run !== from && run.isRunning) run.fill();
    from.fill();
  }

  /** A run quarantined a callee: by policy, its session ends (it may rejoin, and is dealt slices again). */
  private quarantined(callee: Callee): void {
    if (!this.options.killQuarantined || !this.session.isOpen) return;
    this.session.call('wamp.session.kill', [callee.session], { reason: QUARANTINED, message: 'too many failed slices' }).catch(() => undefined); // it may have left already
  }

  private status(args: unknown[] | undefined, kwargs: Record<string, unknown> | undefined): RunState | RunState[] {
    if (args?.[0] === undefined && kwargs?.runId === undefined) return [...this.runs.values()].map((run) => run.state());
    return this.runOf(args, kwargs).state();
  }

  private runOf(args: unknown[] | undefined, kwargs: Record<string, unknown> | undefined): Run {
    const runId = parseRunId(args?.[0] ?? kwargs?.runId);
    const run = this.runs.get(runId);
    if (!run) throw new ProtocolError(Errors.noSuchRun, `no run with id ${JSON.stringify(runId)}`);
    return run;
  }

  /** kiln.problem.get [hash]: the problem, with its candidate lists; with kwargs { part: 'candidates' }, those alone. */
  private problemWire(hash: unknown, kwargs: Record<string, unknown> | undefined): ProblemWire | CandidatesWire {
    const part = kwargs?.part;
    if (part !== undefined && part !== 'candidates') throw new ProtocolError(Errors.invalidArgument, "problem.get: part must be 'candidates' or absent");
    if (typeof hash !== 'string')
      throw new ProtocolError(Errors.invalidArgument, "problem.get: expected the problem's content hash (a string) as its first argument");
    const problem = this.problems.get(hash);
    if (!problem) throw new ProtocolError(Errors.noSuchProblem, `no problem with hash ${JSON.stringify(hash)}`);
    const revision = problem.candidatesRevision ?? 0;
    let wire = this.wires.get(problem);
    // Encoded again once new candidate lists arrive (a callee or viewer may have asked before).
    if (!wire || wire.revision !== revision)
      this.wires.set(problem, (wire = { revision, problem: problemToWire(problem, true), candidates: candidatesToWire(problem) }));
    return part === 'candidates' ? wire.candidates : wire.problem;
  }

  /** Forgets the oldest finished runs and problems no running run needs. */
  private prune(): void {
    for (const [id, run] of this.runs) {
      if (this.runs.size <= RUNS_KEPT) break;
      if (!run.isRunning) this.runs.delete(id);
    }
    const needed = new Set([...this.runs.values()].filter((run) => run.isRunning).map((run) => run.problemHash));
    for (const hash of this.problems.keys()) {
      if (this.problems.size <= PROBLEMS_KEPT) break;
      if (!needed.has(hash)) this.problems.delete(hash);
    }
  }

  /** Turns validation failures into WAMP errors with their URI (as every service does); anything else is a bug, reported as such. */
  private async guard<T>(work: () => T | Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw wampErrorOf(error, this.makeError);
    }
  }
}

function newRunId(): string {
  // Run ids become URI components (kiln.run.<id>.progress): lower-case letters and digits only.
  return (
    Date.now().toString(36) +
    Math.floor(Math.random() * 36 ** 6)
      .toString(36)
      .padStart(6, '0')
  );
}

export type { RunResult };
