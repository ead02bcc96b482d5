/**
 * Several control centers on one router cluster: two `kiln serve --router` processes under their own
 * names share two `kiln worker` processes. Each run finishes on time with a valid tour, each control
 * center takes only its share of every callee's slots, a slot the other holds (Crossbar.io's
 * max_concurrency_reached) is never blamed on the honest callee, no control center can end the
 * other's run, and one that exits takes only its own run with it, telling its caller. Run against each
 * router profile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { CLUSTER_INFO_PATH } from '../../shared/cluster-info.ts';
import { Procedures, Topics, activeOrchestratorProcedure, centerUris } from '../../shared/protocol/uris.ts';
import type { BestKnown, RunResult, RunState } from '../../shared/protocol/wire.ts';
import { parseTour } from '../../shared/protocol/validate.ts';
import { createInstance, randomUniformProblem, tourLength } from '../../shared/tsp/instance.ts';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { problemHash } from '../../shared/tsp/problem.ts';
import { callErrorOf } from '../../shared/wamp.ts';
import { Orchestrator } from '../../electron/orchestrator/orchestrator.ts';
import { makeWampError, type WampClient } from '../../electron/wamp/client.ts';
import { solveRequest } from '../helpers/cluster.ts';
import { loadTsplib } from '../helpers/tsplib-fixtures.ts';
import { CLUSTER_REALM, startClusterRouter, type ClusterRouter } from '../helpers/cluster-router.ts';
import { join, KILN, KilnProcess, until } from '../helpers/kiln-process.ts';
import { ROUTER_PROFILES } from '../helpers/router-profiles.ts';

const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'KILN_SECRET' && name !== 'KILN_TICKET'));
const processes: KilnProcess[] = [];
const clients: WampClient[] = [];
const dirs: string[] = [];
let router: ClusterRouter | null = null;

afterEach(async () => {
  await Promise.all(processes.splice(0).map((started) => (started.child.exitCode === null ? started.stop('SIGKILL') : started.exited)));
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await router?.close();
  router = null;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function kiln(args: string[]): KilnProcess {
  const started = new KilnProcess(spawn(process.execPath, [KILN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: CLEAN_ENV }));
  processes.push(started);
  return started;
}

/** `kiln serve --router` as control center `center`, with no compute of its own; resolves with its UI's URL. */
async function serve(center: string): Promise<{ process: KilnProcess; uiUrl: string }> {
  const stateDir = mkdtempSync(joinPath(tmpdir(), `kiln-${center}-`));
  dirs.push(stateDir);
  const started = kiln([
    'serve',
    ...['--router', router!.url, '--realm', CLUSTER_REALM, '--authid', 'control-1', '--secret-file', router!.files.controllerTicket],
    ...['--center', center, '--threads', '0', '--port', '0', '--state-dir', stateDir],
  ]);
  const [, uiUrl] = await started.line(/^Kiln is serving (\S+)/, 60_000);
  await started.line(new RegExp(`^control center ${center} on `));
  return { process: started, uiUrl };
}

function worker(id: string, threads: number): KilnProcess {
  const { url, files } = router!;
  return kiln([
    'worker',
    '--router',
    url,
    '--realm',
    CLUSTER_REALM,
    '--authid',
    'worker-ticket',
    '--secret-file',
    files.computeTicket,
    '--id',
    id,
    '--threads',
    String(threads),
  ]);
}

/** The tour is a permutation of the cities and its length the one reported. */
function expectValidTour(result: RunResult, name: string): void {
  const problem = loadTsplib(name);
  const tour = parseTour(result.tour, problem.n, 'result tour');
  expect(result.bestLength).toBe(tourLength(createInstance(problem), tour));
}

interface ActiveReport {
  active: string[];
  slots: Record<string, number>;
}

