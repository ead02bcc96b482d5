/**
 * What is pending on a Kiln client's session when the session ends settles then, naming the close reason
 * (openWampClient's guardSession): autobahn itself leaves such a call, registration or subscription
 * pending for ever. Real router, real WebSocket clients.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { Procedures, Topics } from '../../shared/protocol/uris.ts';
import type { RunState } from '../../shared/protocol/wire.ts';
import type { WampSession } from '../../shared/wamp.ts';
import { Orchestrator } from '../../electron/orchestrator/orchestrator.ts';
import { makeWampError, openWampClient, type WampClient } from '../../electron/wamp/client.ts';
import { randomProblem } from '../security/fixture.ts';
import { CLUSTER_REALM, startClusterRouter, type ClusterRouter } from '../helpers/cluster-router.ts';
import { join } from '../helpers/kiln-process.ts';

const clients: WampClient[] = [];
let router: ClusterRouter | null = null;

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await router?.close();
  router = null;
});

async function controller({ url, secrets }: ClusterRouter): Promise<WampSession> {
  const { session, client } = await join(url, { method: 'ticket', authid: 'control-1', ticket: secrets.controllerTicket }, undefined, CLUSTER_REALM);
  clients.push(client);
  return session;
}

/** A controller session in the router's process: its messages come on microtasks, in a fixed order. */
function inRouter({ url, router: wampRouter, secrets }: ClusterRouter): Promise<WampSession> {
  return new Promise<WampSession>((onOpen) => {
    const credentials = { method: 'ticket' as const, authid: 'control-1', ticket: secrets.controllerTicket };
    clients.push(openWampClient({ url, router: wampRouter, realm: CLUSTER_REALM, credentials, onOpen }));
  });
}

describe('operations pending when a session ends', () => {
  it('rejects a call the router shuts down under, with the close reason; later ones at once', async () => {
    const cluster = (router = await startClusterRouter());
    const caller = await controller(cluster);
    const callee = await controller(cluster);
    // The callee holds the call and the router shuts down: it answers nothing after its GOODBYE.
    await callee.register(Procedures.solveResult, () => {
      void cluster.router.close();
      return new Promise(() => undefined);
    });
    const ended = `the session with ${cluster.url} ended: wamp.close.system_shutdown (the router is shutting down)`;
    const pending = caller.call(Procedures.solveResult, ['r1']);
    await expect(pending).rejects.toThrow(ended);
    expect(caller.isOpen).toBe(false);
    await expect(caller.subscribe('kiln.worker.load', () => undefined)).rejects.toThrow(ended);
  });

  it("lets an orchestrator close whose session ended while it withdrew its marker (kiln serve --router's exit)", async () => {
    const cluster = (router = await startClusterRouter());
    const orchestrator = new Orchestrator(await inRouter(cluster), makeWampError, { center: 'alpha' });
    await orchestrator.start();
    // The router shuts down as it tells of the run's end: the orchestrator's unregistration of its
    // kiln.orchestrator.active marker, sent just after, reaches a router that answers nothing any more.
    const watcher = await inRouter(cluster);
    await watcher.subscribe(
      Topics.anyRunState,
      (args) => {
        if ((args?.[0] as RunState).phase !== 'running') cluster.router.close();
      },
      { match: 'wildcard' },
    );
    const run = orchestrator.startRun({ problem: problemToWire(randomProblem(20)), budgetMs: 100, params: {} });
    expect((await run.finished()).phase).toBe('finished');
    await orchestrator.close();
  });
});
