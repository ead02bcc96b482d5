/** A task run at most once per interval; `cancel` drops a pending run (on unmount). */
export interface Throttled {
  (): void;
  cancel(): void;
}

/**
 * Runs `task` at most once every `intervalMs`: the first call runs it at once, calls during the
 * interval fold into one run when it ends, so the last state is always shown.
 */
export function throttled(task: () => void, intervalMs: number): Throttled {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let again = false;
  const finish = (): void => {
    timer = null;
    if (!again) return;
    again = false;
    run();
  };
  const run = (): void => {
    task();
    timer = setTimeout(finish, intervalMs);
  };
  const call = (() => {
    if (timer === null) run();
    else again = true;
  }) as Throttled;
  call.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    again = false;
  };
  return call;
}
