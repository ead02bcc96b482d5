/**
 * Kiln's components on an operator's router: another realm, each authentication method with its
 * secret from a file, stdin or the environment, and several `kiln solve` processes sharing the
 * workers without one running inside another's orchestrator. Run against each router profile.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Procedures, Topics } from '../../shared/protocol/uris.ts';
import type { RunState } from '../../shared/protocol/wire.ts';
import type { WampSession } from '../../shared/wamp.ts';
import { startKiln, type RunningKiln } from '../../electron/app/kiln.ts';
import type { RouterEvent } from '../../electron/router/router.ts';
import { openWampClient, type WampClient } from '../../electron/wamp/client.ts';
import { fixturePath } from '../helpers/tsplib-fixtures.ts';
import { CLUSTER_REALM, startClusterRouter, type ClusterRouter } from '../helpers/cluster-router.ts';
import { join, joinAsController, KilnProcess, until } from '../helpers/kiln-process.ts';
import { ROUTER_PROFILES } from '../helpers/router-profiles.ts';

const KILN = fileURLToPath(new URL('../../bin/kiln.mjs', import.meta.url));
/** The environment without any Kiln secret the test runner may have. */
const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'KILN_SECRET' && name !== 'KILN_TICKET'));

const processes: KilnProcess[] = [];
const clients: WampClient[] = [];
let router: ClusterRouter | null = null;
let kiln: RunningKiln | null = null;

function kilnProcess(args: string[], env: NodeJS.ProcessEnv = {}, stdin?: string): KilnProcess {
  const child = spawn(process.execPath, [KILN, ...args], { stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], env: { ...CLEAN_ENV, ...env } });
  if (stdin !== undefined) child.stdin!.end(stdin);
  const started = new KilnProcess(child);
  processes.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(processes.splice(0).map((started) => (started.child.exitCode === null ? started.stop('SIGKILL') : started.exited)));
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await router?.close();
  await kiln?.close();
  router = kiln = null;
});

/** A controller session on the cluster router, closed after the test. */
async function controller(url: string, ticket: string): Promise<WampSession> {
  const { session, client } = await join(url, { method: 'ticket', authid: 'control-1', ticket }, undefined, CLUSTER_REALM);
  clients.push(client);
  return session;
}

/** A controller session in the cluster router's process: its messages come on a microtask, before the router reads the next one from a socket. */
function inRouterSession({ url, router: wampRouter, secrets }: ClusterRouter): Promise<WampSession> {
  return new Promise<WampSession>((onOpen) => {
    clients.push(
      openWampClient({
        url,
        router: wampRouter,
        realm: CLUSTER_REALM,
        credentials: { method: 'ticket', authid: 'control-1', ticket: secrets.controllerTicket },
        onOpen,
      }),
    );
  });
}

/** A controller session on the cluster router following every run's state. */
async function watchRuns(url: string, ticket: string): Promise<RunState[]> {
  const session = await controller(url, ticket);
  const states: RunState[] = [];
  await session.subscribe(Topics.anyRunState, (args) => states.push(args![0] as RunState), { match: 'wildcard' });
  return states;
}

function worker(url: string, id: string, threads: number, auth: string[], env: NodeJS.ProcessEnv = {}, stdin?: string): KilnProcess {
  return kilnProcess(['worker', '--router', url, '--realm', CLUSTER_REALM, '--id', id, '--threads', String(threads), ...auth], env, stdin);
}

function solve(url: string, file: string, budget: string): KilnProcess {
  return kilnProcess([
    'solve',
    fixturePath(file),
    '--budget',
    budget,
    '--router',
    url,
    '--realm',
    CLUSTER_REALM,
    '--authid',
    'control-1',
    '--secret-file',
    router!.files.controllerTicket,
    '--out',
    '/dev/null',
  ]);
}

/** The JSON line kiln solve prints. */
function summaryOf(process: KilnProcess): Record<string, unknown> {
  const line = process.output.find((text) => text.startsWith('{'));
  if (line === undefined) throw new Error(`no summary; output:\n${process.output.join('\n')}`);
  return JSON.parse(line) as Record<string, unknown>;
}

