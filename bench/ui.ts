/**
 * npm run bench:ui — the control center's main thread during a big run: `kiln serve` (2 threads) solves
 * a generated 33,810-city instance (uniform random, seed 1; no ../shared needed) while Chromium shows
 * it at 1440 x 900 (200 ms slices: about 10 progress events a second), and a PerformanceObserver
 * counts long tasks (> 50 ms) over the run's first `--seconds`, with the progress events the page
 * received and the map frames drawn. Each round measures, in fresh pages one after the other (in
 * alternating order), the map drawn in its Web Worker (the default) and the baseline drawn on the
 * page's main thread (`?map=main`), and prints the ratio of blocked time, so a busy machine slows
 * both alike.
 * KILN_BENCH_PROFILE=1 also prints the main thread's busiest functions (CDP Profiler).
 *
 *   npm run bench:ui [-- --seconds 15 --cities 33810 --rounds 2]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { randomUniformProblem } from '../shared/tsp/instance.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '15' }, cities: { type: 'string', default: '33810' }, rounds: { type: 'string', default: '2' } },
});
const seconds = Number(values.seconds);
const cities = Number(values.cities);
const dir = mkdtempSync(join(tmpdir(), 'kiln-bench-ui-'));
const csv = join(dir, `uniform${cities}.csv`);
const problem = randomUniformProblem(cities, 1);
writeFileSync(csv, ['x,y', ...Array.from({ length: cities }, (_, i) => `${problem.xs![i].toFixed(3)},${problem.ys![i].toFixed(3)}`)].join('\n'));

const kiln = spawn(process.execPath, ['bin/kiln.mjs', 'serve', '--port', '0', '--threads', '2', '--state-dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
const uiUrl = await new Promise<string>((resolve, reject) => {
  let output = '';
  kiln.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const match = /Kiln is serving (\S+)/.exec(output);
    if (match) resolve(match[1]);
  });
  kiln.once('exit', (code) => reject(new Error(`kiln serve exited ${code}`)));
});

interface Figures {
  longTasks: number;
  longestMs: number;
  blockedMs: number;
  progressEvents: number;
  mapFrames: number;
  timeline: string;
}

type MapThread = 'worker' | 'main';

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
async function measure(thread: MapThread): Promise<Figures> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const url = new URL(uiUrl);
  url.searchParams.set('map', thread);
  await page.goto(url.href);
  await page.getByTestId('connection-status').and(page.locator('[data-phase=open]')).waitFor();
  await page.setInputFiles('[data-testid=file-input]', csv);
  await page.getByTestId('problem-summary').waitFor();
  await page.getByTestId('budget-seconds').fill(String(seconds + 10));
  // Short slices: with two threads about 10 improvements, so 10 progress events, a second.
  await page.getByTestId('slice-ms').fill('200');
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
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  await page.getByTestId('start').click();
  await page.locator('[data-testid=run-phase]', { hasText: 'running' }).waitFor();
  // Long tasks from the start on: the first tours are where a page stutters.
  const figures = await page.evaluate(async (ms) => {
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
  if (cdp) {
    const { profile } = (await cdp.send('Profiler.stop')) as {
      profile: { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>; samples: number[]; timeDeltas: number[] };
    };
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
  await page.getByTestId('stop').click();
  await page.locator('[data-testid=run-phase]', { hasText: /stopped|finished/ }).waitFor();
  await page.close();
  return figures;
}

try {
  console.log(`${cities} cities, the first ${seconds} s of a run on kiln serve (2 threads), Chromium 1440x900:`);
  const rounds = Number(values.rounds);
  const blocked: Record<MapThread, number> = { worker: 0, main: 0 };
  for (let round = 1; round <= rounds; round++) {
    // Alternating which goes first, so a machine getting busier or quieter favours neither.
    for (const thread of round % 2 === 1 ? (['worker', 'main'] as const) : (['main', 'worker'] as const)) {
      const f = await measure(thread);
      blocked[thread] += f.blockedMs;
      console.log(
        `round ${round}, map in ${thread === 'worker' ? 'its worker' : 'main thread (?map=main, baseline)'}: ${f.longTasks} long tasks, longest ${f.longestMs} ms, blocking ${f.blockedMs} ms, ${f.progressEvents} progress events, ${f.mapFrames} map frames`,
      );
      if (process.env.KILN_BENCH_PROFILE) console.log(`  long tasks (start ms:duration ms): ${f.timeline}`);
    }
  }
  console.log(`blocked time, worker / main thread: ${blocked.main > 0 ? (blocked.worker / blocked.main).toFixed(3) : 'n/a (the baseline had no long tasks)'}x`);
} finally {
  await browser.close();
  kiln.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
