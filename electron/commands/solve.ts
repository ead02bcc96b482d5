/**
 * `kiln solve FILE --budget 10s`: solves one city set and prints one line of JSON. With no --router
 * it starts its own router and local compute; with --router it asks that router's orchestrator, or
 * hosts one there when none is registered (an external Crossbar.io router with Kiln workers).
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_BUDGET_MS, MIN_BUDGET_MS, Procedures, REALM, parseTour, problemToWire, type RunResult, type SolveRequest, type SolveScheme } from '../../shared/protocol.ts';
import { formatTour } from '../../shared/tsp/tour.ts';
import { callErrorOf, type WampSession } from '../../shared/wamp.ts';
import { startKiln } from '../app/kiln.ts';
import { UsageError, type Command } from './command.ts';
import { Orchestrator } from '../orchestrator/orchestrator.ts';
import { makeWampError, openWampClient } from '../wamp/client.ts';
import { credentialsFrom, parseCount, parseDuration, parseRouterUrl } from './options.ts';
import { readProblem } from './problem-file.ts';

const usage = `usage: kiln solve FILE --budget 10s [options]

Solves the city set in FILE (TSPLIB .tsp or CSV) within the time budget, prints one line of JSON
({"name","n","length","optimum","gapPercent","budgetMs","elapsedMs","slices","tour"}) and writes the
tour in TSPLIB .tour format.

options:
  --budget DURATION   compute time, e.g. 10s, 500ms, 2m (required)
  --router URL        use this router's workers instead of starting a local router
  --authid ID         identity on --router (with --ticket-file or KILN_TICKET)
  --ticket-file PATH  the ticket for --authid
  --workers N         local compute threads when no --router is given (default: every core)
  --out PATH          where to write the tour (default: FILE with .tour beside it)
  --optimum LENGTH    the known optimal length (default: from optima.json beside FILE, else the
                      proven optimum when FILE is a known TSPLIB instance)
  --method NAME       anneal or lsmc (default: the kernel's default)
  --scheme NAME       whole, segments or auto (default auto: the measured best)
  --seed N            seed of the run
  -h, --help          show this help`;

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      budget: { type: 'string' },
      router: { type: 'string' },
      authid: { type: 'string' },
      'ticket-file': { type: 'string' },
      workers: { type: 'string', default: String(cpus().length) },
      out: { type: 'string' },
      optimum: { type: 'string' },
      method: { type: 'string' },
      scheme: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('solve: expected exactly one FILE');
  if (values.budget === undefined) throw new UsageError('solve: --budget is required (e.g. --budget 10s)');
  const file = positionals[0];
  const budgetMs = parseDuration(values.budget, '--budget', MIN_BUDGET_MS, MAX_BUDGET_MS);
  if (values.method !== undefined && values.method !== 'anneal' && values.method !== 'lsmc') throw new UsageError("--method must be 'anneal' or 'lsmc'");

  const problem = readProblem(file, values.optimum);
  const request: SolveRequest = { problem: problemToWire(problem), budgetMs, params: {} };
  if (values.method) request.params!.method = values.method as 'anneal' | 'lsmc';
  if (values.scheme !== undefined) {
    if (!['auto', 'whole', 'segments'].includes(values.scheme)) throw new UsageError("--scheme must be 'auto', 'whole' or 'segments'");
    request.params!.scheme = values.scheme as SolveScheme;
  }
  if (values.seed !== undefined) request.params!.seed = parseCount(values.seed, '--seed', 0, 2 ** 31 - 1);

  const result =
    values.router === undefined
      ? await solveLocally(request, parseCount(values.workers, '--workers', 1, 1024))
      : await solveOnRouter(request, parseRouterUrl(values.router), credentialsFrom(values.authid, values['ticket-file']));

  if (!result.tour) {
    console.error(`kiln solve: ${result.error ?? 'no tour was found'}`);
    return 1;
  }
  const tour = parseTour(result.tour, problem.n, 'result tour');
  const out = values.out ?? join(dirname(file), `${basename(file, extname(file))}.tour`);
  writeFileSync(out, formatTour(problem.name, tour, result.bestLength ?? undefined, `Found by Kiln in ${result.elapsedMs} ms`));
  const summary: Record<string, unknown> = {
    name: problem.name,
    n: problem.n,
    length: result.bestLength,
    budgetMs,
    elapsedMs: result.elapsedMs,
    slices: result.slicesDone,
    tour: out,
  };
  if (problem.optimum !== undefined) {
    summary.optimum = problem.optimum;
    summary.gapPercent = Number((result.gapPercent ?? 0).toFixed(4));
  }
  console.log(JSON.stringify(summary));
  return 0;
}

async function solveLocally(request: SolveRequest, threads: number): Promise<RunResult> {
  const kiln = await startKiln({ threads, uiDir: null });
  try {
    // The local worker announces itself within its first load event; starting sooner would only
    // probe with one slice until then.
    await waitFor(() => kiln.orchestrator.workers.totalConcurrency >= threads, 5000);
    return await kiln.orchestrator.startRun(request).finished();
  } finally {
    await kiln.close();
  }
}

async function solveOnRouter(request: SolveRequest, url: string, credentials: ReturnType<typeof credentialsFrom>): Promise<RunResult> {
  let close: () => Promise<void> = async () => undefined;
  try {
    const session = await new Promise<WampSession>((resolve, reject) => {
      const client = openWampClient({
        url,
        realm: REALM,
        credentials,
        onOpen: resolve,
        onClose: (reason, message) => reject(new UsageError(`cannot join ${url}: ${reason}${message ? ` (${message})` : ''}`)),
      });
      close = client.close;
    });
    try {
      const started = await session.call<{ runId: string }>(Procedures.solveStart, [], request as unknown as Record<string, unknown>);
      return await session.call<RunResult>(Procedures.solveResult, [started.runId]);
    } catch (error) {
      if (callErrorOf(error).uri !== 'wamp.error.no_such_procedure') throw new UsageError(`solve refused: ${callErrorOf(error).message}`);
      // No Kiln orchestrator on that router: host one here for this run.
      const orchestrator = new Orchestrator(session, makeWampError);
      await orchestrator.start();
      try {
        await waitFor(() => orchestrator.workers.totalConcurrency > 0, 3000);
        return await orchestrator.startRun(request).finished();
      } finally {
        await orchestrator.close();
      }
    }
  } finally {
    await close();
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
}

export const command: Command = { usage, run };