describe.each(ROUTER_PROFILES)('two control centers on one cluster router ($name)', ({ emulate }) => {
  it('share the workers: each run on time with a valid tour, fair shares, a busy callee never blamed, an exiting one takes only its own run', async () => {
    router = await startClusterRouter(emulate);
    const workers = [worker('wa', 2), worker('wb', 2)];
    for (const started of workers) await started.line(/joined .* with 2 threads/, 60_000);
    const [alpha, beta] = await Promise.all([serve('alpha'), serve('beta')]);

    // The page of each finds its own control center.
    const info = await (await fetch(new URL(CLUSTER_INFO_PATH, alpha.uiUrl))).json();
    expect(info).toEqual({ router: router.url, realm: CLUSTER_REALM, center: 'alpha' });

    const { session, client } = await join(
      router.url,
      { method: 'ticket', authid: 'control-1', ticket: router.secrets.controllerTicket },
      undefined,
      CLUSTER_REALM,
    );
    clients.push(client);
    const states: RunState[] = [];
    await session.subscribe(Topics.anyRunState, (args) => states.push(args![0] as RunState), { match: 'wildcard' });
    const [a, b] = [centerUris('alpha'), centerUris('beta')];

    // Alpha's run would last two minutes; beta's has 15 s. Both results are asked for at once.
    const alphaRun = await session.call<RunState>(a.solveStart, [], solveRequest(loadTsplib('kroA100'), 120_000) as unknown as Record<string, unknown>);
    const betaRun = await session.call<RunState>(b.solveStart, [], solveRequest(loadTsplib('ch150'), 15_000) as unknown as Record<string, unknown>);
    expect([alphaRun.center, betaRun.center]).toEqual(['alpha', 'beta']);
    const alphaResult = session.call<RunResult>(a.solveResult, [alphaRun.runId]);
    const betaResult = session.call<RunResult>(b.solveResult, [betaRun.runId]);

    // While both run, each sees the other and their shares of every callee add up to its threads.
    const reports = await until(
      async () => {
        const both = await Promise.all(['alpha', 'beta'].map((id) => session.call<ActiveReport>(activeOrchestratorProcedure(id)).catch(() => undefined)));
        return both.every((report) => report?.active.length === 2 && Object.keys(report.slots).length === 2) ? (both as ActiveReport[]) : undefined;
      },
      'both control centers to see each other and both workers',
      60_000,
    );
    for (const callee of Object.keys(reports[0].slots)) expect(reports[0].slots[callee] + reports[1].slots[callee]).toBe(2);

    // Neither ends the other's run: each control center knows only its own.
    const refused = await session.call(b.solveStop, [alphaRun.runId]).catch((error: unknown) => callErrorOf(error));
    expect(refused).toMatchObject({ uri: 'kiln.error.no_such_run' });

    // Alpha's process exits: its run ends as failed with the reason, told to its caller; beta's goes on.
    expect(await alpha.process.stop('SIGTERM')).toBe(0);
    const cut = await alphaResult;
    expect(cut).toMatchObject({ phase: 'failed', error: 'the orchestrator running it shut down' });
    expectValidTour(cut, 'kroA100');
    expect(states.some((state) => state.runId === betaRun.runId && state.phase !== 'running')).toBe(false);

    const done = await betaResult;
    expect(done.phase).toBe('finished');
    expect(done.elapsedMs).toBeGreaterThanOrEqual(15_000 - 10);
    expectValidTour(done, 'ch150');
    expect(done.slicesDone).toBeGreaterThan(0);
    // A call beyond a callee's slots (another control center's) is never blamed on the callee. (A
    // callee slow to answer on this loaded machine may be, for being slow: that is not asserted here.)
    for (const center of [alpha, beta]) expect(center.process.output.filter((line) => /max_concurrency_reached/.test(line))).toEqual([]);
    expect(done.warning).toBeUndefined();
  }, 240_000);
});

describe("a callee whose one slot another caller holds, on Crossbar.io's terms", () => {
  it('answers crossbar.error.max_concurrency_reached: busy, not at fault; it is dealt again once free', async () => {
    router = await startClusterRouter('crossbar');
    const solo = worker('solo', 1);
    await solo.line(/joined .* with 1 threads/, 60_000);
    const ticket = { method: 'ticket' as const, authid: 'control-1', ticket: router.secrets.controllerTicket };
    const mine = await join(router.url, ticket, undefined, CLUSTER_REALM);
    clients.push(mine.client);
    const logs: string[] = [];
    const orchestrator = new Orchestrator(mine.session, makeWampError, { private: true, log: (line) => logs.push(line) });
    await orchestrator.start();
    try {
      const calleeSession = await until(() => Object.keys(orchestrator.workers.slotsByCallee())[0], 'the worker to be known', 60_000);

      // Someone else's long call holds the worker's only slot (a caller that is no Kiln orchestrator, so takes no share).
      const holder = await join(router.url, ticket, undefined, CLUSTER_REALM);
      clients.push(holder.client);
      const held = loadTsplib('kroA100');
      await holder.session.register('kiln.problem.get.holder', () => problemToWire(held));
      const request = {
        runId: 'held',
        problemHash: problemHash(held),
        temperature: { start: 0, end: 0 },
        budget: { ms: 600_000 },
        seed: 1,
        problemFrom: 'kiln.problem.get.holder',
      };
      const holding = holder.session.call(`kiln.anneal.${calleeSession}`, [], request).catch(() => undefined);

      const run = orchestrator.startRun(solveRequest(loadTsplib('ch150'), 30_000));
      await until(() => (run.result().slicesFailed > 0 ? true : undefined), 'a call to be refused for want of a free slot', 60_000);
      expect(run.result().slicesDone).toBe(0);
      // The slot comes free: the run is dealt there again and its slices come back.
      await holder.session.publish('kiln.run.held.state', [{ runId: 'held', phase: 'stopped' }], {}, { acknowledge: true });
      await holding;
      await until(() => (run.result().slicesDone > 0 ? true : undefined), 'a slice to come back once the slot is free', 60_000);
      await run.stop();
      expect(logs.filter((line) => /solo/.test(line))).toEqual([]);
    } finally {
      await orchestrator.close();
    }
  }, 180_000);
});

