/**
 * npm run bench:ui — the control center's main thread during a big run: `kiln serve` (2 threads) solves
 * a generated 33,810-city instance (uniform random, seed 1; no ../shared needed) with 100 ms slices
 * while Chromium shows it at 1440 x 900, and a PerformanceObserver counts long tasks (> 50 ms, wall
 * time) from the Start click over the run's first `--seconds`, with the progress events the page
 * received and the map frames drawn; a light Chromium trace gives the main thread's CPU time (tasks'
 * thread time, which a loaded machine does not stretch). The orchestrator publishes progress only when
 * the best improves, at most 10 a second; a loaded machine improves a 33,810-city tour far less often,
 * so the bench tops the run's progress up to 10 a second (topUpProgress; `--no-top-up`: the run's own
 * events only).
 *
 * Each round measures, in fresh pages on fresh servers one after the other (in alternating order), the
 * page as it ships (`worker`: progress received and decoded by the run feed worker, the map drawn by its
 * worker and the charts by theirs on OffscreenCanvases, kiln.solve.start encoded and sent by the feed
 * worker's session) and the baseline (`main`: `?feed=main&map=main&charts=main`, all of that on the
 * page's main thread, as before the workers); both redraw the charts one per frame. It prints each measurement, the median of the rounds
 * per path, and whether the goal (no long task over 50 ms at 10 progress events/s) was met in every
 * round of the page as it ships. The machine's load average is printed with each measurement: on a
 * busy machine the page's thread waits for a core, and wall-time long tasks measure the machine.
 * KILN_BENCH_PROFILE=1 also prints the main thread's busiest functions (CDP Profiler) and what its posts to its workers cost it;
 * KILN_BENCH_TRACE=1 what each long task, and each of the 8 longest in CPU time, was made of (a Chromium trace; it slows the page down).
 *
 *   npm run bench:ui [-- --seconds 15 --cities 33810 --rounds 3 --slice-ms 100 --threads 2 --paths worker,main]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { createInstance, randomUniformProblem } from '../shared/tsp/instance.ts';
import { serveKiln, type ServedKiln } from '../e2e/serve-kiln.ts';
import { openWampClient, type WampClient } from '../electron/wamp/client.ts';
import { toBytes } from '../shared/protocol/codecs.ts';
import { Procedures, Topics } from '../shared/protocol/uris.ts';
import type { RunProgress, RunState } from '../shared/protocol/wire.ts';
import { quickTour } from '../shared/tsp/construct.ts';
import type { WampSession } from '../shared/wamp.ts';
import { describeLongestCpuTasks, describeLongTasks, mainThreadCpu, TRACE_CATEGORIES } from './long-task-trace.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    cities: { type: 'string', default: '33810' },
    rounds: { type: 'string', default: '3' },
    'slice-ms': { type: 'string', default: '100' },
    threads: { type: 'string', default: '2' },
    paths: { type: 'string', default: 'worker,main' },
    'no-top-up': { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const sliceMs = Number(values['slice-ms']);
const threads = Number(values.threads);
const topUp = !values['no-top-up'];
/** The orchestrator's progress interval: at most 10 events a second. */
const PROGRESS_INTERVAL_MS = 100;
const cities = Number(values.cities);
type FeedPath = 'worker' | 'main';
const paths = values.paths.split(',') as FeedPath[];
if (paths.some((path) => path !== 'worker' && path !== 'main')) throw new Error(`--paths: worker and/or main, not ${values.paths}`);
const PATH_NAMES: Record<FeedPath, string> = {
  worker: 'workers (as shipped)',
  main: 'main thread (?feed=main&map=main&charts=main, baseline)',
};
/** The goal: no long task over this (ms, wall time) at 10 progress events a second. */
const GOAL_LONGEST_MS = 50;
/** A measurement below this many progress events a second did not test the goal's load. */
const GOAL_EVENTS_PER_S = 9.5;

const dir = mkdtempSync(join(tmpdir(), 'kiln-bench-ui-'));
const csv = join(dir, `uniform${cities}.csv`);
const problem = randomUniformProblem(cities, 1);
writeFileSync(csv, ['x,y', ...Array.from({ length: cities }, (_, i) => `${problem.xs![i].toFixed(3)},${problem.ys![i].toFixed(3)}`)].join('\n'));

