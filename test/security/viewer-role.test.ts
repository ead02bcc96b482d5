/**
 * The viewer role (read-only dashboards) on a router with Kiln's roles: a viewer following a run needs
 * its city set for the map (kiln.problem.get, by the hash the run's state names), as docs/cluster.md
 * grants a viewer on Crossbar.io; it may still not start runs, keep best known lengths, read a private
 * orchestrator's problems, or serve any procedure itself.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { centerUris, Procedures, Topics } from '../../shared/protocol/uris.ts';
import { callErrorOf, type WampSession } from '../../shared/wamp.ts';
import type { WampClient } from '../../electron/wamp/client.ts';
import { CLUSTER_REALM, startClusterRouter, type ClusterRouter } from '../helpers/cluster-router.ts';
import { join } from '../helpers/kiln-process.ts';

let router: ClusterRouter;
const clients: WampClient[] = [];
let controller: WampSession;
let viewer: WampSession;

beforeEach(async () => {
  router = await startClusterRouter();
  const asController = await join(router.url, { method: 'ticket', authid: 'control-1', ticket: router.secrets.controllerTicket }, undefined, CLUSTER_REALM);
  const asViewer = await join(router.url, { method: 'ticket', authid: 'dashboard', ticket: router.secrets.viewerTicket }, undefined, CLUSTER_REALM);
  clients.push(asController.client, asViewer.client);
  controller = asController.session;
  viewer = asViewer.session;
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await router.close();
});

/** The error URI a call ends with, or 'answered'. */
async function outcome(session: WampSession, procedure: string, args: unknown[] = []): Promise<string> {
  try {
    await session.call(procedure, args, {});
    return 'answered';
  } catch (error) {
    return callErrorOf(error).uri;
  }
}

describe('the viewer role', () => {
  it('reads the city set of a run it follows with kiln.problem.get', async () => {
    await controller.register(Procedures.problemGet, (args) => ({ hash: args?.[0], cities: 3 }));
    expect(await viewer.call(Procedures.problemGet, ['00ff00ff00ff00ff'])).toEqual({ hash: '00ff00ff00ff00ff', cities: 3 });
  });

  it('is refused starting runs, keeping best known lengths and reading a private orchestrator’s problems', async () => {
    const refused = [Procedures.solveStart, Procedures.solveStop, Procedures.setBestKnown, Procedures.bestKnown, Procedures.privateProblemGet('lab')];
    // Registered, so that a refusal is the role's and not a missing procedure.
    for (const procedure of refused) await controller.register(procedure, () => 'answered');
    for (const procedure of refused) expect([procedure, await outcome(viewer, procedure)]).toEqual([procedure, 'wamp.error.not_authorized']);
  });

  it('may not register kiln.problem.get itself', async () => {
    await expect(viewer.register(Procedures.problemGet, () => null)).rejects.toMatchObject({ error: 'wamp.error.not_authorized' });
  });

  it('watches the unnamed control center only: a named one’s reads are refused (docs/security.md says why)', async () => {
    const lab = centerUris('lab');
    const plainReads = [Procedures.solveStatus, Procedures.solveProgress, Procedures.runsList, Procedures.runsGet];
    const namedReads = [lab.solveStatus, lab.solveProgress, lab.runsList, lab.runsGet, lab.problemGet];
    for (const procedure of [...plainReads, ...namedReads]) await controller.register(procedure, () => 'answered');
    for (const procedure of plainReads) expect([procedure, await outcome(viewer, procedure)]).toEqual([procedure, 'answered']);
    for (const procedure of namedReads) expect([procedure, await outcome(viewer, procedure)]).toEqual([procedure, 'wamp.error.not_authorized']);
    await expect(viewer.subscribe(Topics.machinesSummary, () => {})).resolves.toMatchObject({ id: expect.any(Number) });
    await expect(viewer.subscribe(lab.machinesSummaryTopic, () => {})).rejects.toMatchObject({ error: 'wamp.error.not_authorized' });
    await expect(viewer.subscribe(lab.runsChangedTopic, () => {})).rejects.toMatchObject({ error: 'wamp.error.not_authorized' });
  });
});
