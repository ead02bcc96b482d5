/**
 * `kiln solve`'s live progress: one line on stderr, redrawn in place and left showing the final
 * state, only on a terminal (stdout stays the one JSON line for scripts, and logs never fill with
 * carriage returns).
 */

export interface SolveProgress {
  elapsedMs: number;
  /** null until the run has a tour. */
  bestLength: number | null;
  gapPercent?: number;
  /** Compute callees connected, and their summed threads. */
  callees: number;
  threads: number;
  slicesDone: number;
}

/** The progress line's text, e.g. `kiln solve  3.2 s  best 7,542  gap 0.00%  1 callee (2 threads)  4.1 slices/s`. */
export function formatProgress(progress: SolveProgress): string {
  const seconds = progress.elapsedMs / 1000;
  const parts = [`kiln solve ${seconds.toFixed(1).padStart(5)} s`];
  parts.push(progress.bestLength === null ? 'no tour yet' : `best ${Math.round(progress.bestLength).toLocaleString('en-US')}`);
  if (progress.gapPercent !== undefined && progress.bestLength !== null) parts.push(`gap ${progress.gapPercent.toFixed(2)}%`);
  const callees = `${progress.callees} ${progress.callees === 1 ? 'callee' : 'callees'}`;
  parts.push(progress.callees === 0 ? 'no callees yet' : `${callees} (${progress.threads} ${progress.threads === 1 ? 'thread' : 'threads'})`);
  parts.push(`${(seconds > 0 ? progress.slicesDone / seconds : 0).toFixed(1)} slices/s`);
  return parts.join('  ');
}

/** Whether to show the line: on a terminal that can redraw, unless --quiet. */
export function showsProgress(stream: { isTTY?: boolean }, quiet: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return !quiet && stream.isTTY === true && env.TERM !== 'dumb';
}

/** Redraws the line every `intervalMs` from `sample` until stop(), which draws it a last time and ends it. */
export function startProgressLine(stream: NodeJS.WritableStream, sample: () => SolveProgress, intervalMs = 250): { stop(): void } {
  // Carriage return, the text, then erase to the end of the line: shorter lines leave nothing behind.
  const draw = () => stream.write(`\r${formatProgress(sample())}\x1b[K`);
  draw();
  const timer = setInterval(draw, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      // The final state stays on screen as the run's summary; what follows starts on a line of its own.
      draw();
      stream.write('\n');
    },
  };
}