interface Figures {
  /** Which thread sent kiln.solve.start (the Start button's data-thread). */
  startThread: string;
  /** Where the charts were drawn (the convergence chart's data-thread). */
  chartThread: string;
  longTasks: number;
  longestMs: number;
  blockedMs: number;
  progressEvents: number;
  mapFrames: number;
  timeline: string;
  /** From the trace, in the main thread's CPU time (which machine load does not stretch): all its tasks, those over 50 ms, the longest. */
  cpuBusyMs: number;
  cpuLongTasks: number;
  cpuLongestMs: number;
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });

/** One page on its own `kiln serve` (a server per page: no run's leftovers weigh on the next). */
async function measure(path: FeedPath): Promise<Figures> {
  const kiln = await serveKiln(threads, { stateDir: mkdtempSync(join(dir, 'state-')) });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  try {
    const url = new URL(kiln.uiUrl);
    if (path === 'main') {
      url.searchParams.set('feed', 'main');
      url.searchParams.set('map', 'main');
      url.searchParams.set('charts', 'main');
    }
    // The profile below counts posts by worker: each Worker remembers the name it was created with.
    if (process.env.KILN_BENCH_PROFILE)
      await page.addInitScript(() => {
        const names = new WeakMap<Worker, string>();
        (window as unknown as { workerNames: typeof names }).workerNames = names;
        window.Worker = class extends Worker {
          constructor(script: string | URL, options?: WorkerOptions) {
            super(script, options);
            names.set(this, options?.name ?? '?');
          }
        };
      });
    await page.goto(url.href);
    await page.getByTestId('connection-status').and(page.locator('[data-phase=open]')).waitFor();
    await page.setInputFiles('[data-testid=file-input]', csv);
    await page.getByTestId('problem-summary').waitFor();
    await page.getByTestId('budget-seconds').fill(String(seconds + 10));
    // Short slices: two threads return 20 improvements a second, which the orchestrator publishes at its cap of 10.
    await page.getByTestId('slice-ms').fill(String(sliceMs));
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[]; longTaskStarts: number[] };
      w.longTasks = [];
      w.longTaskStarts = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          w.longTasks.push(entry.duration);
          w.longTaskStarts.push(entry.startTime);
        }
      }).observe({ type: 'longtask' });
    });
    const cdp = process.env.KILN_BENCH_PROFILE ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      // What the page's posts to its workers cost it, by worker and message ("kiln-map update tour": the map's tour).
      await page.evaluate(() => {
        const posts: Record<string, { count: number; ms: number }> = {};
        const w = window as unknown as { workerPosts: typeof posts; workerNames: WeakMap<Worker, string> };
        w.workerPosts = posts;
        const post = Worker.prototype.postMessage as (this: Worker, message: unknown, transfer?: Transferable[]) => void;
        Worker.prototype.postMessage = function (this: Worker, message: unknown, transfer?: Transferable[]) {
          const data = message as { type?: string; inputs?: object };
          const key = `${w.workerNames.get(this) ?? '?'} ${data.type ?? '?'}${data.inputs && 'tour' in data.inputs ? ' tour' : ''}`;
          const started = performance.now();
          post.call(this, message, transfer);
          const entry = (posts[key] ??= { count: 0, ms: 0 });
          entry.count++;
          entry.ms += performance.now() - started;
        } as typeof Worker.prototype.postMessage;
      });
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    // Always a light trace (tasks only), for the main thread's CPU time; KILN_BENCH_TRACE=1 records what the tasks did.
    await browser.startTracing(page, { categories: process.env.KILN_BENCH_TRACE ? TRACE_CATEGORIES : ['toplevel'] });
    await page.getByTestId('start').click();
    await page.locator('[data-testid=run-phase]', { hasText: 'running' }).waitFor();
    if (topUp) topUps.push(await topUpProgress(kiln));
    // Long tasks from the Start click on: sending the city set and the first tours are where a page stutters.
    const figures: Omit<Figures, 'startThread' | 'chartThread' | 'cpuBusyMs' | 'cpuLongTasks' | 'cpuLongestMs'> = await page.evaluate(async (ms) => {
      const w = window as unknown as { longTasks: number[]; longTaskStarts: number[] };
      // No named functions in here: tsx would wrap them in a helper the page does not have.
      const phase = document.querySelector('[data-testid=run-phase]')!;
      const map = document.querySelector<HTMLElement>('[data-testid=map-canvas]')!;
      const before = Number(phase.getAttribute('data-progress-events'));
      const framesBefore = Number(map.dataset.draws ?? 0);
      const startedAt = performance.now();
      await new Promise((resolve) => setTimeout(resolve, ms));
      const tasks = w.longTasks;
      return {
        longTasks: tasks.length,
        longestMs: Math.round(Math.max(0, ...tasks)),
        blockedMs: Math.round(tasks.reduce((sum, d) => sum + Math.max(0, d - 50), 0)),
        progressEvents: Number(phase.getAttribute('data-progress-events')) - before,
        mapFrames: Number(map.dataset.draws ?? 0) - framesBefore,
        // When each long task began (ms after the run showed as running; negative: before) and its length.
        timeline: tasks.map((d, i) => `${Math.round(w.longTaskStarts[i] - startedAt)}:${Math.round(d)}`).join(' '),
      };
    }, seconds * 1000);
    const trace = await browser.stopTracing();
    if (process.env.KILN_BENCH_TRACE) {
      for (const line of describeLongTasks(trace)) console.log(`  traced long task ${line}`);
      for (const line of describeLongestCpuTasks(trace, 8)) console.log(`  longest in CPU ${line}`);
    }
    const cpu = mainThreadCpu(trace);
    if (cdp) {
      printProfile((await cdp.send('Profiler.stop')) as CpuProfile);
      const posts = await page.evaluate(() => (window as unknown as { workerPosts: Record<string, { count: number; ms: number }> }).workerPosts);
      for (const [key, { count, ms }] of Object.entries(posts))
        console.log(`  posted to a worker: ${key} x ${count}, ${ms.toFixed(0)} ms, ${(ms / count).toFixed(2)} ms each`);
    }
    const startThread = (await page.getByTestId('start').getAttribute('data-thread')) ?? '?';
    const chartThread = (await page.getByTestId('convergence-chart').getAttribute('data-thread')) ?? '?';
    return { ...figures, startThread, chartThread, cpuBusyMs: cpu?.busyMs ?? NaN, cpuLongTasks: cpu?.longTasks ?? NaN, cpuLongestMs: cpu?.longestMs ?? NaN };
  } finally {
    for (const stop of topUps.splice(0)) await stop();
    await page.close();
    await kiln.close();
  }
}

