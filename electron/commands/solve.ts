/**
 * `kiln solve FILE --budget 10s`: solves one city set and prints one line of JSON. With no --router
 * it starts its own router and local compute; with --router it asks that router's control center
 * (the public orchestrator of a `kiln serve`), or, when none is registered (an external Crossbar.io
 * router with Kiln workers), hosts a private orchestrator of its own for this run: no other process
 * can start runs on it, so its exit ends only its own run.
 */
import { writeFileSync } from 'node:fs';
import { constants as osConstants, cpus } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { parseCommandLine } from './command-line.ts';
import { CENTER_NAME, Topics, centerUris, type CenterUris } from '../../shared/protocol/uris.ts';
import { SOLVE_SCHEMES, type RunProgress, type RunResult, type SolveRequest, type SolveScheme } from '../../shared/protocol/wire.ts';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { MAX_BUDGET_MS, MIN_BUDGET_MS, parseTour } from '../../shared/protocol/validate.ts';
import { isMethod, METHODS } from '../../shared/tsp/kernel.ts';
import { MOVE_TYPES } from '../../shared/tsp/lk.ts';
import { formatTour } from '../../shared/tsp/tour.ts';
import type { ProblemData } from '../../shared/tsp/types.ts';
import { callErrorOf, SessionEndedError, type WampSession } from '../../shared/wamp.ts';
import { startKiln } from '../app/kiln.ts';
import { UsageError, type Command } from './command.ts';
import { Orchestrator } from '../orchestrator/orchestrator.ts';
import type { Run } from '../orchestrator/run.ts';
import { WorkerRegistry } from '../orchestrator/workers.ts';
import { showsProgress, startProgressLine, type SolveProgress } from './progress-line.ts';
import { makeWampError, openWampClient } from '../wamp/client.ts';
import { JOIN_OPTIONS, JOIN_USAGE, joinSettingsFrom, type JoinSettings } from './join-options.ts';
import { parseCount, parseDuration, parseRouterUrl } from './options.ts';
import { readProblem } from './problem-file.ts';
import { checkWritable } from './out-path.ts';

