/**
 * A real Kiln for the hostile-donor tests: startKiln as `kiln serve` runs it (router, orchestrator,
 * one honest local compute thread, join invites on), a controller session like the UI's that makes
 * a real join invite, and a sentinel controller that keeps calling while an attack runs.
 */
import { afterEach, expect } from 'vitest';
import { Procedures } from '../../shared/protocol/uris.ts';
import type { CreatedInvite, RunResult, RunState, WorkerLoad } from '../../shared/protocol/wire.ts';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { parseTour } from '../../shared/protocol/validate.ts';
import { createInstance, tourLength } from '../../shared/tsp/instance.ts';
import type { ProblemData } from '../../shared/tsp/types.ts';
import type { WampSession } from '../../shared/wamp.ts';
import { startKiln, type KilnOptions, type RunningKiln } from '../../electron/app/kiln.ts';
import type { WampClient } from '../../electron/wamp/client.ts';
import { joinAsController } from '../helpers/kiln-process.ts';
import { HostileDonor, type Invocation } from './hostile-donor.ts';

export interface GuardedKiln {
  kiln: RunningKiln;
  controller: WampSession;
  invite: CreatedInvite;
  /** Log lines the control center wrote (router, orchestrator, local worker). */
  log: string[];
  donor(options?: { autoPong?: boolean }): Promise<HostileDonor>;
  close(): Promise<void>;
}

/**
 * For a test file: registers the afterEach that closes each test's Kiln, and answers the function a test
 * starts one with; with a local worker (threads > 0, the default), it resolves once that worker has registered and reported its load.
 */
export function guardedKilnPerTest(): (options?: Partial<KilnOptions>) => Promise<GuardedKiln> {
  let guarded: GuardedKiln | null = null;
  afterEach(async () => {
    await guarded?.close();
    guarded = null;
  });
  return async (options = {}) => {
    const started = await startGuardedKiln(options);
    guarded = started;
    if ((options.threads ?? 1) > 0) await until(() => started.kiln.orchestrator.workers.list().length === 1, 'the local worker');
    return started;
  };
}

export async function startGuardedKiln(options: Partial<KilnOptions> = {}): Promise<GuardedKiln> {
  const log: string[] = [];
  const kiln = await startKiln({ threads: 1, uiDir: null, lan: { discover: false }, log: (_level, line) => log.push(line), ...options });
  const clients: WampClient[] = [];
  const controller = await controllerSession(kiln, clients);
  const invite = await controller.call<CreatedInvite>(Procedures.lanCreateInvite, [], { label: 'hostile donor test' });
  const donors: HostileDonor[] = [];
  return {
    kiln,
    controller,
    invite,
    log,
    async donor(donorOptions) {
      const donor = await HostileDonor.join(kiln.routerUrl, invite, donorOptions);
      donors.push(donor);
      return donor;
    },
    async close() {
      for (const donor of donors) donor.close();
      for (const client of clients) await client.close();
      await kiln.close();
    },
  };
}

async function controllerSession(kiln: RunningKiln, clients: WampClient[]): Promise<WampSession> {
  const { client, session } = await joinAsController(kiln);
  clients.push(client);
  return session;
}

/** Solves through the controller session, as the UI does: kiln.solve.start, then kiln.solve.result. */
export async function solve(controller: WampSession, problem: ProblemData, budgetMs: number, sliceMs: number): Promise<RunResult> {
  const started = await controller.call<RunState>(Procedures.solveStart, [], { problem: problemToWire(problem), budgetMs, params: { sliceMs, seed: 1 } });
  return controller.call<RunResult>(Procedures.solveResult, [started.runId]);
}

/** A reproducible random city set (EUC_2D, coordinates 0..1000). */
export function randomProblem(n: number, seed = 7, name = `random${n}`): ProblemData {
  let state = seed;
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32) * 1000;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = next();
    ys[i] = next();
  }
  return { name, n, edgeWeightType: 'EUC_2D', xs, ys };
}

/** The run ended as it should despite the attack: finished, with a valid tour whose length is the one reported. */
export function expectValidFinishedRun(result: RunResult, problem: ProblemData): void {
  expect(result.error).toBeUndefined();
  expect(result.phase).toBe('finished');
  const tour = parseTour(result.tour, problem.n, 'result tour');
  expect(result.bestLength).toBe(tourLength(createInstance(problem), tour));
  expect(result.slicesDispatched).toBe(result.slicesDone + result.slicesFailed + result.slicesDiscarded + result.slicesInFlight);
}

/** Slices the honest local worker completed in a run. */
export function honestSlices(result: RunResult): number {
  return result.slicesByWorker.local ?? 0;
}

/** A kiln.worker.load as a donor publishes it, claiming `concurrency` threads. */
export function donorLoad(workerId: string, concurrency: number): WorkerLoad {
  return {
    workerId,
    host: 'anywhere',
    kind: 'node',
    cores: concurrency,
    concurrency,
    inFlight: 0,
    cpuPercent: 0,
    movesPerSecond: 0,
    slicesDone: 0,
    memoryMB: 0,
    version: '0',
  };
}

/** What an honest callee answers: the tour it was given (or the identity tour), unimproved but valid. */
export function honestAnswer(invocation: Invocation, n: number, workerId: string): Record<string, unknown> {
  const given = invocation.kwargs.tour;
  const tour = given instanceof Uint8Array ? given : new Uint8Array(Int32Array.from({ length: n }, (_, i) => i).buffer);
  return {
    runId: invocation.kwargs.runId,
    tour,
    length: 0,
    stats: { movesTried: 0, movesAccepted: 0, improvements: 0, elapsedMs: 0, startLength: 0 },
    workerId,
    stopped: false,
  };
}

/**
 * A controller session that calls kiln.solve.status back to back while an attack runs, and records
 * the slowest call: other sessions must not be blocked by what a stranger sends.
 */
export class Sentinel {
  slowestMs = 0;
  calls = 0;
  private running = true;
  private readonly loop: Promise<void>;

  constructor(private readonly session: WampSession) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      const started = performance.now();
      await this.session.call(Procedures.solveStatus);
      this.slowestMs = Math.max(this.slowestMs, performance.now() - started);
      this.calls++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<{ slowestMs: number; calls: number }> {
    this.running = false;
    await this.loop;
    return { slowestMs: this.slowestMs, calls: this.calls };
  }
}

/** Resident memory of this process (router, orchestrator and the attackers' sockets), in MB. */
export function rssMB(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

/** Waits until `condition` holds (polling: the state belongs to the Kiln under test). */
export async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