const topUps: Array<() => Promise<void>> = [];
/** The run's first tour as the orchestrator makes it, for the top-up until the run has one of its own. */
const firstTour = toBytes(quickTour(createInstance(problem)));

/**
 * Tops the run's progress up to the orchestrator's full rate (10 events a second): a controller session
 * publishes, in each 100 ms without a progress event from the orchestrator, the run's latest progress
 * again (its own best tour, the first tour before it has one) with the time now, so the page receives
 * and draws a 33,810-city tour ten times a second however slowly a loaded machine improves it.
 */
async function topUpProgress(kiln: ServedKiln): Promise<() => Promise<void>> {
  let client: WampClient | undefined;
  const session = await new Promise<WampSession>((resolve, reject) => {
    client = openWampClient({
      url: kiln.routerUrl,
      realm: 'kiln',
      credentials: kiln.uiCredentials,
      onOpen: resolve,
      onClose: (reason, message) => reject(new Error(`${reason}: ${message}`)),
    });
  });
  const runs = (await session.call<RunState[]>(Procedures.solveStatus, [])).filter((run) => run.phase === 'running');
  const run = runs.reduce((a, b) => (b.startedAt > a.startedAt ? b : a));
  let latest: RunProgress = { runId: run.runId, elapsedMs: 0, bestLength: Number.MAX_SAFE_INTEGER, tour: firstTour, slicesDone: 0, movesPerSecond: 0 };
  let lastEventAt = 0;
  await session.subscribe(Topics.runProgress(run.runId), (args) => {
    latest = args?.[0] as RunProgress;
    lastEventAt = Date.now();
  });
  const timer = setInterval(() => {
    // A session lost to a starved machine just stops topping up (autobahn throws on a closed session).
    if (Date.now() - lastEventAt < PROGRESS_INTERVAL_MS || !session.isOpen) return;
    void session.publish(Topics.runProgress(run.runId), [{ ...latest, elapsedMs: Date.now() - run.startedAt }]);
  }, PROGRESS_INTERVAL_MS);
  return async () => {
    clearInterval(timer);
    await client?.close();
  };
}