const usage = `usage: kiln solve FILE --budget 10s [options]

Solves the city set in FILE (TSPLIB .tsp or CSV) within the time budget, prints one line of JSON
({"name","n","state","length","optimum","gapPercent","budgetMs","elapsedMs","slices","firstSliceMs","tour"}) and
writes the tour in TSPLIB .tour format. The budget counts from the command's start, start-up
included, and a tour comes back whatever the budget (at least the orchestrator's own first tour).
On a terminal, a progress line is shown on stderr meanwhile. Exits 1 when the run failed, or when
its router ended the session mid-run: a run of this process's own then ends at once, its best tour
so far still written and printed (state "failed"), and stderr says why. Ctrl-C (or
SIGTERM) ends the run early: its best tour so far is still written and printed (state "stopped"), and
the exit code is 130 (143); a second Ctrl-C quits at once.

options:
  --budget DURATION   wall time from start to answer, e.g. 10s, 500ms, 2m (required)
  --router URL        use this router's workers instead of starting a local router
  --center NAME       with --router: run on that control center (a \`kiln serve --router --center NAME\`);
                      without it, the router's unnamed control center if it has one, else a private
                      orchestrator in this process
${JOIN_USAGE}
  --workers N         local compute threads when no --router is given (default: every core)
  --out PATH          where to write the tour (default: FILE with .tour beside it)
  --optimum LENGTH    the known optimal length (default: from optima.json beside FILE, else the
                      proven optimum when FILE is a known TSPLIB instance)
  --method NAME       lk, lsmc or anneal (default: the kernel's default)
  --move-type K       lk's basic step, a sequential K-opt move, K from 2 to 5 (default: 5 from
                      10,000 cities, else 3)
  --scheme NAME       whole, segments, population or auto (default auto: the measured best)
  --seed N            seed of the run
  --quiet             no progress line and no notes on stderr (errors only)
  -h, --help          show this help`;

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      budget: { type: 'string' },
      router: { type: 'string' },
      center: { type: 'string' },
      ...JOIN_OPTIONS,
      workers: { type: 'string', default: String(cpus().length) },
      out: { type: 'string' },
      optimum: { type: 'string' },
      method: { type: 'string' },
      'move-type': { type: 'string' },
      scheme: { type: 'string' },
      seed: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length === 0 ? 'which city file? (kiln solve FILE --budget 10s)' : `unexpected argument '${positionals[1]}' (one city FILE at a time)`,
      { showUsage: true },
    );
  if (values.budget === undefined) throw new UsageError('--budget is required (e.g. --budget 10s)');
  const file = positionals[0];
  const budgetMs = parseDuration(values.budget, '--budget', MIN_BUDGET_MS, MAX_BUDGET_MS);
  if (values.method !== undefined && !isMethod(values.method)) throw new UsageError(`--method must be one of ${METHODS.join(', ')}`);
  const moveType = values['move-type'] === undefined ? undefined : MOVE_TYPES.find((k) => String(k) === values['move-type']);
  if (values['move-type'] !== undefined && moveType === undefined) throw new UsageError(`--move-type must be one of ${MOVE_TYPES.join(', ')}`);

  if (values.center !== undefined && (values.router === undefined || !CENTER_NAME.test(values.center)))
    throw new UsageError('--center takes a control center name (1-32 lower-case letters and digits) and needs --router');
  if (values.scheme !== undefined && !SOLVE_SCHEMES.includes(values.scheme as SolveScheme))
    throw new UsageError(`--scheme must be one of ${SOLVE_SCHEMES.join(', ')}`);
  const seed = values.seed === undefined ? undefined : parseCount(values.seed, '--seed', 0, 2 ** 31 - 1);
  const optimum = values.optimum === undefined ? undefined : parseCount(values.optimum, '--optimum', 1, Number.MAX_SAFE_INTEGER);
  const threads = parseCount(values.workers, '--workers', 1, 1024);
  // Every option is checked before any file is read: a mistyped one is told as such, whatever the files.
  const router = values.router === undefined ? null : { url: parseRouterUrl(values.router), join: joinSettingsFrom(values) };

  const problem = readProblem(file, optimum);
  const request: SolveRequest = { problem: problemToWire(problem), budgetMs, params: {} };
  if (values.method) request.params!.method = values.method;
  if (moveType !== undefined) request.params!.moveType = moveType;
  if (values.scheme !== undefined) request.params!.scheme = values.scheme as SolveScheme;
  if (seed !== undefined) request.params!.seed = seed;
  const out = values.out ?? join(dirname(file), `${basename(file, extname(file))}.tour`);
  // Before the run: a budget spent on a tour that cannot be kept is lost.
  checkWritable(out, 'the tour', values.out === undefined ? ' (the default, beside the city file: --out PATH puts it elsewhere)' : '');

  const watch: Watch = { run: null, remote: null, workers: null, stop: null, interrupted: null };
  const progress = showsProgress(process.stderr, values.quiet) ? startProgressLine(process.stderr, () => sampleProgress(watch)) : null;
  // Ctrl-C ends the run early rather than the process: its best so far is still written and printed.
  const stopOnSignal = (signal: NodeJS.Signals) => {
    if (watch.interrupted) process.exit(signalExitCode(signal));
    watch.interrupted = signal;
    watch.stop?.();
  };
  process.on('SIGINT', stopOnSignal);
  process.on('SIGTERM', stopOnSignal);
  let solved: Solved;
  try {
    solved =
      router === null
        ? await solveLocally(request, threads, watch)
        : { result: await solveOnRouter(request, router.url, router.join, values.center, watch), close: async () => {} };
  } catch (error) {
    if (!(error instanceof RunLostError)) throw error;
    progress?.stop();
    console.error(`kiln solve: ${error.message}`);
    return 1;
  } finally {
    progress?.stop();
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
  }
  const { result } = solved;
  const note = result.slicesDone === 0 && result.phase !== 'failed' && !values.quiet ? (result.warning ?? noSliceNote(watch)) : undefined;
  // The run's clock is the epoch's; the command's starts at its process's start.
  const firstSliceAt = watch.run?.firstSliceAt;
  const firstSliceMs = firstSliceAt == null ? undefined : firstSliceAt - calledAt();
  try {
    const code = answer({ problem, out, budgetMs, result, note, firstSliceMs });
    return watch.interrupted && code === 0 ? signalExitCode(watch.interrupted) : code;
  } finally {
    // After the answer: shutting the local router and threads down is no part of the user's wait.
    await solved.close();
  }
}

/** The shell's code for a process that a signal ended (130 for SIGINT): an interrupted solve says so, its tour written all the same. */
const signalExitCode = (signal: NodeJS.Signals): number => 128 + osConstants.signals[signal];

