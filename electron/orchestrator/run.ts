/**
 * One solve run: keeps as many `kiln.anneal` slices in flight as the callees' total concurrency
 * allows, each starting from the best tour so far with its own seed and temperature band, and ends
 * at its deadline. Ending (at the deadline or by a stop) tells the callees, which stop that run's slices
 * and hand back their best so far; the run collects those for at most COLLECT_MS, so that what a
 * callee counts as done is what the run credits it with. A slice that fails or whose callee is lost is
 * simply dispatched again. While the callees start, the run makes a quick tour of its own
 * (construct.ts quickTour), so it always answers with a valid tour, whatever its budget.
 */
import {
  Errors,
  MAX_CONVERGENCE_SAMPLES,
  Procedures,
  Topics,
  decodeInt32s,
  isRecord,
  parseTour,
  toBytes,
  type AnnealRequest,
  type AnnealResult,
  type RunPhase,
  type RunProgress,
  type RunResult,
  type RunState,
  type SolveParams,
} from '../../shared/protocol.ts';
import type { Segment } from '../../shared/compute/segment.ts';
import { quickTour } from '../../shared/tsp/construct.ts';
import { createInstance, tourLength } from '../../shared/tsp/instance.ts';
import type { Instance, ProblemData } from '../../shared/tsp/types.ts';
import { callErrorOf, type WampSession } from '../../shared/wamp.ts';
import { crowdSliceMs, defaultSliceMs, temperatureBand } from './slice-plan.ts';
import { SegmentRounds } from './segments.ts';

/** Call errors after which the same slice is simply dispatched again. */
const RETRYABLE = new Set([
  'crossbar.error.max_concurrency_reached', // Crossbar.io: no queue, every callee saturated
  'wamp.error.canceled', // the callee left mid-call
  'wamp.error.timeout',
  'wamp.error.no_such_procedure', // no callee registered right now
  'kiln.error.slice_failed',
]);
/** Pause before retrying when no callee could take the slice, so an empty cluster is not spun on. */
const RETRY_DELAY_MS = 100;
/** Progress events at most every this many ms. */
const PROGRESS_INTERVAL_MS = 100;
/** Extra time a slice call may take beyond its compute budget (transfer, problem fetch, preparation). */
const CALL_GRACE_MS = 10_000;
/** Longest worker id counted in slicesByWorker (longer ones count as 'unknown'). */
const MAX_WORKER_ID = 100;
/** How long an ending run waits for its stopped slices to hand back their best so far. */
const COLLECT_MS = 250;
const NO_TOUR = 'no tour: no slice came back and the run could not make one of its own';

export interface RunContext {
  session: WampSession;
  /** The procedure callees fetch the problem from, when not kiln.problem.get (a private orchestrator's). */
  problemFrom?: string;
  /** Slices this run may have in flight right now (its share of the callees' summed concurrency). */
  capacity: () => number;
  /** One of this run's slices came back, freeing a callee slot (for this run or another); default: fill this run. */
  onSliceEnded?: () => void;
  /** Start from this tour (validated against the problem) instead of letting the first slices build one. */
  startTour?: Int32Array;
  /** A slice came back with a valid tour: who computed it (as the callee says), for how long, and whether it became the best. */
  onSliceDone?: (slice: SliceDone) => void;
  now?: () => number;
  /** When the solve was asked for (default: now): the budget and elapsedMs count from there, start-up included. */
  startedAt?: number;
}

