/**
 * `npm run bench:crowd [-- --donors 1000 --instance pr1002 --budget 20s --donor-processes P --baseline --cpu-prof PREFIX]`:
 * one control center (startKiln as `kiln serve` runs it: invites on, no local compute) and N simulated
 * donors, each its own WebSocket session with two slots that answers after the slice's time without
 * computing (bench/crowd-donors.ts, in P child processes so the control center's core is its own), plus a
 * controller page asking kiln.solve.status every 100 ms (bench/crowd-controller.ts). Prints, against what
 * N donors can take (2 N slices per slice time): slices completed, progress events per second and those
 * the controller received against those the run owed it (one per new best, at most 10/s), p50/p99 of
 * kiln.solve.status, and the control center's event-loop use and CPU time per slice. Goals (issue 15): p99 <= 100 ms, progress at its full rate, >= 90 % of the slices.
 *
 * --donors takes a list (100,300,1000): each crowd gets a fresh control center, one after the other, and
 * a table of all of them closes the output. --baseline measures each crowd first with the orchestrator on
 * a loopback WebSocket (as before the in-process transport). --cpu-prof PREFIX writes the control center's
 * CPU profile during each run to PREFIX-<N>.cpuprofile (Chrome DevTools, or any .cpuprofile viewer).
 * Exits by itself: 0 when every crowd was measured, 1 when one could not be.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session as Inspector } from 'node:inspector/promises';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Procedures } from '../shared/protocol/uris.ts';
import type { CreatedInvite, RunResult } from '../shared/protocol/wire.ts';
import { problemToWire } from '../shared/protocol/codecs.ts';
import { startKiln } from '../electron/app/kiln.ts';
import { parseDuration } from '../electron/commands/options.ts';
import { openWampClient } from '../electron/wamp/client.ts';
import type { WampSession } from '../shared/wamp.ts';
import { benchScriptArgs } from './bench-script.ts';
import { loadBenchTsplib } from './tsplib.ts';

const { values } = parseArgs({
  options: {
    donors: { type: 'string', default: '1000' },
    instance: { type: 'string', default: 'pr1002' },
    budget: { type: 'string', default: '20s' },
    'donor-processes': { type: 'string' },
    baseline: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(`bench:crowd: ${message}`);
  process.exit(2);
}

const crowds = values.donors.split(',').map((text) => {
  const count = Number(text.trim());
  if (!Number.isInteger(count) || count < 1 || count > 20_000) fail(`--donors: ${JSON.stringify(text)} is not a whole number from 1 to 20000`);
  return count;
});
const budgetMs = parseDuration(values.budget, '--budget');
// The donors' processes take what the control center leaves: a quarter of the cores, 2 to 8 of them.
// availableParallelism: the cores this process may run on (taskset included), not the machine's.
const cores = availableParallelism();
const donorProcessesOption = values['donor-processes'] === undefined ? undefined : Number(values['donor-processes']);
if (donorProcessesOption !== undefined && !(Number.isInteger(donorProcessesOption) && donorProcessesOption >= 1))
  fail('--donor-processes: a whole number from 1');
const defaultDonorProcesses = Math.max(2, Math.min(8, Math.floor(cores / 4)));
const problem = loadBenchTsplib(values.instance);
/** How long N donors may take to join before the crowd is measured as it is. */
const JOIN_DEADLINE_MS = 60_000;

