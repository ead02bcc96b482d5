import type { DecodedProgress } from './progress.ts';

/** Runs whose latest progress is kept, for a page that switches to one of them. */
const RUNS_KEPT = 4;

/**
 * Which progress goes to the page, and when (the run feed worker's policy, apart from its messaging):
 * the latest of the followed run, one at a time, the next only once the page has shown the last. A busy
 * page so gets the newest tour, never a backlog; events that came meanwhile are counted, not sent.
 */
export class ProgressHandover {
  /** Per run, oldest first: its latest progress not yet sent (null once sent) and how many events came. */
  readonly #runs = new Map<string, { latest: DecodedProgress | null; received: number }>();
  #followed: string | null = null;
  #awaitingShown = false;

  constructor(private readonly send: (progress: DecodedProgress, received: number) => void) {}

  received(progress: DecodedProgress): void {
    const received = (this.#runs.get(progress.runId)?.received ?? 0) + 1;
    this.#runs.delete(progress.runId);
    this.#runs.set(progress.runId, { latest: progress, received });
    while (this.#runs.size > RUNS_KEPT) this.#runs.delete(this.#runs.keys().next().value as string);
    this.#handOver();
  }

  /** The page follows this run now: its latest progress not yet sent goes at once (or when the page has shown the last). */
  follow(runId: string | null): void {
    this.#followed = runId;
    this.#handOver();
  }

  /** The page has shown the progress sent last. */
  shown(): void {
    this.#awaitingShown = false;
    this.#handOver();
  }

  #handOver(): void {
    const run = this.#followed === null ? undefined : this.#runs.get(this.#followed);
    if (this.#awaitingShown || !run?.latest) return;
    const progress = run.latest;
    run.latest = null;
    this.#awaitingShown = true;
    this.send(progress, run.received);
  }
}
