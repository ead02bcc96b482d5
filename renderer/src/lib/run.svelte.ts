import type { RunResult, RunState } from '../../../shared/protocol/wire.ts';
import { decodeInt32s } from '../../../shared/protocol/codecs.ts';
import { isRecord } from '../../../shared/protocol/validate.ts';
import { decodeProgress, type DecodedProgress } from './feed/progress.ts';

export interface ConvergencePoint {
  /** Seconds since the run started. */
  t: number;
  bestLength: number;
}

function isRunState(value: unknown): value is RunState {
  return (
    isRecord(value) &&
    typeof value.runId === 'string' &&
    typeof value.phase === 'string' &&
    typeof value.startedAt === 'number' &&
    typeof value.budgetMs === 'number'
  );
}

/**
 * The run this window follows: the one it started, or else the most recently started run it hears
 * of, so a second window joins a run in progress.
 */
class CurrentRun {
  state = $state.raw<RunState | null>(null);
  /** Latest best tour; a raw typed array (never proxied), replaced on each improvement. */
  tour = $state.raw<Int32Array | null>(null);
  bestLength = $state<number | null>(null);
  gapPercent = $state<number | null>(null);
  movesPerSecond = $state(0);
  slicesDone = $state(0);
  /** Where progress is received and decoded: the run feed's worker, or the page's own session (the e2e tests read it). */
  feed = $state<'worker' | 'page'>('page');
  /** Progress events received for this run (the UI benchmark reads it from the page). */
  progressEvents = $state(0);
  /** Appended to in place; the convergence chart reads it on each `version` change. */
  readonly history: ConvergencePoint[] = [];
  version = $state(0);
  /** The run's elapsed time as last reported, and when (local clock): the router's clock may differ. */
  #elapsed = { ms: 0, at: 0 };
  /** The run's elapsed time at the progress shown (-1: none yet). */
  #shownProgressMs = -1;

  get runId(): string | null {
    return this.state?.runId ?? null;
  }

  get running(): boolean {
    return this.state?.phase === 'running';
  }

  /** Elapsed run time now, extrapolated from the last report while running. */
  elapsedMsAt(now: number): number {
    if (!this.state) return 0;
    if (!this.running) return this.state.elapsedMs;
    return Math.min(this.state.budgetMs, this.#elapsed.ms + (now - this.#elapsed.at));
  }

  /** The run this window just started: follow it even if another run started later. */
  follow(state: RunState): void {
    this.#adopt(state);
  }

  onState(payload: unknown): void {
    if (!isRunState(payload)) return;
    const current = this.state;
    if (current && current.runId === payload.runId) {
      this.state = payload;
      this.#elapsed = { ms: payload.elapsedMs, at: performance.now() };
      if (payload.bestLength !== null && (this.bestLength === null || payload.bestLength < this.bestLength)) this.bestLength = payload.bestLength;
    } else if (!current || (payload.phase === 'running' && payload.startedAt >= current.startedAt)) {
      this.#adopt(payload);
    }
  }

  /**
   * kiln.solve.status answers with one run or a list of them: keep up with the run this window follows,
   * else join the newest one still running. A run that ended before this page opened is not shown as if
   * it were current (its city set is not on the map); past runs are under Runs.
   */
  onStatus(payload: unknown): void {
    const runs = (Array.isArray(payload) ? payload : [payload]).filter(isRunState);
    const followed = this.state && runs.find((run) => run.runId === this.state!.runId);
    if (followed) return this.onState(followed);
    const running = runs.filter((run) => run.phase === 'running');
    if (running.length === 0) return;
    this.onState(running.reduce((a, b) => (b.startedAt > a.startedAt ? b : a)));
  }

  /** A run's final answer (from kiln.solve.stop or .result): its state and best tour. */
  onResult(result: RunResult): void {
    this.onState(result);
    if (result.runId !== this.runId || !result.tour) return;
    try {
      this.tour = decodeInt32s(result.tour, 'result.tour');
    } catch {
      // Keep the last progress tour.
    }
  }

  /**
   * A progress event as the page's own session receives it (`?feed=main`, or no run feed worker), or
   * (`asked`) kiln.solve.progress's answer for a window that joined mid-run.
   */
  onProgress(payload: unknown, asked = false): void {
    const progress = decodeProgress(payload);
    if (progress && this.#show(progress) && !asked) this.progressEvents++;
  }

  /** The run feed worker's latest progress, decoded; `received`: the events it has had for the run in all. */
  onFeedProgress(progress: DecodedProgress, received: number): void {
    if (this.#show(progress)) this.progressEvents = received;
  }

  /** Progress of the followed run onto the page; one older than what is shown (by the run's clock) is dropped: the asked one and an event may cross. */
  #show(payload: DecodedProgress): boolean {
    if (payload.runId !== this.runId || payload.elapsedMs < this.#shownProgressMs) return false;
    this.#shownProgressMs = payload.elapsedMs;
    if (payload.tour) this.tour = payload.tour;
    this.bestLength = payload.bestLength;
    this.gapPercent = payload.gapPercent ?? this.#gap(payload.bestLength);
    this.movesPerSecond = payload.movesPerSecond;
    this.slicesDone = payload.slicesDone;
    this.#elapsed = { ms: payload.elapsedMs, at: performance.now() };
    this.history.push({ t: payload.elapsedMs / 1000, bestLength: payload.bestLength });
    this.version++;
    return true;
  }

  #gap(length: number): number | null {
    const optimum = this.state?.optimum;
    return optimum ? ((length - optimum) / optimum) * 100 : null;
  }

  #adopt(state: RunState): void {
    this.state = state;
    this.#elapsed = { ms: state.elapsedMs, at: performance.now() };
    this.tour = null;
    this.bestLength = state.bestLength;
    this.gapPercent = state.bestLength === null ? null : this.#gap(state.bestLength);
    this.movesPerSecond = 0;
    this.slicesDone = 0;
    this.progressEvents = 0;
    this.#shownProgressMs = -1;
    this.history.length = 0;
    this.version++;
  }
}

export const currentRun = new CurrentRun();
