/**
 * One solve run: deals `kiln.anneal` slices to the callees the router reports (workers.ts), at most
 * this run's share of their registered concurrency, each starting from the best tour so far with its
 * own seed and temperature band, and ends at its deadline. Ending (at the deadline or by a stop) tells
 * the callees, which stop that run's slices and hand back their best so far; the run collects those
 * for at most COLLECT_MS, so that what a callee counts as done is what the run credits it with.
 * While the callees start, the run makes a quick tour of its own (construct.ts quickTour), so it always
 * answers with a valid tour, whatever its budget.
 *
 * Every callee is a stranger (any browser holding a join link may be one), so each slice is held to
 * account by the orchestrator itself, whatever the router does: its own deadline (the slice budget
 * plus a grace from that callee's record), after which the callee is presumed lost and the slice is
 * dealt again elsewhere (first answer wins, the other is canceled); every error, deadline miss,
 * malformed or invalid result counts against the callee that gave it (blame.ts), which is
 * quarantined for the run after a few in a row (for silence alone, until a probation slice comes back).
 * The run fails only when it ends with no tour at all, with a reason a person can act on.
 */
import { Topics } from '../../shared/protocol/uris.ts';
import {
  MAX_CONVERGENCE_SAMPLES,
  type AnnealRequest,
  type RunPhase,
  type RunProgress,
  type RunResult,
  type RunState,
  type SolveParams,
} from '../../shared/protocol/wire.ts';
import { toBytes } from '../../shared/protocol/codecs.ts';
import { parseAnnealResult } from '../../shared/protocol/validate.ts';
import type { Segment } from '../../shared/compute/segment.ts';
import { quickTour } from '../../shared/tsp/construct.ts';
import { createInstance, tourLength } from '../../shared/tsp/instance.ts';
import type { Instance, ProblemData } from '../../shared/tsp/types.ts';
import { callErrorOf, resultPayload, SessionEndedError, type WampSession } from '../../shared/wamp.ts';
import { Blame, describeCallee, oneLine, type FailureKind } from './blame.ts';
import { crowdSliceMs, defaultSliceMs, runScheme, spreadSliceMs, temperatureBand } from './slice-plan.ts';
import { SegmentRounds } from './segments.ts';
import { Population, type Lineage, type PopulationSummary } from './population.ts';
import { tourDistance } from '../../shared/tsp/gpx.ts';
import { crossoverFor, type CrossoverService } from './crossover.ts';
import type { Callee } from './workers.ts';
import { verdictAfter, type VerdictTimer } from './lag-timer.ts';
import { systemClock } from './clock.ts';
import { ProgressThrottle } from './progress-throttle.ts';

/** Progress events at most every this many ms. */
const PROGRESS_INTERVAL_MS = 100;
/** How long an ending run waits for its stopped slices to hand back their best so far. */
const COLLECT_MS = 250;
const NO_TOUR = 'no tour: no slice came back and the run could not make one of its own';
/** Errors the router answers for a callee whose session is gone: its fault only if it is still there. */
const BLAMELESS = new Set(['wamp.error.canceled', 'wamp.error.no_such_procedure']);
/**
 * Crossbar.io's answer when every slot of the callee is taken: by another orchestrator's calls on a
 * shared router, so no fault of the callee's. The callee backs off (WorkerRegistry.backOff), and the slice goes elsewhere;
 * only a long streak of busy answers counts as a failure (Blame.busy), since a callee may send this error itself.
 */
const BUSY = 'crossbar.error.max_concurrency_reached';
/** How long after such an error the router's report of the departure may take to arrive. */
const LEFT_NOTICE_MS = 1000;
/**
 * A slice still out this long past its budget is a straggler: it is dealt to a second callee if one
 * is idle (first answer wins). Cheap, since only idle slots take it, and what makes a segment round,
 * which waits for all its stretches, cost little when one callee stalls.
 */
const STRAGGLER_MS = 250;

