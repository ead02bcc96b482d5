/**
 * npm run bench:ui — the control center's main thread during a big run: `kiln serve` (2 threads) solves
 * a generated 33,810-city instance (uniform random, seed 1; no ../shared needed) while Chromium shows
 * it at 1440 x 900 (200 ms slices: about 10 progress events a second), and a PerformanceObserver
 * counts long tasks (> 50 ms) over the run's first `--seconds`, with the progress events the page
 * received. Two rounds, each in a fresh page. KILN_BENCH_PROFILE=1 also prints the main thread's
 * busiest functions (CDP Profiler). There is no second renderer to compare with yet: the figures are
 * absolute, so compare runs made on a quiet machine only.
 *
 *   npm run bench:ui [-- --seconds 15 --cities 33810]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { randomUniformProblem } from '../shared/tsp/instance.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '15' }, cities: { type: 'string', default: '33810' } } });
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
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
async function measure(): Promise<Figures> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(uiUrl);
  await page.getByTestId('connection-status').and(page.locator('[data-phase=open]')).waitFor();
  await page.setInputFiles('[data-testid=file-input]', csv);
  await page.getByTestId('problem-summary').waitFor();
  await page.getByTestId('budget-seconds').fill(String(seconds + 10));
  // Short slices: with two threads about 10 improvements, so 10 progress events, a second.
  await page.getByTestId('slice-ms').fill('200');
  await page.evaluate(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
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
    const w = window as unknown as { longTasks: number[] };
    // No named functions in here: tsx would wrap them in a helper the page does not have.
    const phase = document.querySelector('[data-testid=run-phase]')!;
    const before = Number(phase.getAttribute('data-progress-events'));
    await new Promise((resolve) => setTimeout(resolve, ms));
    const tasks = w.longTasks;
    return {
      longTasks: tasks.length,
      longestMs: Math.round(Math.max(0, ...tasks)),
      blockedMs: Math.round(tasks.reduce((sum, d) => sum + Math.max(0, d - 50), 0)),
      progressEvents: Number(phase.getAttribute('data-progress-events')) - before,
    };
  }, seconds * 1000);
  if (cdp) {
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>; samples: number[]; timeDeltas: number[] } };
    const self = new Map<string, number>();
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    profile.samples.forEach((id, i) => {
      const frame = byId.get(id)!.callFrame;
      const key = `${frame.functionName || '(anon)'} ${frame.url.split('/').pop()}:${frame.lineNumber}`;
      self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
    });
    console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => `${v.toFixed(0).padStart(6)} ms ${k}`).join('\n'));
  }
  await page.getByTestId('stop').click();
  await page.locator('[data-testid=run-phase]', { hasText: /stopped|finished/ }).waitFor();
  await page.close();
  return figures;
}

try {
  console.log(`${cities} cities, the first ${seconds} s of a run on kiln serve (2 threads), Chromium 1440x900:`);
  for (const round of [1, 2]) {
    const f = await measure();
    console.log(`round ${round}: ${f.longTasks} long tasks, longest ${f.longestMs} ms, blocking ${f.blockedMs} ms, ${f.progressEvents} progress events`);
  }
} finally {
  await browser.close();
  kiln.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
