/**
 * What a page's long tasks are made of, from a Chromium trace (Playwright's browser.startTracing):
 * for each task over 50 ms on the page's main thread, its length and the trace events inside it
 * summed by name (nested events count in each of their ancestors' names too, so read it as "how much
 * of the task was under X"), with the scripts' functions named. `npm run bench:ui` prints it with
 * KILN_BENCH_TRACE=1.
 */

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** Thread (CPU) time, where the platform has thread clocks. */
  tdur?: number;
  args?: { name?: string; data?: { functionName?: string; url?: string; type?: string } };
}

/** Categories that show tasks, script, style, layout, paint and GC on the renderer's main thread. */
export const TRACE_CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'];

/** The page's main thread ("pid:tid"): the CrRendererMain that was busiest (the browser's other renderers are idle). */
function pageMainThread(events: TraceEvent[]): string | undefined {
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((m) => `${m.pid}:${m.tid}`));
  const busyUs = new Map<string, number>();
  for (const e of events) {
    const thread = `${e.pid}:${e.tid}`;
    if (e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && mains.has(thread)) busyUs.set(thread, (busyUs.get(thread) ?? 0) + (e.dur ?? 0));
  }
  return [...busyUs].sort((a, b) => b[1] - a[1])[0]?.[0];
}

const TASK_NAMES = new Set(['RunTask', 'ThreadControllerImpl::RunTask']);
const LONG_TASK_MS = 50;

function traceEvents(trace: Buffer): TraceEvent[] {
  const parsed = JSON.parse(trace.toString('utf8')) as TraceEvent[] | { traceEvents: TraceEvent[] };
  return Array.isArray(parsed) ? parsed : parsed.traceEvents;
}

/** One task in words: "+1234 ms (since tracing began): 81 ms (CPU 14 ms) = FunctionCall 60 (onmessage shared.js), MinorGC 12, ...". */
function describeTask(task: TraceEvent, onMain: TraceEvent[], startUs: number): string {
  const end = task.ts + task.dur!;
  const parts = new Map<string, number>();
  for (const e of onMain) {
    if (e === task || e.ts < task.ts || e.ts + e.dur! > end || TASK_NAMES.has(e.name)) continue;
    const data = e.args?.data;
    const what = data?.functionName || data?.url ? ` (${data.functionName || '?'} ${(data.url ?? '').split('/').pop()})` : data?.type ? ` (${data.type})` : '';
    const key = `${e.name}${what}`;
    parts.set(key, (parts.get(key) ?? 0) + e.dur! / 1000);
  }
  const top = [...parts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([name, ms]) => `${name} ${ms.toFixed(0)}`)
    .join(', ');
  const cpu = task.tdur === undefined ? '' : ` (CPU ${(task.tdur / 1000).toFixed(0)} ms)`;
  return `+${((task.ts - startUs) / 1000).toFixed(0)} ms: ${(task.dur! / 1000).toFixed(0)} ms${cpu} = ${top}`;
}

/** The page main thread's events with a duration, in time order, and its tasks; null without a renderer main thread. */
function mainThreadTasks(trace: Buffer): { onMain: TraceEvent[]; tasks: TraceEvent[]; startUs: number } | null {
  const events = traceEvents(trace);
  const main = pageMainThread(events);
  if (!main) return null;
  const onMain = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts);
  return { onMain, tasks: onMain.filter((e) => TASK_NAMES.has(e.name)), startUs: onMain[0]?.ts ?? 0 };
}

/** Each long task (over 50 ms of wall time) of the page's main thread, in words (describeTask). */
export function describeLongTasks(trace: Buffer): string[] {
  const thread = mainThreadTasks(trace);
  if (!thread) return ['(no renderer main thread in the trace)'];
  return thread.tasks.filter((task) => task.dur! / 1000 > LONG_TASK_MS).map((task) => describeTask(task, thread.onMain, thread.startUs));
}

/** The page main thread's `count` longest tasks in CPU time (what a busy machine stretches into long tasks), longest first, in words. */
export function describeLongestCpuTasks(trace: Buffer, count: number): string[] {
  const thread = mainThreadTasks(trace);
  if (!thread) return ['(no renderer main thread in the trace)'];
  return thread.tasks
    .filter((task) => task.name === 'ThreadControllerImpl::RunTask' && task.tdur !== undefined)
    .sort((a, b) => b.tdur! - a.tdur!)
    .slice(0, count)
    .map((task) => describeTask(task, thread.onMain, thread.startUs));
}

/** The page's main thread over a trace in CPU time (thread clock), which a busy machine does not stretch as it does wall time. */
export interface MainThreadCpu {
  /** CPU time of all its tasks. */
  busyMs: number;
  /** Tasks whose CPU time alone was over 50 ms, and the longest task's CPU time. */
  longTasks: number;
  longestMs: number;
}

export function mainThreadCpu(trace: Buffer): MainThreadCpu | null {
  const events = traceEvents(trace);
  const main = pageMainThread(events);
  if (!main) return null;
  const tasks = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && e.tdur !== undefined);
  const cpu = tasks.map((e) => e.tdur! / 1000);
  return {
    busyMs: Math.round(cpu.reduce((a, b) => a + b, 0)),
    longTasks: cpu.filter((ms) => ms > LONG_TASK_MS).length,
    longestMs: Math.round(Math.max(0, ...cpu)),
  };
}