export interface RunContext {
  session: WampSession;
  /** The procedure callees fetch the problem from, when not kiln.problem.get (a private orchestrator's or a control center's). */
  problemFrom?: string;
  /**
   * Whether other orchestrators deal to the same callees now: a callee's first slice may then wait behind
   * their calls in the router's queue, so losing a race before its first answer is no sign of stalling.
   */
  hasPeers?: () => boolean;
  /** The control center whose run this is (on a shared router), so its pages can tell their runs from others'. */
  center?: string;
  /** Slices this run may have in flight right now (its share of the callees' summed concurrency). */
  capacity: () => number;
  /** A slot on a callee `eligible` accepts, or undefined when none is free; given back with release(). */
  acquire: (eligible: (callee: Callee) => boolean) => Callee | undefined;
  release: (callee: Callee) => void;
  /** The router said the callee's slots are all taken: deal it nothing for a moment (WorkerRegistry.backOff), then fill again. */
  backOff: (callee: Callee) => void;
  /** Whether any callee has a slot free now (default: assume so); lets a run skip deals that cannot happen. */
  hasFreeSlot?: () => boolean;
  /** Whether the callee is still registered (a lost callee's errors are not its fault). */
  isLive: (callee: Callee) => boolean;
  /** One of this run's slices came back, freeing a callee slot (for this run or another); default: fill this run. */
  onSliceEnded?: () => void;
  /** A callee was quarantined for this run (the orchestrator's policy may end its session). */
  onQuarantine?: (callee: Callee, reason: string) => void;
  /** A quarantine caused by silence alone was lifted or eased into probation (blame.ts): the callee may be dealt slices again. */
  onQuarantineLifted?: (callee: Callee) => void;
  /** One line per notable remote failure (rate-limited by the caller). */
  log?: (message: string) => void;
  /** Start from this tour (validated against the problem) instead of letting the first slices build one. */
  startTour?: Int32Array;
  /** The worker id a callee's session holds (WorkerRegistry.workerIdOf): slices count under it, never under the id a result claims. */
  workerIdOf: (session: number) => string;
  /** A slice came back with a valid tour: which callee answered it, for how long, and whether it became the best. */
  onSliceDone?: (slice: SliceDone) => void;
  now?: () => number;
  /** When the solve was asked for (default: now): the budget and elapsedMs count from there, start-up included. */
  startedAt?: number;
  /** Slices are dealt once this resolves (never rejects): the other orchestrators on the router have made room (peers.ts). */
  readyToDeal?: Promise<void>;
}

export interface SliceDone {
  runId: string;
  /** The router session of the callee that answered (never the worker id its result claims): credit goes by it. */
  session: number;
  /** The callee's own account of its compute time, capped at the slice's budget. */
  cpuMs: number;
  improved: boolean;
}

/** A first descent that ran to the end: no city left to search. */
const NONE_LEFT = new Int32Array(0);

/** The golden ratio's fraction: its multiples mod 1 spread over [0, 1) whatever their number. */
const GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * The pending cities for the k-th slice that resumes one stopped descent, from a start of their own (the first
 * slice: the list as it is). A crowd deals many slices from one tour between two answers; with one order they all
 * search the same cities first and answer nearly the same tour, of which one is kept. Each still gets every city:
 * nothing is lost, and one that finishes the descent has searched them all.
 */
function rotated(pending: Int32Array, k: number): Int32Array {
  const at = Math.floor(((k * GOLDEN) % 1) * pending.length);
  if (at === 0) return pending;
  const turned = new Int32Array(pending.length);
  turned.set(pending.subarray(at));
  turned.set(pending.subarray(0, at), pending.length - at);
  return turned;
}

/** The cities of `b` that are also in `a` (cities of 0..n-1), in `b`'s order. */
function intersection(a: Int32Array, b: Int32Array, n: number): Int32Array {
  const inA = new Uint8Array(n);
  for (const city of a) inA[city] = 1;
  return b.filter((city) => inA[city] === 1);
}

/** Whether one of the slice's attempts is on this callee (a slice is never dealt twice to one callee). */
function holds(slice: Slice, callee: Callee): boolean {
  for (const attempt of slice.attempts) if (attempt.callee === callee) return true;
  return false;
}

/** One unit of work: its request, dealt to one callee, or to a second one when the first is overdue. */
interface Slice {
  readonly request: AnnealRequest;
  readonly sliceMs: number;
  readonly segment: Segment | undefined;
  /** The 'population' scheme: the lineage this slice continues. */
  readonly lineage: Lineage | undefined;
  /** The whole tour the slice starts from (undefined: the callee builds one). */
  readonly start: Int32Array | undefined;
  readonly attempts: Set<Attempt>;
  settled: boolean;
}

/** One kiln.anneal call of a slice to one callee. */
interface Attempt {
  readonly slice: Slice;
  readonly callee: Callee;
  readonly startedAt: number;
  /** Dealt to a callee on probation (blame.ts): its outcome decides the quarantine. */
  readonly probe: boolean;
  cancel: (() => void) | undefined;
  timer: VerdictTimer | undefined;
  stragglerTimer: ReturnType<typeof setTimeout> | undefined;
  overdue: boolean;
  ended: boolean;
}