describe("Kiln components on an operator's router", () => {
  it('joins another realm with ticket (file), WAMP-CRA (stdin) and WAMP-Cryptosign (environment), and solves there', async () => {
    router = await startClusterRouter();
    const joins: Extract<RouterEvent, { type: 'join' }>[] = [];
    router.router.onEvent((event) => event.type === 'join' && joins.push(event));
    const { url, files, secrets } = router;
    const workers = [
      worker(url, 'by-ticket', 1, ['--authid', 'worker-ticket', '--authmethod', 'ticket', '--secret-file', files.computeTicket]),
      worker(url, 'by-cra', 1, ['--authid', 'worker-cra', '--authmethod', 'wampcra', '--secret-file', '-'], {}, `${secrets.computeCra}\n`),
      worker(url, 'by-key', 1, ['--authid', 'worker-key', '--authmethod', 'cryptosign'], { KILN_SECRET: secrets.computeKeyHex }),
    ];
    for (const started of workers) await started.line(/joined .* with 1 threads/);
    expect(
      joins.map(({ authid, authmethod, authrole, realm }) => ({ authid, authmethod, authrole, realm })).sort((a, b) => a.authid.localeCompare(b.authid)),
    ).toEqual([
      { authid: 'worker-cra', authmethod: 'wampcra', authrole: 'compute', realm: CLUSTER_REALM },
      { authid: 'worker-key', authmethod: 'cryptosign', authrole: 'compute', realm: CLUSTER_REALM },
      { authid: 'worker-ticket', authmethod: 'ticket', authrole: 'compute', realm: CLUSTER_REALM },
    ]);

    const solver = solve(url, 'berlin52.tsp', '2s');
    expect(await solver.exited).toBe(0);
    expect(summaryOf(solver)).toMatchObject({ name: 'berlin52', n: 52, state: 'finished' });
  });

  it('refuses a secret file others can read, a wrong secret, and a secret on the command line', async () => {
    router = await startClusterRouter();
    const { chmodSync } = await import('node:fs');
    chmodSync(router.files.computeTicket, 0o644);
    const exposed = worker(router.url, 'w', 1, ['--authid', 'worker-ticket', '--secret-file', router.files.computeTicket]);
    expect(await exposed.exited).toBe(2);
    expect(exposed.output.join('\n')).toMatch(/readable by group or others \(mode 644\); it holds a credential: chmod 600 \S*compute.ticket/);

    const wrong = worker(router.url, 'w', 1, ['--authid', 'worker-cra', '--authmethod', 'wampcra'], { KILN_SECRET: 'not-the-secret' });
    expect(await wrong.exited).toBe(1);
    expect(wrong.output.join('\n')).toMatch(/worker: .*(authentication_failed|not_authorized)/);

    const inArgv = worker(router.url, 'w', 1, ['--authid', 'worker-ticket', '--secret', router.secrets.computeTicket]);
    expect(await inArgv.exited).toBe(2);
    expect(inArgv.output.join('\n')).toMatch(/kiln worker: unknown option '--secret'/);
  });

  it('tells a kiln solve whose router shuts down while its call waits there, and exits 1', async () => {
    router = await startClusterRouter();
    // A control center of the test's own, in two sessions. The router says GOODBYE to its sessions in the
    // order they connected: to the solve's before the one holding its kiln.solve.result call, which the
    // router then drops unanswered, as it drops any request that reaches it after its GOODBYE.
    let asked: () => void = () => undefined;
    const resultAsked = new Promise<void>((resolve) => (asked = resolve));
    const first = await controller(router.url, router.secrets.controllerTicket);
    await first.register(Procedures.solveStart, async () => {
      const second = await controller(router!.url, router!.secrets.controllerTicket);
      await second.register(Procedures.solveResult, () => {
        asked();
        return new Promise(() => undefined);
      });
      return { runId: 'r1' };
    });
    const solver = solve(router.url, 'berlin52.tsp', '60s');
    await resultAsked;
    router.router.close();
    expect(await solver.exited).toBe(1);
    expect(solver.output.join('\n')).toMatch(/kiln solve: run r1 lost its control center: the session with \S+ ended: wamp\.close\.system_shutdown/);
  });

  it('tells a kiln solve whose router shuts down while its own orchestrator starts, and exits 1', async () => {
    const { router: wampRouter, url } = (router = await startClusterRouter());
    // The router shuts down as it hears of the solve's first subscription, before it reads the solve's next request.
    const local = await inRouterSession(router);
    await local.subscribe('wamp.subscription.on_subscribe', (args) => {
      if (args?.[0] !== local.id) wampRouter.close();
    });
    const solver = solve(url, 'berlin52.tsp', '60s');
    expect(await solver.exited).toBe(1);
    expect(solver.output).toEqual([`kiln solve: the session with ${url} ended: wamp.close.system_shutdown (the router is shutting down)`]);
  });

  it("ends a kiln solve's private run when its router shuts down mid-run: the best tour, the reason, exit 1", async () => {
    const { router: wampRouter, url } = (router = await startClusterRouter());
    const local = await inRouterSession(router);
    await local.subscribe(
      Topics.anyRunState,
      (args) => {
        if ((args?.[0] as RunState).phase === 'running') wampRouter.close();
      },
      { match: 'wildcard' },
    );
    // Far beyond the test's own timeout: a run that waited for its budget would fail the test.
    const solver = solve(url, 'berlin52.tsp', '10m');
    expect(await solver.exited).toBe(1);
    expect(summaryOf(solver)).toMatchObject({ name: 'berlin52', state: 'failed', slices: 0 });
    expect(solver.output.filter((line) => !line.startsWith('{'))).toEqual([
      `kiln solve: the run failed: lost its router: the session with ${url} ended: wamp.close.system_shutdown (the router is shutting down)`,
    ]);
  });

  it('tells a kiln solve whose control center shuts down mid-run, and exits non-zero', async () => {
    kiln = await startKiln({ threads: 1, uiDir: null });
    const { session, client } = await joinAsController(kiln);
    clients.push(client);
    const states: RunState[] = [];
    await session.subscribe(Topics.anyRunState, (args) => states.push(args![0] as RunState), { match: 'wildcard' });
    const solver = kilnProcess(
      ['solve', fixturePath('a280.tsp'), '--budget', '60s', '--router', kiln.routerUrl, '--authid', kiln.credentials.ui.authid, '--out', '/dev/null'],
      {
        KILN_TICKET: kiln.credentials.ui.ticket,
      },
    );
    await until(() => (states.some((state) => state.phase === 'running') ? true : undefined), 'the run to start', 60_000);
    await kiln.close();
    kiln = null;
    expect(await solver.exited).toBe(1);
    expect(solver.output.join('\n')).toMatch(/kiln solve: .*(the orchestrator running it shut down|run \w+ lost its control center)/);
  });
});