/** Ends the run early once it has begun: at once when Ctrl-C came while it was starting. */
function stopWith(watch: Watch, stop: () => Promise<unknown>): void {
  watch.stop = () => void stop().catch(() => undefined);
  if (watch.interrupted) watch.stop();
}

interface Answer {
  problem: ProblemData;
  out: string;
  budgetMs: number;
  result: RunResult;
  /** Said on stderr before the JSON line. */
  note?: string;
  /** From the command's start to the first slice back, when this process ran the run and one came back. */
  firstSliceMs?: number;
}

/** Writes the tour to `out`, prints the JSON line (and the note, the error, on stderr); the exit code. */
function answer({ problem, out, budgetMs, result, note, firstSliceMs }: Answer): number {
  // The truth for the user: from the command's start to its answer, start-up included.
  const elapsedMs = Math.round(performance.now());

  // A length that is not a finite number (coordinates near 1e300 overflow) is no usable answer either.
  if (!result.tour || result.bestLength === null || !Number.isFinite(result.bestLength)) {
    console.error(`kiln solve: the run ${result.phase === 'failed' ? 'failed' : 'ended without a tour'}: ${result.error ?? 'no reason was given'}`);
    return 1;
  }
  const tour = parseTour(result.tour, problem.n, 'result tour');
  writeFileSync(out, formatTour(problem.name, tour, result.bestLength, `Found by Kiln in ${elapsedMs} ms`));
  const summary: Record<string, unknown> = {
    name: problem.name,
    n: problem.n,
    state: result.phase,
    length: result.bestLength,
    budgetMs,
    elapsedMs,
    slices: result.slicesDone,
    tour: out,
  };
  if (firstSliceMs !== undefined) summary.firstSliceMs = firstSliceMs;
  if (problem.optimum !== undefined) {
    summary.optimum = problem.optimum;
    summary.gapPercent = Number((result.gapPercent ?? 0).toFixed(4));
  }
  if (note) console.error(`kiln solve: ${note}`);
  console.log(JSON.stringify(summary));
  if (result.phase === 'failed') {
    console.error(`kiln solve: the run failed: ${result.error ?? 'no reason was given'}`);
    return 1;
  }
  return 0;
}

/** What the progress line and the notes read while a solve runs. */
interface Watch {
  /** The run, when this process hosts its orchestrator. */
  run: Run | null;
  /** The latest progress event of a run on another router's orchestrator. */
  remote: RunProgress | null;
  workers: WorkerRegistry | null;
  /** Ends the run early with its best so far, once it has begun. */
  stop: (() => void) | null;
  /** The signal (Ctrl-C, SIGTERM) that asked to end the run early. */
  interrupted: NodeJS.Signals | null;
}

function sampleProgress(watch: Watch): SolveProgress {
  const workers = watch.workers?.list() ?? [];
  const progress = watch.run ? watch.run.result() : watch.remote;
  // A remote router's events are shown, not trusted: anything but a finite number reads as unknown.
  const finite = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
  return {
    elapsedMs: performance.now(),
    bestLength: finite(progress?.bestLength) ?? null,
    gapPercent: finite(progress?.gapPercent),
    slicesDone: finite(progress?.slicesDone) ?? 0,
    callees: workers.length,
    threads: workers.reduce((sum, load) => sum + load.concurrency, 0),
  };
}

/** Why a tour came back with no slice done: the callees' real state, not a guess. */
function noSliceNote(watch: Watch): string {
  const callees = watch.workers?.list() ?? [];
  const connected =
    callees.length === 0
      ? 'no compute callee had registered'
      : `${callees.length} compute ${callees.length === 1 ? 'callee was' : 'callees were'} registered with ${callees.reduce((sum, load) => sum + load.concurrency, 0)} threads, but none answered in time`;
  return `no annealing slice came back within the budget (${connected}); the tour is the orchestrator's own first tour: a longer --budget lets the callees improve it`;
}

/** When the command started (ms since the epoch): the run's budget counts from here. */
const calledAt = (): number => Math.round(performance.timeOrigin);

/** A solve's result, and what to shut down once it has been answered. */
interface Solved {
  result: RunResult;
  close(): Promise<void>;
}

