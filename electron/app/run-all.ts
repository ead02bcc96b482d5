/**
 * Shutdown steps run best-effort: each runs even when one before it threw (a port, a thread or a timer
 * left behind is worse than a second error), and the first error is thrown once all have run.
 */
export async function runAll(steps: ReadonlyArray<() => unknown>): Promise<void> {
  let first: { error: unknown } | undefined;
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      first ??= { error };
    }
  }
  if (first) throw first.error;
}