export class Run {
  readonly startedAt: number;
  /** When the run ended: elapsedMs is the real time from startedAt to the answer. */
  private endedAt: number | null = null;
  /** When the first slice came back (null: none yet); `kiln solve` reports it as its start-up cost. */
  private firstSliceBack: number | null = null;
  private phase: RunPhase = 'running';
  private settled = false;
  private best: { tour: Int32Array; length: number } | null = null;
  /**
   * How far the first descent of a whole tour got, by the candidate lists' revision its slices named (new lists, new
   * moves: it counts for none other). No city left: a local optimum of the run's method, and a slice from it skips
   * its descent (AnnealRequest.descended). Else a slice's budget stopped it with those cities still to search, and a
   * slice from it resumes there (AnnealRequest.pending): slices shorter than one pass over the tour (slow callees,
   * large problems: 16 threads on 2 cores on usa13509) otherwise start it over every time and never finish it, so no
   * kick ever runs. `dealt` counts the slices sent to resume it (see rotated).
   */
  private readonly descents = new WeakMap<Int32Array, { revision: number; pending: Int32Array; dealt: number }>();
  private inFlight = 0;
  private slicesDispatched = 0;
  private slicesDone = 0;
  private slicesFailed = 0;
  /** Answers not used: they came after the run ended, or after another callee answered the same slice. */
  private slicesDiscarded = 0;
  /** Slices done by each answering session's worker id (RunContext.workerIdOf). */
  private readonly slicesByWorker = new Map<string, number>();
  private movesTried = 0;
  private nextSeed: number;
  private error: string | undefined;
  private readonly sliceMs: number;
  private readonly waiters: Array<(result: RunResult) => void> = [];
  private deadlineTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly progressEvents: ProgressThrottle;
  /** Whether slices may be dealt yet (RunContext.readyToDeal). */
  private dealing = true;
  /** Set while an ended run collects its slices: called when the last one is back. */
  private collected: (() => void) | null = null;
  /** The stop in progress: every caller of stop() gets the same collected result. */
  private stopping: Promise<RunResult> | null = null;
  private readonly now: () => number;
  /** Segment rounds for large problems (see segments.ts); null: every slice works on the whole tour. */
  private readonly segments: SegmentRounds | null;
  /** The 'population' scheme's lineages (see population.ts); null for the other schemes. */
  private readonly population: Population | null;
  private readonly crossover: CrossoverService | null;
  /** For the lengths of returned tours, which are computed here, never taken from the callee. */
  private readonly instance: Instance;
  private readonly blame: Blame;
  /** Attempts out past their budget + STRAGGLER_MS on a slice nobody else holds: dealt again when a slot is free. */
  private readonly stragglers = new Set<Attempt>();
  /** [ms since start, best length] at each improvement, for the run history; thinned past MAX_CONVERGENCE_SAMPLES. */
  readonly convergence: Array<[number, number]> = [];

  constructor(
    readonly id: string,
    readonly problem: ProblemData,
    readonly problemHash: string,
    readonly budgetMs: number,
    readonly params: SolveParams,
    private readonly context: RunContext,
  ) {
    this.now = context.now ?? Date.now;
    this.startedAt = context.startedAt ?? this.now();
    this.progressEvents = new ProgressThrottle(() => this.publishProgress(), PROGRESS_INTERVAL_MS, { ...systemClock, now: this.now });
    this.sliceMs = params.sliceMs ?? defaultSliceMs(problem.n, budgetMs);
    this.nextSeed = params.seed ?? Math.floor(Math.random() * 2 ** 31);
    this.instance = createInstance(problem);
    const scheme = runScheme(params.scheme, problem.n);
    this.segments = scheme === 'segments' ? new SegmentRounds(this.instance) : null;
    this.crossover = scheme === 'population' ? crossoverFor(this.instance) : null;
    this.population = this.crossover
      ? new Population(this.crossover.cross, { get: () => (this.seeded ? this.best : null), offer: (tour, length) => this.offerBest(tour, length) })
      : null;
    this.blame = new Blame(
      (callee, reason) => {
        context.log?.(`run ${id}: ${describeCallee(callee)} quarantined for this run: ${reason}`);
        context.onQuarantine?.(callee, reason);
      },
      (callee, why) => {
        context.log?.(`run ${id}: ${describeCallee(callee)} ${why}`);
        context.onQuarantineLifted?.(callee);
      },
    );
    if (context.startTour) {
      this.best = { tour: context.startTour, length: tourLength(this.instance, context.startTour) };
      this.recordConvergence();
    }
  }

  get continued(): boolean {
    return this.context.startTour !== undefined;
  }

  private recordConvergence(): void {
    if (!this.best) return;
    this.convergence.push([this.now() - this.startedAt, this.best.length]);
    // Keep the first and latest points and every other one between: the curve's shape at half the size.
    if (this.convergence.length > MAX_CONVERGENCE_SAMPLES) {
      const last = this.convergence[this.convergence.length - 1];
      const thinned = this.convergence.filter((_, i) => i % 2 === 0);
      if (thinned[thinned.length - 1] !== last) thinned.push(last);
      this.convergence.splice(0, this.convergence.length, ...thinned);
    }
  }

  get firstSliceAt(): number | null {
    return this.firstSliceBack;
  }

  get slicesInFlight(): number {
    return this.inFlight;
  }