/** A child running one of the bench's peer scripts, read line by line. */
function child(script: string, args: string[], env: NodeJS.ProcessEnv = {}): { process: ChildProcess; lines: AsyncIterator<string> } {
  const started = spawn(process.execPath, [...benchScriptArgs(script), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  return { process: started, lines: createInterface({ input: started.stdout! })[Symbol.asyncIterator]() };
}

async function line(peer: { lines: AsyncIterator<string> }): Promise<string> {
  const next = await peer.lines.next();
  if (next.done) throw new Error('a bench peer exited early');
  return next.value;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** One crowd's figures, for the closing table. */
interface Row {
  donors: number;
  variant: string;
  joined: number;
  loadAverage: number;
  slicesDone: number;
  takeable: number;
  statusP50: number;
  statusP99: number;
  statusMax: number;
  statusCalls: number;
  progressPerSecond: number;
  /** Progress events the controller received over those the run owed (its new bests, throttled): 1 is the full rate. */
  progressDelivered: number;
  busy: number;
  /** The control center's CPU time (all its threads) per 1,000 slices done: what the crowd costs it, whatever the machine's load. */
  cpuMsPerKiloSlice: number;
  lateMs: number;
}

/** Records the control center's CPU profile while `work` runs, when --cpu-prof asked for one. */
async function profiled<T>(file: string | undefined, work: () => Promise<T>): Promise<T> {
  if (file === undefined) return work();
  const inspector = new Inspector();
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await inspector.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    console.log(`  CPU profile of the control center during the run: ${file}`);
    inspector.disconnect();
  }
}

async function measure(donors: number, overWebSocket: boolean): Promise<Row> {
  const donorProcesses = Math.max(1, Math.min(donors, donorProcessesOption ?? defaultDonorProcesses));
  const variant = overWebSocket ? 'baseline: orchestrator over a loopback WebSocket' : 'as shipped';
  const kiln = await startKiln({
    host: '127.0.0.1',
    port: 0,
    threads: 0,
    uiDir: null,
    lan: { discover: false },
    routerLimits: { maxSessions: donors + 50 },
    orchestratorOverWebSocket: overWebSocket,
  });
  const peers: ChildProcess[] = [];
  try {
    const session = await new Promise<WampSession>((resolve, reject) =>
      openWampClient({
        url: kiln.routerUrl,
        realm: 'kiln',
        credentials: { method: 'ticket', ...kiln.credentials.ui },
        onOpen: resolve,
        onClose: (r) => reject(new Error(r)),
      }),
    );
    const invite = await session.call<CreatedInvite>(Procedures.lanCreateInvite, [], { ttlMs: 3_600_000 });

    console.log(`${donors} donors, ${variant}:`);
    console.log(
      `bench:crowd  ${problem.name} (n = ${problem.n}), budget ${budgetMs} ms, ${donors} simulated donors x 2 slots in ${donorProcesses} processes, ${cores} cores, load average ${loadavg()[0].toFixed(1)} at start`,
    );
    const joinStarted = performance.now();
    const crowd = Array.from({ length: donorProcesses }, (_, p) => {
      const count = Math.floor(donors / donorProcesses) + (p < donors % donorProcesses ? 1 : 0);
      const first = p * Math.floor(donors / donorProcesses) + Math.min(p, donors % donorProcesses);
      return child('crowd-donors', [kiln.routerUrl, `invite:${invite.inviteId}`, invite.secret, String(count), String(first)]);
    });
    peers.push(...crowd.map((peer) => peer.process));
    let joined = 0;
    for (const peer of crowd) {
      const joinedLine = await line(peer);
      joined += Number(/joined (\d+)/.exec(joinedLine)?.[1] ?? 0);
      console.log(`  donors: ${joinedLine}`);
    }
    if (joined === 0) throw new Error('no donor could join');
    const deadline = Date.now() + JOIN_DEADLINE_MS;
    while (kiln.orchestrator.workers.totalConcurrency < 2 * joined && Date.now() < deadline) await new Promise((wait) => setTimeout(wait, 50));
    console.log(
      `  ${kiln.orchestrator.workers.totalConcurrency} slots counted by the orchestrator, ${((performance.now() - joinStarted) / 1000).toFixed(1)} s after the first join`,
    );

    const controller = child('crowd-controller', [kiln.routerUrl], { KILN_TICKET: kiln.credentials.ui.ticket });
    peers.push(controller.process);
    await line(controller);

    const loadAverage = loadavg()[0];
    const elu = performance.eventLoopUtilization();
    const cpu = process.cpuUsage();
    const profileFile = values['cpu-prof'] === undefined ? undefined : `${values['cpu-prof']}-${donors}${overWebSocket ? '-baseline' : ''}.cpuprofile`;
    const run = kiln.orchestrator.startRun({ problem: problemToWire(problem), budgetMs, params: { seed: 1 } });
    const result: RunResult = await profiled(profileFile, () => run.finished());
    // The progress events the run owed its followers: one per new best, at most one per 100 ms window.
    const due = progressEventsDue(run.convergence.map(([atMs]) => atMs));
    const busy = performance.eventLoopUtilization(elu).utilization;
    const cpuUsed = process.cpuUsage(cpu);

    const report = async (peer: { process: ChildProcess; lines: AsyncIterator<string> }): Promise<Record<string, unknown>> => {
      peer.process.stdin!.write('stop\n');
      return JSON.parse(await line(peer)) as Record<string, unknown>;
    };
    const controllerReport = (await report(controller)) as { latencies: number[]; progressAt: number[]; summaries: number; failures: string[] };
    const donorReports = await Promise.all(crowd.map(report));
    const sum = (key: string): number => donorReports.reduce((total, r) => total + Number(r[key] ?? 0), 0);

    const sliceMs = sum('sliceMsTotal') / Math.max(1, sum('invocations'));
    const takeable = (2 * joined * result.elapsedMs) / sliceMs;
    const latencies = controllerReport.latencies.sort((a, b) => a - b);
    const inRun = controllerReport.progressAt.filter((at) => at >= result.startedAt && at <= result.startedAt + result.elapsedMs);
    const progressPerSecond = inRun.length / (result.elapsedMs / 1000);
    const progressDelivered = controllerReport.progressAt.length / Math.max(1, due);
    const row: Row = {
      donors,
      variant,
      joined,
      loadAverage,
      slicesDone: result.slicesDone,
      takeable,
      statusP50: percentile(latencies, 50),
      statusP99: percentile(latencies, 99),
      statusMax: latencies[latencies.length - 1] ?? NaN,
      statusCalls: latencies.length,
      progressPerSecond,
      progressDelivered,
      busy,
      cpuMsPerKiloSlice: (cpuUsed.user + cpuUsed.system) / Math.max(1, result.slicesDone),
      lateMs: result.elapsedMs - budgetMs,
    };

    console.log(`  run: ${result.phase}, ${result.elapsedMs} ms, gap ${result.gapPercent?.toFixed(2)} %, mean slice ${sliceMs.toFixed(0)} ms`);
    console.log(
      `  slices done ${result.slicesDone} of ${Math.round(takeable)} the donors could take: ${(result.slicesDone / takeable).toFixed(3)} (goal >= 0.90); failed ${result.slicesFailed}, problem fetches ${sum('problemFetches')}, improved answers ${sum('improved')}`,
    );
    console.log(
      `  progress ${progressPerSecond.toFixed(1)}/s (at most 10/s); ${controllerReport.progressAt.length} events received of the ${due} the run's ${run.convergence.length} new bests owed: ${progressDelivered.toFixed(2)} (goal 1.00); machine summaries received ${controllerReport.summaries}`,
    );
    console.log(
      `  kiln.solve.status p50 ${row.statusP50.toFixed(1)} ms, p99 ${row.statusP99.toFixed(1)} ms, max ${row.statusMax.toFixed(1)} ms over ${latencies.length} calls (goal p99 <= 100 ms)${controllerReport.failures.length ? `; ${controllerReport.failures.length} failed: ${[...new Set(controllerReport.failures)].join(', ')}` : ''}`,
    );
    console.log(
      `  control center event loop ${(100 * busy).toFixed(0)} % busy during the run, CPU ${row.cpuMsPerKiloSlice.toFixed(0)} ms per 1,000 slices; load average ${loadavg()[0].toFixed(1)} at the end`,
    );
    return row;
  } finally {
    for (const peer of peers) peer.kill();
    await kiln.close();
  }
}

/**
 * How many progress events a run publishes for new bests at these times (ms since its start), as
 * ProgressThrottle does with timers on time: the first at once, then at most one per window, the windows
 * on their own grid, the last best always sent. A timer that fires late merges the bests of its lateness
 * into one event, so on a stalled event loop this is an upper bound.
 * The simulated donors rarely beat the best, so events per second alone cannot say whether progress
 * flows at its full rate; received against owed can.
 */
function progressEventsDue(bestsAtMs: number[], intervalMs = 100): number {
  let events = 0;
  let timerEnd = -Infinity;
  let dirty = false;
  for (const at of bestsAtMs) {
    // The interval timer fired with a newer best waiting: published then, and the timer armed again.
    while (dirty && timerEnd <= at) {
      events++;
      dirty = false;
      timerEnd += intervalMs;
    }
    if (at >= timerEnd) {
      events++;
      timerEnd = at + intervalMs;
    } else dirty = true;
  }
  return events + (dirty ? 1 : 0);
}

function table(rows: Row[]): string {
  const lines = [
    '| donors | code | load avg | slices done / could take | status p50 / p99 / max | progress / s, received / owed | event loop | CPU / 1,000 slices | run late by |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const donors = r.joined === r.donors ? `${r.donors}` : `${r.joined} of ${r.donors}`;
    lines.push(
      `| ${donors} | ${r.variant} | ${r.loadAverage.toFixed(1)} | ${r.slicesDone} / ${Math.round(r.takeable)} = ${(r.slicesDone / r.takeable).toFixed(2)} | ${r.statusP50.toFixed(0)} / ${r.statusP99.toFixed(0)} / ${r.statusMax.toFixed(0)} ms | ${r.progressPerSecond.toFixed(1)}, ${r.progressDelivered.toFixed(2)} | ${(100 * r.busy).toFixed(0)} % | ${r.cpuMsPerKiloSlice.toFixed(0)} ms | ${r.lateMs} ms |`,
    );
  }
  return lines.join('\n');
}

const rows: Row[] = [];
let failed = false;
for (const donors of crowds) {
  // --baseline: the same crowd first against the orchestrator on a loopback WebSocket, then as shipped, back to back.
  for (const overWebSocket of values.baseline ? [true, false] : [false]) {
    try {
      rows.push(await measure(donors, overWebSocket));
    } catch (error) {
      failed = true;
      console.error(`bench:crowd: ${donors} donors could not be measured: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
console.log(
  `\nbench:crowd ${problem.name}, budget ${budgetMs} ms, ${cores} cores (goals: slices >= 0.90, status p99 <= 100 ms, progress received / owed 1.00)`,
);
console.log(table(rows));
process.exit(failed ? 1 : 0);