describe.each(ROUTER_PROFILES)('overlapping kiln solve processes on $name', ({ emulate }) => {
  it('runs each in its own orchestrator: the first process exits mid-run, the second still spends its whole budget', async () => {
    router = await startClusterRouter(emulate);
    const shared = worker(router.url, 'shared', 2, ['--authid', 'worker-ticket', '--secret-file', router.files.computeTicket]);
    await shared.line(/joined .* with 2 threads/, 60_000);
    const states = await watchRuns(router.url, router.secrets.controllerTicket);
    const running = (): RunState[] => states.filter((state) => state.phase === 'running');

    // The second starts once the first runs; the first leaves (SIGTERM) once both run, however long
    // each took to start on a busy machine.
    const first = solve(router.url, 'kroA100.tsp', '120s');
    const runOf = (name: string): string | undefined => running().find((state) => state.problemName === name)?.runId;
    const ended = (runId: string | undefined): boolean => states.some((state) => state.runId === runId && state.phase !== 'running');
    await until(() => (runOf('kroA100') ? true : undefined), 'the first run to start', 60_000);
    // The budget counts from the process's start, which takes seconds on a loaded machine: long enough
    // that the first process's exit comes well within it.
    const second = solve(router.url, 'ch150.tsp', '30s');
    await until(() => (runOf('ch150') ? true : undefined), 'the second run to start', 60_000);
    const secondRun = runOf('ch150');
    expect(ended(runOf('kroA100'))).toBe(false);

    await first.stop('SIGTERM');
    // The first process is gone; the second run is still running on its own orchestrator ...
    expect(states.filter((state) => state.runId === secondRun && state.phase !== 'running')).toEqual([]);
    // ... and spends its whole budget.
    expect(await second.exited).toBe(0);
    expect(summaryOf(second)).toMatchObject({ name: 'ch150', state: 'finished' });
    // 'finished' is the deadline's doing (a lost orchestrator fails a run, a stop stops it).
    const end = states.find((state) => state.runId === secondRun && state.phase !== 'running');
    expect(end?.phase).toBe('finished');
    expect(end?.elapsedMs).toBeGreaterThanOrEqual(30_000 - 10);
  }, 180_000);
});