export interface SliceDone {
  runId: string;
  workerId: string;
  /** The callee's own account of its compute time, capped at the slice's budget. */
  cpuMs: number;
  improved: boolean;
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
  private inFlight = 0;
  private slicesDispatched = 0;
  private slicesDone = 0;
  private slicesFailed = 0;
  /** Slices that came back after the run ended and were not used. */
  private slicesDiscarded = 0;
  private readonly slicesByWorker = new Map<string, number>();
  private movesTried = 0;
  private nextSeed: number;
  private error: string | undefined;
  private readonly sliceMs: number;
  private readonly waiters: Array<(result: RunResult) => void> = [];
  private deadlineTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private progressTimer: ReturnType<typeof setTimeout> | null = null;
  private progressDirty = false;
  /** Set while an ended run collects its slices: called when the last one is back. */
  private collected: (() => void) | null = null;
  /** The stop in progress: every caller of stop() gets the same collected result. */
  private stopping: Promise<RunResult> | null = null;
  private readonly now: () => number;
  /** Segment rounds for large problems (see segments.ts); null: every slice works on the whole tour. */
  private readonly segments: SegmentRounds | null;
  /** For the lengths of returned tours, which are computed here, never taken from the callee. */
  private readonly instance: Instance;
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
    this.sliceMs = params.sliceMs ?? defaultSliceMs(problem.n, budgetMs);
    this.nextSeed = params.seed ?? Math.floor(Math.random() * 2 ** 31);
    // 'auto' is whole-tour slices: measured better so far (docs/benchmarks.md, "Distributed solving").
    this.instance = createInstance(problem);
    this.segments = params.scheme === 'segments' ? new SegmentRounds(this.instance) : null;
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
    this.deadlineTimer = setTimeout(() => this.finishAtDeadline(), Math.max(0, this.startedAt + this.budgetMs - this.now()));
    this.fill();
    // After the first slices are out (and kiln.solve.start has answered); finish() makes it if still missing.
    setImmediate(() => {
      if (this.isRunning) this.offerFirstTour();
    });
  }

  /** Capacity may have grown (a callee joined): dispatch more slices. */
  fill(): void {
    if (!this.isRunning || this.retryTimer) return;
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
      const segments = this.segments.startRound(capacity);
      if (segments.length > 0) {
        for (const segment of segments) this.dispatch(sliceMs, segment);
        return;
      }
    }
    while (this.inFlight < capacity) this.dispatch(sliceMs);
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
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, COLLECT_MS);
        this.collected = () => {
          clearTimeout(timer);
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
    if (this.error) state.error = this.error;
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

  private dispatch(sliceMs: number, segment?: Segment): void {
    const fraction = (this.now() - this.startedAt) / this.budgetMs;
    const best = this.seeded ? this.best : null;
    const request: AnnealRequest = {
      runId: this.id,
      problemHash: this.problemHash,
      temperature: best ? temperatureBand(best.length / this.problem.n, fraction, sliceMs / this.budgetMs, this.params.method) : { start: 0, end: 0 },
      budget: { ms: sliceMs },
      seed: this.nextSeed++ % 2 ** 31,
    };
    if (best) request.tour = toBytes(best.tour);
    if (segment) request.segment = segment;
    if (this.context.problemFrom) request.problemFrom = this.context.problemFrom;
    if (this.params.method) request.method = this.params.method;
    this.inFlight++;
    this.slicesDispatched++;
    this.call(request, sliceMs)
      .then(
        (result) => this.accept(result, segment, sliceMs),
        (error) => this.failed(error, segment),
      )
      .finally(() => {
        this.inFlight--;
        if (this.inFlight === 0) this.collected?.();
        if (this.context.onSliceEnded) this.context.onSliceEnded();
        else this.fill();
      });
  }

  /** The anneal call as a promise, also when the session is gone (autobahn then throws at once). */
  private call(request: AnnealRequest, sliceMs: number): Promise<AnnealResult> {
    try {
      return this.context.session.call<AnnealResult>(Procedures.anneal, [], request as unknown as Record<string, unknown>, { timeout: sliceMs + CALL_GRACE_MS });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private accept(result: AnnealResult, segment: Segment | undefined, sliceMs: number): void {
    // A slice that comes back after the run ended is discarded, except while the ending run collects.
    if (!this.isRunning && !this.collected) {
      this.slicesDiscarded++;
      this.segments?.abandon();
      return;
    }
    // No tour: the slice found nothing shorter than the tour it started from (callee.ts); a done slice.
    if (isRecord(result) && result.tour === undefined && !segment) {
      this.reportDone(result, this.creditSlice(result), sliceMs, false);
      return;
    }
    // Callees may be any browser that holds an invite: trust the tour, checked, and nothing it claims.
    let tour: Int32Array;
    try {
      tour = segment ? decodeInt32s(result.tour, 'anneal result segment') : parseTour(result.tour, this.problem.n, 'anneal result tour');
    } catch {
      this.slicesFailed++;
      if (segment) this.segments?.abandon();
      return;
    }
    const workerId = this.creditSlice(result);
    let improved = false;
    if (segment && this.segments && this.best) {
      const delta = this.segments.splice(this.best.tour, segment, tour);
      if (delta < 0) {
        this.best.length += delta;
        improved = true;
      }
    } else {
      const length = tourLength(this.instance, tour);
      if (!this.best || length < this.best.length) {
        this.best = { tour, length };
        improved = true;
      }
    }
    if (improved) {
      this.recordConvergence();
      this.scheduleProgress();
    }
    this.reportDone(result, workerId, sliceMs, improved);
  }

  /** Tells the orchestrator's listener (the credit board) about a done slice: its CPU time, bounded by the slice's. */
  private reportDone(result: AnnealResult, workerId: string, sliceMs: number, improved: boolean): void {
    const claimedMs = result.stats?.elapsedMs;
    const cpuMs = typeof claimedMs === 'number' && Number.isFinite(claimedMs) ? Math.min(Math.max(0, claimedMs), sliceMs) : 0;
    this.context.onSliceDone?.({ runId: this.id, workerId, cpuMs, improved });
  }

  /** Counts a slice that came back done: its moves (bounded claims only) and its worker, which it returns. */
  private creditSlice(result: AnnealResult): string {
    this.slicesDone++;
    this.firstSliceBack ??= this.now();
    const moves = result.stats?.movesTried;
    if (typeof moves === 'number' && Number.isFinite(moves) && moves >= 0) this.movesTried += moves;
    const workerId = typeof result.workerId === 'string' && result.workerId.length <= MAX_WORKER_ID ? result.workerId : 'unknown';
    this.slicesByWorker.set(workerId, (this.slicesByWorker.get(workerId) ?? 0) + 1);
    return workerId;
  }

  private failed(error: unknown, segment: Segment | undefined): void {
    this.slicesFailed++;
    if (segment) this.segments?.abandon();
    if (!this.isRunning) return;
    const { uri, message } = callErrorOf(error);
    if (RETRYABLE.has(uri)) {
      // Back off briefly so a cluster with no free callee is not spun on; fill() resumes afterwards.
      if (!this.retryTimer) this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.fill();
      }, RETRY_DELAY_MS);
      return;
    }
    if (uri === Errors.stopped) return;
    this.error = `${uri}: ${message}`;
    this.finish('failed');
  }

  /** The deadline: ends the run with what its slices hand back; with no tour at all, it failed. */
  private finishAtDeadline(): void {
    if (!this.isRunning) return;
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
      this.scheduleProgress();
    } catch (error) {
      this.error ??= `could not construct a first tour: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /** Final bookkeeping shared by every way a run ends. */
  private settle(): void {
    this.settled = true;
    this.endedAt ??= this.now();
    for (const timer of [this.deadlineTimer, this.retryTimer, this.progressTimer]) if (timer) clearTimeout(timer);
    this.deadlineTimer = this.retryTimer = this.progressTimer = null;
    this.collected = null;
    if (this.progressDirty) this.publishProgress();
    const result = this.result();
    for (const waiter of this.waiters.splice(0)) waiter(result);
  }

  private scheduleProgress(): void {
    this.progressDirty = true;
    if (this.progressTimer) return;
    this.publishProgress();
    this.progressTimer = setTimeout(() => {
      this.progressTimer = null;
      if (this.progressDirty) this.scheduleProgress();
    }, PROGRESS_INTERVAL_MS);
  }

  private publishProgress(): void {
    // Without a session (the router went away) there is nobody to tell; the run still settles.
    if (!this.best || !this.context.session.isOpen) return;
    this.progressDirty = false;
    const elapsedMs = this.now() - this.startedAt;
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
    this.context.session.publish(Topics.runProgress(this.id), [progress]);
  }

  private publishState(): void {
    if (!this.context.session.isOpen) return;
    this.context.session.publish(Topics.runState(this.id), [this.state()]);
  }
}
