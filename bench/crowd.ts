/**
 * `npm run bench:crowd [-- --donors 1000 --instance pr1002 --budget 20s --donor-processes 2 --baseline]`: one control
 * center (startKiln as `kiln serve` runs it: invites on, no local compute) and N simulated donors, each
 * its own WebSocket session with two slots that answers after the slice's time without computing
 * (bench/crowd-donors.ts), plus a controller page asking kiln.solve.status every 100 ms
 * (bench/crowd-controller.ts). Prints, against what N donors can take (2 N slices per slice time):
 * slices completed, progress events per second against the 10/s the orchestrator publishes at most,
 * p50/p99 of kiln.solve.status, and the control center's event-loop use. Goals (issue 15): p99 <= 100 ms,
 * progress at its full rate, >= 90 % of the slices.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
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
    'donor-processes': { type: 'string', default: '2' },
    baseline: { type: 'boolean', default: false },
  },
});
const donors = Number(values.donors);
const budgetMs = parseDuration(values.budget, '--budget');
const donorProcesses = Math.max(1, Math.min(donors, Number(values['donor-processes'])));
const problem = loadBenchTsplib(values.instance);

/** A child running one of the bench's peer scripts; resolves `first` with its first output line. */
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

async function measure(overWebSocket: boolean): Promise<void> {
  const kiln = await startKiln({
    host: '127.0.0.1',
    port: 0,
    threads: 0,
    uiDir: null,
    lan: { discover: false },
    routerLimits: { maxSessions: donors + 50 },
    orchestratorOverWebSocket: overWebSocket,
  });
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

  console.log(`${overWebSocket ? 'baseline, the orchestrator over a loopback WebSocket' : 'the orchestrator in-process (as shipped)'}:`);
  console.log(
    `bench:crowd  ${problem.name} (n = ${problem.n}), budget ${budgetMs} ms, ${donors} simulated donors x 2 slots in ${donorProcesses} processes, ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} at start`,
  );
  const joinStarted = performance.now();
  const crowd = Array.from({ length: donorProcesses }, (_, p) => {
    const count = Math.floor(donors / donorProcesses) + (p < donors % donorProcesses ? 1 : 0);
    const first = p * Math.floor(donors / donorProcesses) + Math.min(p, donors % donorProcesses);
    return child('crowd-donors', [kiln.routerUrl, `invite:${invite.inviteId}`, invite.secret, String(count), String(first)]);
  });
  for (const peer of crowd) console.log(`  donors: ${await line(peer)}`);
  const deadline = Date.now() + 60_000;
  while (kiln.orchestrator.workers.totalConcurrency < 2 * donors && Date.now() < deadline) await new Promise((wait) => setTimeout(wait, 50));
  console.log(
    `  ${kiln.orchestrator.workers.totalConcurrency} slots counted by the orchestrator, ${((performance.now() - joinStarted) / 1000).toFixed(1)} s after the first join`,
  );

  const controller = child('crowd-controller', [kiln.routerUrl], { KILN_TICKET: kiln.credentials.ui.ticket });
  await line(controller);

  const elu = performance.eventLoopUtilization();
  const result: RunResult = await kiln.orchestrator.startRun({ problem: problemToWire(problem), budgetMs, params: { seed: 1 } }).finished();
  const busy = performance.eventLoopUtilization(elu).utilization;

  const report = async (peer: { process: ChildProcess; lines: AsyncIterator<string> }): Promise<Record<string, unknown>> => {
    peer.process.stdin!.write('stop\n');
    return JSON.parse(await line(peer)) as Record<string, unknown>;
  };
  const controllerReport = (await report(controller)) as { latencies: number[]; progressAt: number[]; summaries: number; failures: string[] };
  const donorReports = await Promise.all(crowd.map(report));
  const sum = (key: string): number => donorReports.reduce((total, r) => total + Number(r[key] ?? 0), 0);

  const sliceMs = sum('sliceMsTotal') / Math.max(1, sum('invocations'));
  const takeable = (2 * donors * result.elapsedMs) / sliceMs;
  const latencies = controllerReport.latencies.sort((a, b) => a - b);
  const inRun = controllerReport.progressAt.filter((at) => at >= result.startedAt && at <= result.startedAt + result.elapsedMs);
  const progressPerSecond = inRun.length / (result.elapsedMs / 1000);

  console.log(`  run: ${result.phase}, ${result.elapsedMs} ms, gap ${result.gapPercent?.toFixed(2)} %, mean slice ${sliceMs.toFixed(0)} ms`);
  console.log(
    `  slices done ${result.slicesDone} of ${Math.round(takeable)} the donors could take: ${(result.slicesDone / takeable).toFixed(3)} (goal >= 0.90); failed ${result.slicesFailed}, problem fetches ${sum('problemFetches')}`,
  );
  console.log(
    `  progress ${progressPerSecond.toFixed(1)}/s of 10/s: ${(progressPerSecond / 10).toFixed(2)}; machine summaries received ${controllerReport.summaries}`,
  );
  console.log(
    `  kiln.solve.status p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms over ${latencies.length} calls (goal p99 <= 100 ms)${controllerReport.failures.length ? `; ${controllerReport.failures.length} failed: ${[...new Set(controllerReport.failures)].join(', ')}` : ''}`,
  );
  console.log(`  control center event loop ${(100 * busy).toFixed(0)} % busy during the run; load average ${loadavg()[0].toFixed(1)} at the end`);

  for (const peer of crowd) peer.process.kill();
  await kiln.close();
}

// --baseline: the same crowd first against the orchestrator on a loopback WebSocket (as before the
// in-process transport), then as shipped, back to back, so both see the same machine.
if (values.baseline) await measure(true);
await measure(false);
process.exit(0);
