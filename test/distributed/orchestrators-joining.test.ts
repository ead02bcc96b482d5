/**
 * A second orchestrator joins one that holds all of a callee's slots: the newcomer deals only once the
 * first has shrunk to its share (its excess slices back), so its calls are never queued behind the
 * first's (Kiln's router), refused (Crossbar.io) or delivered beyond the callee's slots (Nexus). Two
 * orchestrators on one router in this process, and one compute session whose answers the test releases.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { Orchestrator } from '../../electron/orchestrator/orchestrator.ts';
import type { Run } from '../../electron/orchestrator/run.ts';
import type { WampSession } from '../../shared/wamp.ts';
import { makeWampError, type WampClient } from '../../electron/wamp/client.ts';
import { CLUSTER_REALM, startClusterRouter, type ClusterRouter } from '../helpers/cluster-router.ts';
import { join, until } from '../helpers/kiln-process.ts';
import { ROUTER_PROFILES } from '../helpers/router-profiles.ts';
import { honestAnswer, randomProblem } from '../security/fixture.ts';

const SLOTS = 4;
const problem = randomProblem(60);
let router: ClusterRouter | null = null;
const clients: WampClient[] = [];
const orchestrators: Orchestrator[] = [];
const runs: Run[] = [];

afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.stop()));
  await Promise.all(orchestrators.splice(0).map((orchestrator) => orchestrator.close()));
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await router?.close();
  router = null;
});

/** A session on the cluster router as `authid`, closed after the test. */
async function joinAs(authid: string, ticket: string): Promise<WampSession> {
  const { session, client } = await join(router!.url, { method: 'ticket', authid, ticket }, undefined, CLUSTER_REALM);
  clients.push(client);
  return session;
}

/** One slice the callee holds until the test answers it. */
interface Held {
  runId: string;
  answer(): void;
}

/** A compute session with SLOTS slots that holds every slice; `arrived` waits for the next one of a run. */
async function holdingCallee(): Promise<{
  session: number;
  held: Held[];
  arrived: (runId: string, count: number) => Promise<Held[]>;
  outstanding: () => number;
  roundTrip: () => Promise<void>;
}> {
  const session = await joinAs('worker-ticket', router!.secrets.computeTicket);
  const held: Held[] = [];
  let answering = 0;
  const waiters: Array<() => void> = [];
  await session.register(
    `kiln.anneal.${session.id}`,
    (_args, kwargs) =>
      new Promise((resolve) => {
        const invocation = { request: 0, kwargs: kwargs ?? {} };
        answering++;
        held.push({
          runId: String(invocation.kwargs.runId),
          answer: () => {
            answering--;
            resolve(honestAnswer(invocation, problem.n, 'holder'));
          },
        });
        for (const waiter of waiters.splice(0)) waiter();
      }),
    { concurrency: SLOTS },
  );
  const arrived = (runId: string, count: number): Promise<Held[]> =>
    new Promise((resolve) => {
      const check = (): void => {
        const mine = held.filter((slice) => slice.runId === runId);
        if (mine.length >= count) resolve(mine);
        else waiters.push(check);
      };
      check();
    });
  // A call after an answer comes back behind whatever the router sent this session meanwhile (such as a
  // queued call it delivered when the answer freed a slot). Any answer will do, an error included.
  const roundTrip = (): Promise<void> =>
    session.call('kiln.problem.get.alpha', ['none']).then(
      () => undefined,
      () => undefined,
    );
  return { session: session.id, held, arrived, outstanding: () => answering, roundTrip };
}

async function orchestrator(center: string): Promise<Orchestrator> {
  const session = await joinAs('control-1', router!.secrets.controllerTicket);
  const started = new Orchestrator(session, makeWampError, { center });
  await started.start();
  orchestrators.push(started);
  return started;
}

function startRun(on: Orchestrator): Run {
  const run = on.startRun({ problem: problemToWire(problem), budgetMs: 120_000, params: { sliceMs: 30_000, seed: 1 } });
  runs.push(run);
  return run;
}

describe.each(ROUTER_PROFILES)('an orchestrator joining one that holds a callee ($name)', ({ emulate }) => {
  it('deals once the first has shrunk to its share: never beyond the callee’s slots, never refused, never queued', async () => {
    router = await startClusterRouter(emulate);
    const callee = await holdingCallee();
    const alpha = await orchestrator('alpha');
    const beta = await orchestrator('beta');
    await until(() => (alpha.workers.slotsByCallee()[callee.session] === SLOTS ? true : undefined), 'alpha to count the callee’s slots');

    // Alpha alone: all the callee's slots.
    const alphaRun = startRun(alpha);
    const alphaSlices = await callee.arrived(alphaRun.id, SLOTS);

    // Beta joins: alpha shrinks to half, but its four slices are still out.
    let answeredForAlpha = 0;
    const betaRun = startRun(beta);
    await until(() => (alpha.workers.slotsByCallee()[callee.session] === SLOTS / 2 ? true : undefined), 'alpha to shrink to its share');
    const betaFirst = callee.arrived(betaRun.id, 1).then(() => ({ answeredForAlpha, outstanding: callee.outstanding() }));

    // Two of alpha's slices come back, one at a time: only then is alpha within its share, and says so.
    for (const slice of alphaSlices.slice(0, 2)) {
      answeredForAlpha++;
      slice.answer();
      await callee.roundTrip();
    }
    const atBetaFirst = await betaFirst;
    expect(atBetaFirst.answeredForAlpha).toBe(2);
    expect(atBetaFirst.outstanding).toBeLessThanOrEqual(SLOTS);

    // Beta gets its whole share at once, and the callee carries exactly its slots.
    await callee.arrived(betaRun.id, SLOTS / 2);
    expect(callee.outstanding()).toBe(SLOTS);
    expect(callee.held.filter((slice) => slice.runId === alphaRun.id)).toHaveLength(SLOTS);
    expect(betaRun.result().slicesFailed).toBe(0);
    expect(alphaRun.result().slicesFailed).toBe(0);
    for (const slice of callee.held) if (slice.runId === betaRun.id) slice.answer();
  }, 60_000);
});
