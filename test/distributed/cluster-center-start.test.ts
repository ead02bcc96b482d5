/**
 * A control center that cannot start on a cluster (its UI port taken) leaves nothing behind: its orchestrator,
 * services and session go, so its name on the router is free again (the desktop app lives on after the error).
 */
import { createServer, type Server } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { startClusterCenter, type ClusterCenterOptions, type RunningClusterCenter } from '../../electron/app/cluster-center.ts';
import { CLUSTER_REALM, startClusterRouter, type ClusterRouter } from '../helpers/cluster-router.ts';

let router: ClusterRouter | null = null;
let blocker: Server | null = null;
let center: RunningClusterCenter | null = null;
afterEach(async () => {
  await center?.close();
  center = null;
  await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)));
  blocker = null;
  await router?.close();
  router = null;
});

it('a center whose port is taken fails with the reason and frees its name on the router', async () => {
  router = await startClusterRouter();
  blocker = createServer();
  const takenPort = await new Promise<number>((resolve) => blocker!.listen(0, '127.0.0.1', () => resolve((blocker!.address() as { port: number }).port)));
  const options: ClusterCenterOptions = {
    router: { url: router.url, realm: CLUSTER_REALM, credentials: { method: 'ticket', authid: 'control-1', ticket: router.secrets.controllerTicket } },
    center: 'portless',
    threads: 0,
    uiDir: null,
    port: takenPort,
  };
  await expect(startClusterCenter(options)).rejects.toThrow(/EADDRINUSE/);
  // The same name again, on a free port: taken only if the failed start left its registrations behind.
  center = await startClusterCenter({ ...options, port: 0 });
  expect(center.info.center).toBe('portless');
});