async function solveLocally(request: SolveRequest, threads: number, watch: Watch): Promise<Solved> {
  const kiln = await startKiln({ threads, uiDir: null });
  try {
    // At once, not once the local threads have started: the run answers with its own first tour
    // meanwhile, and the callee registers (so slices flow) as soon as its threads are ready.
    watch.workers = kiln.orchestrator.workers;
    const run = (watch.run = kiln.orchestrator.startRun(request, calledAt()));
    stopWith(watch, () => run.stop());
    return { result: await watch.run.finished(), close: kiln.close };
  } catch (error) {
    await kiln.close();
    throw error;
  }
}

/** The run's orchestrator, or the session to it, went away before answering: no result to print. */
class RunLostError extends Error {}

async function solveOnRouter(
  request: SolveRequest,
  url: string,
  { realm, credentials }: JoinSettings,
  center: string | undefined,
  watch: Watch,
): Promise<RunResult> {
  const uris: CenterUris = centerUris(center);
  let close: () => Promise<void> = async () => undefined;
  try {
    // Every step below settles by the session's end at the latest (openWampClient's guardSession): with
    // nothing left to wait on, Node would otherwise end the command with exit code 13 and no word.
    const { session, ended } = await new Promise<{ session: WampSession; ended: Promise<SessionEndedError> }>((resolve, reject) => {
      const client = openWampClient({
        url,
        realm,
        credentials,
        onOpen: (session, ended) => resolve({ session, ended }),
        // After the open, the session's end is told through `ended` and what was pending.
        onClose: (reason, message) => reject(new UsageError(`cannot join ${url}: ${reason}${message ? ` (${message})` : ''}`)),
      });
      close = client.close;
    });
    let started: { runId: string };
    try {
      // That orchestrator's budget runs from its start: give it what is left of ours (at least what kiln.solve.start takes).
      const remote = { ...request, budgetMs: Math.max(MIN_BUDGET_MS, request.budgetMs - Math.round(performance.now())) };
      started = await session.call<{ runId: string }>(uris.solveStart, [], remote as unknown as Record<string, unknown>);
    } catch (error) {
      if (error instanceof SessionEndedError) throw new RunLostError(error.message);
      if (callErrorOf(error).uri !== 'wamp.error.no_such_procedure') throw new UsageError(`solve refused: ${callErrorOf(error).message}`);
      if (center !== undefined) throw new UsageError(`no control center '${center}' on ${url} (realm ${realm}): is its kiln serve --router running?`);
      return await solveOnPrivateOrchestrator(session, request, watch, ended);
    }
    stopWith(watch, () => session.call(uris.solveStop, [started.runId]));
    try {
      await followRemoteRun(session, started.runId, watch);
      return await session.call<RunResult>(uris.solveResult, [started.runId]);
    } catch (error) {
      // The control center went away mid-run: its session left (the router cancelled our call), or the router ended ours.
      const { uri, message } = callErrorOf(error);
      throw new RunLostError(`run ${started.runId} lost its control center: ${message || uri}`);
    }
  } finally {
    await close();
  }
}

/**
 * No control center on that router: host a private orchestrator here for this run (see Orchestrator).
 * A session that ends before the run does leaves it no callee to deal to nor hear from: the run ends
 * then, failed with the reason, and answers with the best tour it has.
 */
async function solveOnPrivateOrchestrator(session: WampSession, request: SolveRequest, watch: Watch, ended: Promise<SessionEndedError>): Promise<RunResult> {
  const orchestrator = new Orchestrator(session, makeWampError, { private: true });
  try {
    try {
      await orchestrator.start();
    } catch (error) {
      throw error instanceof SessionEndedError ? new RunLostError(error.message) : error;
    }
    watch.workers = orchestrator.workers;
    const run = (watch.run = orchestrator.startRun(request, calledAt()));
    stopWith(watch, () => run.stop());
    void ended.then((error) => run.abort(`lost its router: ${error.message}`));
    return await watch.run.finished();
  } finally {
    await orchestrator.close();
  }
}

/** Feeds the progress line and the notes from another orchestrator's run: its progress events and the callees' loads. */
async function followRemoteRun(session: WampSession, runId: string, watch: Watch): Promise<void> {
  try {
    await session.subscribe(Topics.runProgress(runId), (args) => {
      watch.remote = (args?.[0] as RunProgress | undefined) ?? watch.remote;
    });
    const workers = new WorkerRegistry();
    await workers.attach(session);
    watch.workers = workers;
  } catch {
    // A role that may not follow runs or loads still gets its result; the line shows less.
  }
}

export const command: Command = { usage, run };
