/**
 * A real Kiln cluster for tests and benchmarks: the embedded router with the orchestrator (startKiln,
 * no local compute, no UI), `kiln worker` child processes, and a controller session like the UI's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Procedures } from '../../shared/protocol/uris.ts';
import type { RunResult, RunState, SolveRequest } from '../../shared/protocol/wire.ts';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import type { ProblemData } from '../../shared/tsp/types.ts';
import type { WampSession } from '../../shared/wamp.ts';
import { startKiln, type RunningKiln } from '../../electron/app/kiln.ts';
import type { RouterEmulation } from '../../electron/router/types.ts';
import type { WampClient } from '../../electron/wamp/client.ts';
import { KILN, joinAsController } from './kiln-process.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export function solveRequest(problem: ProblemData, budgetMs: number, sliceMs?: number): SolveRequest {
  return { problem: problemToWire(problem), budgetMs, params: sliceMs ? { sliceMs, seed: 1 } : { seed: 1 } };
}

export interface WorkerProcess {
  id: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

export class Cluster {
  readonly workers: WorkerProcess[] = [];
  private controllerClient: WampClient | null = null;

  private constructor(readonly kiln: RunningKiln) {}

  /** `emulate`: the router behaves as Crossbar.io or Nexus does where they differ (see router-profiles.ts). */
  static async start(emulate: RouterEmulation = 'kiln'): Promise<Cluster> {
    return new Cluster(await startKiln({ threads: 0, uiDir: null, routerLimits: { emulate } }));
  }

  /**
   * Spawns `kiln worker` with the launch's compute credentials; resolves once the orchestrator counts it.
   * `cpu`: pin the worker to that core (`taskset -c`, which must be on PATH; benchmarks on many cores).
   */
  async addWorker(id: string, threads = 1, cpu?: number): Promise<WorkerProcess> {
    const before = this.kiln.orchestrator.workers.totalConcurrency;
    const argv = [KILN, 'worker', '--router', this.kiln.routerUrl, '--authid', this.kiln.credentials.compute.authid, '--threads', String(threads), '--id', id];
    const [command, args] = cpu === undefined ? [process.execPath, argv] : ['taskset', ['-c', String(cpu), process.execPath, ...argv]];
    const child = spawn(command, args, {
      cwd: REPO,
      env: { ...process.env, KILN_TICKET: this.kiln.credentials.compute.ticket },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const worker = { id, child, exited };
    this.workers.push(worker);
    // What it said last, for the error when it never joins (a worker that cannot start says why on stderr).
    let said = '';
    child.stderr.on('data', (chunk: Buffer) => (said = (said + chunk.toString('utf8')).slice(-2000)));
    const gone = () => child.exitCode !== null || child.signalCode !== null;
    const joined = () => this.kiln.orchestrator.workers.totalConcurrency >= before + threads;
    try {
      await this.until(() => gone() || joined(), 15_000, `worker ${id} to join`);
      if (gone()) throw new Error(`worker ${id} exited (${child.exitCode ?? child.signalCode}) before it joined`);
    } catch (error) {
      throw new Error(`${(error as Error).message}; its stderr: ${said.trim() || '(nothing)'}`);
    }
    return worker;
  }

  async controller(): Promise<WampSession> {
    const { client, session } = await joinAsController(this.kiln);
    this.controllerClient = client;
    return session;
  }

  async solve(session: WampSession, request: SolveRequest): Promise<{ started: RunState; result: RunResult }> {
    const started = await session.call<RunState>(Procedures.solveStart, [], request as unknown as Record<string, unknown>);
    const result = await session.call<RunResult>(Procedures.solveResult, [started.runId]);
    return { started, result };
  }

  async until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    for (const worker of this.workers) if (worker.child.exitCode === null) worker.child.kill('SIGTERM');
    await Promise.all(this.workers.map((worker) => worker.exited));
    await this.controllerClient?.close();
    await this.kiln.close();
  }
}