describe('best known lengths of control centers on one cluster', () => {
  it("each keeps its own under kiln.center.NAME.problem.*, publishes changes there, and measures its runs' gap with it", async () => {
    router = await startClusterRouter();
    const computing = worker('wbest', 1);
    await computing.line(/joined .* with 1 threads/, 60_000);
    await Promise.all([serve('alpha'), serve('beta')]);
    const { session, client } = await join(
      router.url,
      { method: 'ticket', authid: 'control-1', ticket: router.secrets.controllerTicket },
      undefined,
      CLUSTER_REALM,
    );
    clients.push(client);
    const [a, b] = [centerUris('alpha'), centerUris('beta')];
    expect([a.bestKnown, a.setBestKnown, a.bestKnownChangedTopic]).toEqual([
      'kiln.center.alpha.problem.bestKnown',
      'kiln.center.alpha.problem.setBestKnown',
      'kiln.center.alpha.problem.bestKnownChanged',
    ]);
    // Nobody registered the embedded router's unnamed procedure: control centers never collide on it.
    await expect(session.call(Procedures.bestKnown, [], { hash: '0'.repeat(16) })).rejects.toMatchObject({ error: 'wamp.error.no_such_procedure' });

    // A city set without an optimum of its own.
    const problem = randomUniformProblem(60, 5);
    const hash = problemHash(problem);
    const changed: Record<string, BestKnown[]> = { alpha: [], beta: [] };
    await session.subscribe(a.bestKnownChangedTopic, (args) => changed.alpha.push(args![0] as BestKnown));
    await session.subscribe(b.bestKnownChangedTopic, (args) => changed.beta.push(args![0] as BestKnown));
    expect(await session.call<BestKnown>(a.setBestKnown, [], { hash, length: 7000 })).toEqual({ hash, length: 7000 });
    expect(await session.call<BestKnown>(a.bestKnown, [], { hash })).toEqual({ hash, length: 7000 });
    // Beta keeps its own (its own state directory): alpha's is not beta's.
    expect(await session.call<BestKnown>(b.bestKnown, [], { hash })).toEqual({ hash, length: null });
    expect(await session.call<BestKnown>(b.setBestKnown, [], { hash, length: 7500 })).toEqual({ hash, length: 7500 });
    await until(() => (changed.beta.length > 0 ? true : undefined), "beta's change to be published");
    expect(changed).toEqual({ alpha: [{ hash, length: 7000 }], beta: [{ hash, length: 7500 }] });
    // Bad values are refused there as on the embedded router.
    await expect(session.call(a.setBestKnown, [], { hash, length: -1 })).rejects.toMatchObject({ error: 'kiln.error.invalid_argument' });

    // A run on alpha that comes without a reference length measures its gap against alpha's.
    const started = await session.call<RunState>(a.solveStart, [], solveRequest(problem, 1500) as unknown as Record<string, unknown>);
    expect(started.optimum).toBe(7000);
    const result = await session.call<RunResult>(a.solveResult, [started.runId]);
    expect(result.gapPercent).toBeCloseTo((100 * (result.bestLength! - 7000)) / 7000, 9);

    // A compute session may neither read nor set them.
    const donor = await join(router.url, { method: 'ticket', authid: 'worker-ticket', ticket: router.secrets.computeTicket }, undefined, CLUSTER_REALM);
    clients.push(donor.client);
    await expect(donor.session.call(a.bestKnown, [], { hash })).rejects.toMatchObject({ error: 'wamp.error.not_authorized' });
  }, 180_000);
});

describe('kiln serve --router refuses what cannot work', () => {
  it('a control center name already taken on the router, and router options without --router', async () => {
    router = await startClusterRouter();
    await serve('gamma');
    const twin = kiln([
      'serve',
      '--router',
      router.url,
      '--realm',
      CLUSTER_REALM,
      '--authid',
      'control-1',
      '--secret-file',
      router.files.controllerTicket,
      '--center',
      'gamma',
      '--threads',
      '0',
      '--port',
      '0',
    ]);
    expect(await twin.exited).not.toBe(0);
    expect(twin.output.join('\n')).toMatch(/control center name 'gamma' is taken/);

    const stray = kiln(['serve', '--center', 'delta', '--port', '0']);
    expect(await stray.exited).toBe(2);
    expect(stray.output.join('\n')).toMatch(/--center is for a control center on a router cluster: give --router URL too/);
    expect(processes.some((started) => started.output.some((line) => line.includes(router!.secrets.controllerTicket)))).toBe(false);
  }, 120_000);
});