interface CpuProfile {
  profile: { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>; samples: number[]; timeDeltas: number[] };
}

/** The main thread's 15 busiest functions by self time. */
function printProfile({ profile }: CpuProfile): void {
  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    const key = `${frame.functionName || '(anon)'} ${frame.url.split('/').pop()}:${frame.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  console.log(
    [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([k, v]) => `${v.toFixed(0).padStart(6)} ms ${k}`)
      .join('\n'),
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const load = (): string => loadavg()[0].toFixed(1);
const perEvent = (f: Figures): number => f.cpuBusyMs / Math.max(1, f.progressEvents);

/** One measurement (or the median of several) as a line. */
function describe(f: Figures): string {
  return (
    `${f.longTasks} long tasks, longest ${f.longestMs} ms, blocking ${f.blockedMs} ms, ${(f.progressEvents / seconds).toFixed(1)} progress events/s, ` +
    `${f.mapFrames} map frames; main thread CPU ${f.cpuBusyMs} ms (${perEvent(f).toFixed(1)} ms per progress event), ` +
    `${f.cpuLongTasks} tasks over 50 ms CPU, longest ${f.cpuLongestMs} ms CPU`
  );
}

/** Whether the page as shipped met the goal in every round, in words. */
function verdict(figures: Figures[]): string {
  const missed = figures.map((f, i) => ({ f, round: i + 1 })).filter(({ f }) => f.longTasks > 0);
  const slow = figures.map((f, i) => ({ f, round: i + 1 })).filter(({ f }) => f.progressEvents / seconds < GOAL_EVENTS_PER_S);
  const rate =
    slow.length === 0
      ? ''
      : `; but rounds ${slow.map(({ round }) => round).join(', ')} received under ${GOAL_EVENTS_PER_S} progress events/s, so they do not test the goal's load`;
  if (missed.length === 0) return `GOAL MET: no long task over ${GOAL_LONGEST_MS} ms in any of the ${figures.length} rounds${rate}`;
  const detail = missed.map(({ f, round }) => `round ${round}: ${f.longTasks}, longest ${f.longestMs} ms`).join('; ');
  return `GOAL NOT MET: long tasks over ${GOAL_LONGEST_MS} ms in ${missed.length} of ${figures.length} rounds (${detail})${rate}`;
}

try {
  console.log(`${cities} cities, the first ${seconds} s of a run on kiln serve (${threads} threads, ${sliceMs} ms slices), Chromium 1440x900:`);
  const rounds = Number(values.rounds);
  const results = new Map<FeedPath, Figures[]>(paths.map((path) => [path, []]));
  const loads: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    // Alternating which goes first, so a machine getting busier or quieter favours neither.
    for (const path of round % 2 === 1 ? paths : [...paths].reverse()) {
      const loadBefore = load();
      const f = await measure(path);
      results.get(path)!.push(f);
      loads.push(Number(loadBefore), Number(load()));
      console.log(
        `round ${round}, ${PATH_NAMES[path]} (Start sent by the ${f.startThread}, charts drawn by the ${f.chartThread === 'main' ? 'page' : f.chartThread}): ${describe(f)}; load average ${loadBefore} -> ${load()}`,
      );
      if (process.env.KILN_BENCH_PROFILE) console.log(`  long tasks (start ms:duration ms): ${f.timeline}`);
    }
  }
  console.log(`median of ${rounds} rounds (load average ${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)}):`);
  for (const [path, figures] of results) {
    const m = (pick: (f: Figures) => number): number => median(figures.map(pick));
    const medians: Figures = {
      startThread: figures[0]?.startThread ?? '?',
      chartThread: figures[0]?.chartThread ?? '?',
      longTasks: m((f) => f.longTasks),
      longestMs: m((f) => f.longestMs),
      blockedMs: m((f) => f.blockedMs),
      progressEvents: m((f) => f.progressEvents),
      mapFrames: m((f) => f.mapFrames),
      timeline: '',
      cpuBusyMs: m((f) => f.cpuBusyMs),
      cpuLongTasks: m((f) => f.cpuLongTasks),
      cpuLongestMs: m((f) => f.cpuLongestMs),
    };
    console.log(`  ${PATH_NAMES[path]}: ${describe(medians)}`);
  }
  const shipped = results.get('worker');
  if (shipped) console.log(verdict(shipped));
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