  get isRunning(): boolean {
    return this.phase === 'running';
  }

  start(): void {
    this.publishState();
    this.armDeadline();
    if (this.context.readyToDeal) {
      this.dealing = false;
      void this.context.readyToDeal.then(() => {
        this.dealing = true;
        this.fill();
      });
    }
    this.fill();
    // After the first slices are out (and kiln.solve.start has answered); finish() makes it if still missing.
    setImmediate(() => {
      if (this.isRunning) this.offerFirstTour();
    });
  }

  /** Capacity may have grown (a callee joined, a slot came free): deal more slices. */
  fill(): void {
    if (!this.isRunning || !this.dealing) return;
    this.dealStragglers();
    const capacity = this.context.capacity();
    const remaining = this.startedAt + this.budgetMs - this.now();
    if (remaining < 20) return;
    // A slice length the run was given is kept; the default one grows with the crowd.
    const planned = this.params.sliceMs ?? crowdSliceMs(this.sliceMs, capacity, this.budgetMs);
    const sliceMs = Math.min(planned, remaining - 10);
    if (this.seeded && this.segments && capacity >= 2) {
      // A round starts only when the previous one (and the first, whole-tour wave) is all back, so
      // the tour never changes under a stretch that is out for optimisation.
      if (this.inFlight > 0) return;
      for (const segment of this.segments.startRound(capacity)) {
        if (!this.deal(this.newSlice(sliceMs, segment))) this.segments.abandon();
      }
      return;
    }
    // A crowd's first fill deals thousands at once: their default lengths are spread, so they do not all end together.
    const burst = capacity - this.inFlight;
    const spread = this.params.sliceMs === undefined;
    for (let index = 0; this.inFlight < capacity; index++) {
      const length = spread ? Math.min(spreadSliceMs(planned, index, burst), remaining - 10) : sliceMs;
      // deal() took a slot; keep going while the run's share and the callees' slots allow.
      if (!this.deal(this.newSlice(length))) break;
    }
  }

  /** Stops the run and answers with the best so far, including what the stopped slices hand back. */
  stop(): Promise<RunResult> {
    if (this.stopping) return this.stopping;
    if (!this.isRunning) return this.finished(); // ended, or collecting at its deadline
    this.stopping = this.endAndCollect('stopped').then(() => this.result());
    return this.stopping;
  }

  /**
   * Ends the run as failed with `reason` (its orchestrator is going away): stopped slices hand back
   * their best as in stop(), and the result keeps it, but the phase tells callers it was cut short.
   */
  abort(reason: string): Promise<RunResult> {
    if (this.stopping) return this.stopping;
    if (!this.isRunning) return this.finished();
    this.error = reason;
    this.stopping = this.endAndCollect('failed').then(() => this.result());
    return this.stopping;
  }

  /**
   * Ends the run: the state event makes callees stop its slices, whose results are still accepted
   * until the last is back (or COLLECT_MS has passed, for a callee that never answers), then settles.
   */
  private async endAndCollect(phase: 'finished' | 'stopped' | 'failed'): Promise<void> {
    this.offerFirstTour();
    this.phase = phase;
    this.publishState();
    if (this.inFlight > 0) {
      // Lag-aware like a slice's deadline: answers that came in while this loop was blocked still count.
      await new Promise<void>((resolve) => {
        const timer = verdictAfter(COLLECT_MS, () => this.inFlight === 0, resolve, this.now);
        this.collected = () => {
          timer.clear();
          resolve();
        };
      });
    }
    if (phase === 'finished' && !this.best) {
      // Not even the collected slices brought a tour (and the run could not make its own: offerFirstTour said why).
      this.phase = 'failed';
      this.error ??= NO_TOUR;
      this.publishState();
    }
    this.settle();
  }

  /** Resolves when the run has ended. */
  finished(): Promise<RunResult> {
    if (this.settled) return Promise.resolve(this.result());
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  state(): RunState {
    const state: RunState = {
      runId: this.id,
      phase: this.phase,
      problemHash: this.problemHash,
      problemName: this.problem.name,
      n: this.problem.n,
      budgetMs: this.budgetMs,
      startedAt: this.startedAt,
      elapsedMs: (this.endedAt ?? this.now()) - this.startedAt,
      bestLength: this.best?.length ?? null,
    };
    if (this.problem.optimum !== undefined) state.optimum = this.problem.optimum;
    if (this.context.center !== undefined) state.center = this.context.center;
    if (this.error) state.error = this.error;
    else if (!this.isRunning && this.slicesDone === 0) {
      const blamed = this.blame.summary();
      if (blamed) state.warning = `no slice succeeded: ${blamed}`;
    }
    return state;
  }

  result(): RunResult {
    const result: RunResult = {
      ...this.state(),
      tour: this.best ? toBytes(this.best.tour) : null,
      slicesDispatched: this.slicesDispatched,
      slicesInFlight: this.inFlight,
      slicesDone: this.slicesDone,
      slicesFailed: this.slicesFailed,
      slicesDiscarded: this.slicesDiscarded,
      slicesByWorker: Object.fromEntries(this.slicesByWorker),
      movesTried: this.movesTried,
    };
    const gap = this.gapPercent();
    if (gap !== undefined) result.gapPercent = gap;
    return result;
  }

  /** The 'population' scheme's state (tests, benchmarks); null for the other schemes. */
  populationSummary(): PopulationSummary | null {
    return this.population?.summary(tourDistance) ?? null;
  }

  /** Whether the callee is quarantined for this run (tests, the orchestrator's policy). */
  isQuarantined(callee: Callee): boolean {
    return this.blame.isQuarantined(callee);
  }

  private gapPercent(): number | undefined {
    if (!this.best || this.problem.optimum === undefined) return undefined;
    return (100 * (this.best.length - this.problem.optimum)) / this.problem.optimum;
  }

  /**
   * Whether slices start from the best tour: a continued run's start tour, else only once a slice has
   * come back. Until then callees build their own greedy tour and descend (temperature 0), which beats
   * starting from the run's quick tour.
   */
  private get seeded(): boolean {
    return this.best !== null && (this.continued || this.slicesDone > 0);
  }

  private newSlice(sliceMs: number, segment?: Segment): Slice {
    const fraction = (this.now() - this.startedAt) / this.budgetMs;
    const lineage = this.population?.next();
    // A lineage without a tour yet is the first wave's: its callee builds a start, as in the other schemes.
    const best = lineage ? (lineage.tour ? { tour: lineage.tour, length: lineage.length } : null) : this.seeded ? this.best : null;
    const request: AnnealRequest = {
      runId: this.id,
      problemHash: this.problemHash,
      temperature: best ? temperatureBand(best.length / this.problem.n, fraction, sliceMs / this.budgetMs, this.params.method) : { start: 0, end: 0 },
      budget: { ms: sliceMs },
      seed: this.nextSeed++ % 2 ** 31,
    };
    if (best) request.tour = toBytes(best.tour);
    // The problem's newest lists (0: the callee's own); segment slices restrict them to their stretch.
    const candidates = this.problem.candidatesRevision ?? 0;
    if (candidates > 0) request.candidates = candidates;
    const descent = best && this.descents.get(best.tour);
    if (descent?.revision === candidates) {
      if (descent.pending.length === 0) request.descended = true;
      else if (!segment) request.pending = toBytes(rotated(descent.pending, descent.dealt++));
    }
    if (segment) request.segment = segment;
    if (this.context.problemFrom) request.problemFrom = this.context.problemFrom;
    if (this.params.method) request.method = this.params.method;
    if (this.params.moveType) request.moveType = this.params.moveType;
    return { request, sliceMs, segment, lineage, start: best?.tour, attempts: new Set(), settled: false };
  }

  /** Deals the slice to a free callee that is not quarantined and holds no attempt of it; false when none is free. */
  private deal(slice: Slice): boolean {
    // Without a session no call goes out, and each would fail at once, dealt again, for ever.
    if (!this.context.session.isOpen) return false;
    const callee = this.context.acquire((candidate) => !holds(slice, candidate) && this.blame.mayDeal(candidate));
    if (!callee) return false;
    const attempt: Attempt = {
      slice,
      callee,
      startedAt: this.now(),
      probe: this.blame.dealt(callee),
      cancel: undefined,
      timer: undefined,
      stragglerTimer: undefined,
      overdue: false,
      ended: false,
    };
    slice.attempts.add(attempt);
    this.inFlight++;
    this.slicesDispatched++;
    const graceMs = callee.record.graceMs(this.now());
    attempt.timer = this.overdueAfter(attempt, slice.sliceMs + graceMs, graceMs);
    // Dealt again at once if a callee is idle then; else whenever one comes free (fill).
    attempt.stragglerTimer = setTimeout(
      () => {
        attempt.stragglerTimer = undefined;
        this.stragglers.add(attempt);
        this.fill();
      },
      slice.sliceMs + STRAGGLER_MS + 1,
    );
    // The router's timeout is a backstop only (Crossbar.io ignores it): the orchestrator keeps the deadline.
    const call = this.call(callee, slice.request, slice.sliceMs + 3 * graceMs);
    attempt.cancel = call.cancel;
    call.promise.then(
      (result) => this.answered(attempt, resultPayload(result)),
      (error: unknown) => this.erred(attempt, error),
    );
    return true;
  }

  /**
   * Deals each slice still out past its budget + STRAGGLER_MS on one callee to an idle second one.
   * Only the overdue attempts are visited (a crowd has thousands out), and a deal with no slot free
   * fails at once (slot-heap.ts).
   */
  private dealStragglers(): void {
    for (const attempt of this.stragglers) {
      if (this.context.hasFreeSlot?.() === false) return;
      const { slice } = attempt;
      if (attempt.ended || slice.settled || slice.attempts.size !== 1 || this.deal(slice)) this.stragglers.delete(attempt);
    }
  }

  /** The kiln.anneal call as a promise, also when the session is gone (autobahn then throws at once). */
  private call(callee: Callee, request: AnnealRequest, timeoutMs: number): { promise: Promise<unknown>; cancel: (() => void) | undefined } {
    try {
      const promise = this.context.session.call(callee.procedure, [], request as unknown as Record<string, unknown>, {
        timeout: timeoutMs,
      }) as Promise<unknown> & {
        cancel?: (options: Record<string, unknown>) => void;
      };
      const cancel = promise.cancel;
      // Mode kill: autobahn-js forgets a call canceled in any other mode at once, and then takes the
      // router's immediate ERROR for it as a protocol violation and closes the session. Under kill the
      // router interrupts the callee (if it understands INTERRUPT) and answers when the callee does, or
      // at the call's timeout; the attempt is over for the run either way.
      return { promise, cancel: cancel ? () => cancel.call(promise, { mode: 'kill' }) : undefined };
    } catch (error) {
      return { promise: Promise.reject(error), cancel: undefined };
    }
  }

  /**
   * The callee is silent past its deadline: presumed lost. It is blamed, the slice goes to another
   * callee if one is free (first answer wins), and the call is canceled after as long again.
   */
  private overdueAfter(attempt: Attempt, ms: number, graceMs: number): VerdictTimer {
    return verdictAfter(
      ms,
      () => attempt.ended,
      () => this.overdue(attempt, graceMs),
      this.now,
    );
  }

  private overdue(attempt: Attempt, graceMs: number): void {
    if (attempt.ended) return;
    if (!attempt.overdue) {
      attempt.overdue = true;
      this.failure(attempt.callee, `silent ${this.now() - attempt.startedAt} ms into a ${attempt.slice.sliceMs} ms slice`, 'silence');
      if (this.isRunning && !attempt.slice.settled) this.deal(attempt.slice);
      attempt.timer = this.overdueAfter(attempt, graceMs + attempt.slice.sliceMs, graceMs);
      return;
    }
    this.abandon(attempt);
    this.slicesFailed++;
    this.retry(attempt.slice);
    this.ended();
  }

  private answered(attempt: Attempt, value: unknown): void {
    if (attempt.ended) return;
    attempt.callee.record.answeredAfter(this.now() - attempt.startedAt - attempt.slice.sliceMs);
    this.end(attempt);
    const { slice } = attempt;
    // A slice that comes back after the run ended is discarded, except while the ending run collects;
    // so is the second answer to a slice dealt twice.
    if (slice.settled || (!this.isRunning && !this.collected)) {
      this.slicesDiscarded++;
      if (!slice.settled && slice.attempts.size === 0) this.sliceLost(slice);
      this.ended();
      return;
    }
    let checked;
    try {
      const cities = slice.segment ? slice.segment.length : this.problem.n;
      checked = parseAnnealResult(value, cities, slice.sliceMs, {
        permutationOf: slice.segment ? undefined : this.problem.n,
        // A whole-tour slice that found nothing shorter than the tour it was given sends none back (callee.ts).
        tourOptional: !slice.segment && slice.request.tour !== undefined,
      });
    } catch (error) {
      this.slicesFailed++;
      this.failure(attempt.callee, `invalid result: ${callErrorOf(error).message}`);
      this.retry(slice);
      this.ended();
      return;
    }
    slice.settled = true;
    for (const other of slice.attempts) {
      this.abandon(other);
      this.slicesDiscarded++;
      this.lostRace(other);
    }
    this.blame.succeeded(attempt.callee);
    this.slicesDone++;
    this.firstSliceBack ??= this.now();
    this.movesTried += checked.movesTried;
    const workerId = this.context.workerIdOf(attempt.callee.session);
    this.slicesByWorker.set(workerId, (this.slicesByWorker.get(workerId) ?? 0) + 1);
    // Where its first descent left off: on its own tour, or on its start when it sent none back (nothing shorter).
    const left = checked.descended ? NONE_LEFT : checked.pending;
    if (left && !slice.segment) this.noteDescent(checked.tour ?? slice.start, left, slice.request.candidates ?? 0);
    const improved = slice.lineage
      ? this.returnToLineage(slice.lineage, checked.tour)
      : checked.tour !== null && this.improve(slice, checked.tour, checked.descended);
    this.context.onSliceDone?.({ runId: this.id, session: attempt.callee.session, cpuMs: Math.min(checked.elapsedMs, slice.sliceMs), improved });
    this.ended();
  }

  /**
   * Blame for an attempt that another callee's answer beat after it had been silent past its budget + STRAGGLER_MS
   * (the slice was dealt again for that). Such a callee's own deadline, budget + at least 500 ms, often comes after the
   * second answer, so without this a callee that stops answering is never blamed while another one has a slot free,
   * and soaks up a slice after every loss. Losing counts as silence, not a fault: a callee that is merely slow
   * (a loaded machine) is quarantined, eases into probation (blame.ts), and gets back in when its probe wins.
   * One that has never answered anything is not merely slower: it stalls (a fault, as an invalid answer).
   */
  private lostRace(attempt: Attempt): void {
    const { slice, callee } = attempt;
    const outMs = this.now() - attempt.startedAt;
    // With other orchestrators dealing to the same callees, a call may have waited behind theirs in the router's queue.
    if (this.context.hasPeers?.() || outMs <= slice.sliceMs + STRAGGLER_MS) return;
    if (attempt.probe) this.failure(callee, 'on probation, and another callee answered its slice first', 'silence');
    else if (callee.record.neverAnswered) this.failure(callee, 'has answered no slice yet, and another callee answered this one first');
    // Past its deadline, overdue() has blamed it already.
    else if (!attempt.overdue) this.failure(callee, `silent ${outMs} ms into a ${slice.sliceMs} ms slice, and another callee answered it first`, 'silence');
  }

  private erred(attempt: Attempt, error: unknown): void {
    if (attempt.ended) return;
    this.end(attempt);
    this.slicesFailed++;
    const { uri, message } = callErrorOf(error);
    const reason = `${uri}: ${message}`;
    const { callee } = attempt;
    if (error instanceof SessionEndedError) {
      // This orchestrator's own session ended under the call: no fault of the callee's.
    } else if (uri === BUSY) {
      this.context.backOff(callee);
      // The router passes a callee's own error through: busy over and over is a fault after all (blame.ts).
      if (this.isRunning) this.blame.busy(callee, reason);
    } else if (!BLAMELESS.has(uri)) this.failure(callee, reason);
    else if (this.context.isLive(callee)) {
      // A callee that left takes its slices with it: the router answers wamp.error.canceled, and
      // reports the departure just after. A callee that is still there a moment later sent it itself.
      setTimeout(() => {
        if (this.context.isLive(callee)) this.failure(callee, reason);
      }, LEFT_NOTICE_MS).unref?.();
    }
    this.retry(attempt.slice);
    this.ended();
  }

  /** A failed attempt: the slice goes to another callee while the run needs it, else it is lost. */
  private retry(slice: Slice): void {
    if (slice.settled || slice.attempts.size > 0) return;
    if (!this.isRunning || !this.deal(slice)) this.sliceLost(slice);
  }

  private sliceLost(slice: Slice): void {
    if (slice.settled) return;
    slice.settled = true;
    if (slice.segment) this.segments?.abandon();
    if (slice.lineage) this.population?.lost(slice.lineage);
  }

  /**
   * Where a first descent of `tour` left off (`pending`: none left, a local optimum). An answer's own tour is a new
   * array, so a tour known already is another answer's start that sent no tour back: it found nothing shorter,
   * having searched that very tour in vain. A city that any of them searched is done, so the cities left are those
   * in every list (two slices out at once from one tour search different cities first, see rotated).
   */
  private noteDescent(tour: Int32Array | undefined, pending: Int32Array, revision: number): void {
    if (!tour) return;
    const known = this.descents.get(tour);
    const left = known?.revision === revision ? intersection(known.pending, pending, this.problem.n) : pending;
    this.descents.set(tour, { revision, pending: left, dealt: 0 });
  }

  /** The 'population' scheme: the lineage takes the slice's tour (null: nothing shorter); whether the best improved at once. */
  private returnToLineage(lineage: Lineage, tour: Int32Array | null): boolean {
    const before = this.best?.length;
    this.population!.returned(lineage, tour, tour ? tourLength(this.instance, tour) : Infinity);
    return this.best !== null && this.best.length !== before;
  }

  /** A shorter tour for the run's best (from a lineage or a crossover); kept only if it is shorter. */
  private offerBest(tour: Int32Array, length: number): void {
    if (this.best && length >= this.best.length) return;
    this.best = { tour, length };
    this.recordConvergence();
    this.progressEvents.changed();
  }

  /** Takes the slice's tour if it improves the best; whether it did. */
  private improve(slice: Slice, tour: Int32Array, descended: boolean): boolean {
    let improved = false;
    if (slice.segment && this.segments && this.best) {
      const delta = this.segments.splice(this.best.tour, slice.segment, tour, descended);
      if (delta < 0) {
        this.best.length += delta;
        improved = true;
      }
      // The best tour is spliced in place: marked a local optimum as the whole-tour answers' tours are (see newSlice)
      // once a round came back all descended; unmarked when a stretch that was not is spliced in. Where a stopped
      // descent had got to no longer holds once a stretch changed (searched cities have new moves): forgotten.
      const known = this.descents.get(this.best.tour);
      if (this.segments.roundDescended) this.descents.set(this.best.tour, { revision: slice.request.candidates ?? 0, pending: NONE_LEFT, dealt: 0 });
      else if (improved && (!descended || known?.pending.length !== 0)) this.descents.delete(this.best.tour);
    } else {
      const length = tourLength(this.instance, tour);
      if (!this.best || length < this.best.length) {
        this.best = { tour, length };
        improved = true;
      }
    }
    if (improved) {
      this.recordConvergence();
      this.progressEvents.changed();
    }
    return improved;
  }

  private failure(callee: Callee, reason: string, kind: FailureKind = 'fault'): void {
    if (!this.isRunning) return;
    this.context.log?.(`run ${this.id}: ${describeCallee(callee)} failed a slice: ${oneLine(reason)}`);
    this.blame.failed(callee, reason, kind);
  }

  /** Cancels an attempt still out (its answer, if any, is not wanted). */
  private abandon(attempt: Attempt): void {
    if (attempt.ended) return;
    this.end(attempt);
    attempt.cancel?.();
  }

  /** Bookkeeping for an attempt that is over: its timer, its slot, the run's count. */
  private end(attempt: Attempt): void {
    attempt.ended = true;
    if (attempt.probe) this.blame.probeEnded(attempt.callee);
    this.stragglers.delete(attempt);
    attempt.timer?.clear();
    if (attempt.stragglerTimer) clearTimeout(attempt.stragglerTimer);
    attempt.slice.attempts.delete(attempt);
    this.inFlight--;
    this.context.release(attempt.callee);
  }

  /** After an answer, error or abandonment: slots are free, so the runs fill them. */
  private ended(): void {
    if (this.inFlight === 0) this.collected?.();
    if (this.context.onSliceEnded) this.context.onSliceEnded();
    else this.fill();
  }

  /** Node may fire a timer a millisecond before the clock says it is due: such a run waits for the rest. */
  private armDeadline(): void {
    this.deadlineTimer = setTimeout(() => this.finishAtDeadline(), Math.max(0, this.startedAt + this.budgetMs - this.now()));
  }

  /** The deadline: ends the run with what its slices hand back; with no tour at all, it failed. */
  private finishAtDeadline(): void {
    if (!this.isRunning) return;
    if (this.now() < this.startedAt + this.budgetMs) return this.armDeadline();
    this.offerFirstTour();
    if (this.best || this.inFlight > 0) void this.endAndCollect('finished');
    else this.finish('failed');
  }

  private finish(phase: RunPhase): void {
    if (!this.isRunning) return;
    this.offerFirstTour();
    this.phase = this.best || phase !== 'finished' ? phase : 'failed';
    if (this.phase === 'failed') this.error ??= NO_TOUR;
    this.endedAt = this.now();
    this.publishState();
    this.settle();
  }

  /** The run's first best, made here while the callees start (see quickTour); a no-op once there is one. */
  private offerFirstTour(): void {
    if (this.best) return;
    try {
      const tour = quickTour(this.instance);
      this.best = { tour, length: tourLength(this.instance, tour) };
      this.recordConvergence();
      this.progressEvents.changed();
    } catch (error) {
      this.error ??= `could not construct a first tour: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /** Final bookkeeping shared by every way a run ends. */
  private settle(): void {
    this.settled = true;
    this.crossover?.close();
    this.blame.close();
    this.endedAt ??= this.now();
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
    this.collected = null;
    this.progressEvents.flush();
    const result = this.result();
    for (const waiter of this.waiters.splice(0)) waiter(result);
  }

  /** The best so far as a progress event carries it (null: no tour yet); kiln.solve.progress answers with it. */
  progress(): RunProgress | null {
    if (!this.best) return null;
    const elapsedMs = (this.endedAt ?? this.now()) - this.startedAt;
    const progress: RunProgress = {
      runId: this.id,
      elapsedMs,
      bestLength: this.best.length,
      tour: toBytes(this.best.tour),
      slicesDone: this.slicesDone,
      movesPerSecond: Math.round((this.movesTried * 1000) / Math.max(1, elapsedMs)),
    };
    const gap = this.gapPercent();
    if (gap !== undefined) progress.gapPercent = gap;
    return progress;
  }

  /** Whether it went out. */
  private publishProgress(): boolean {
    // Without a session (the router went away) there is nobody to tell; the run still settles.
    const progress = this.progress();
    if (!progress || !this.context.session.isOpen) return false;
    this.context.session.publish(Topics.runProgress(this.id), [progress]);
    return true;
  }

  private publishState(): void {
    if (!this.context.session.isOpen) return;
    this.context.session.publish(Topics.runState(this.id), [this.state()]);
  }
}
