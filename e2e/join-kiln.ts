/**
 * A Kiln for the join page's tests, composed like startKiln (router + UI over HTTP + orchestrator +
 * optional local compute) plus a WAMP-CRA principal `invite:test` with the compute role: the stand-in
 * for a real invite (kiln.lan.createInvite) until invites land on the Kiln realm.
 */
import { createServer } from 'node:http';
import { Procedures, REALM, Roles, problemToWire, type RunResult, type RunState } from '../shared/protocol.ts';
import type { ProblemData } from '../shared/tsp/types.ts';
import type { WampSession } from '../shared/wamp.ts';
import { connectOrchestrator, DEFAULT_UI_DIR } from '../electron/app/kiln.ts';
import { startWorker, type RunningWorker } from '../electron/compute/worker.ts';
import { serveStatic } from '../electron/http/static-files.ts';
import type { Orchestrator } from '../electron/orchestrator/orchestrator.ts';
import { ticketAuth } from '../electron/router/auth/ticket.ts';
import { wampcraAuth } from '../electron/router/auth/wampcra.ts';
import { createRouter } from '../electron/router/router.ts';
import { startRouterServer } from '../electron/router/server.ts';
import { createLaunchCredentials, launchPrincipals, newSecret, type LaunchCredentials } from '../electron/security/credentials.ts';
import { KILN_ROLES } from '../electron/security/roles.ts';
import { openWampClient, type Credentials, type WampClient } from '../electron/wamp/client.ts';

export const TEST_INVITE_ID = 'test';

export interface JoinKiln {
  origin: string;
  routerUrl: string;
  credentials: LaunchCredentials;
  orchestrator: Orchestrator;
  /** /join#invite=test.<secret>&threads=1 */
  joinUrl: string;
  inviteSecret: string;
  uiUrl: string;
  controller: WampSession;
  solve(problem: ProblemData, budgetMs: number, sliceMs: number): Promise<RunResult>;
  close(): Promise<void>;
}

export async function startJoinKiln(localThreads: number): Promise<JoinKiln> {
  const credentials = createLaunchCredentials();
  const inviteSecret = newSecret();
  const router = createRouter({
    realms: [
      {
        name: REALM,
        auth: [
          ticketAuth({ principals: launchPrincipals(credentials) }),
          wampcraAuth({ principals: { [`invite:${TEST_INVITE_ID}`]: { secret: inviteSecret, role: Roles.compute } } }),
        ],
        roles: KILN_ROLES,
      },
    ],
  });
  const http = createServer(serveStatic(DEFAULT_UI_DIR, 'UI not built\n'));
  const server = await startRouterServer({ router, host: '127.0.0.1', port: 0, limits: router.limits, httpServer: http });
  const { client: orchestratorClient, orchestrator } = await connectOrchestrator(server.url, credentials);
  const local: RunningWorker | null =
    localThreads > 0 ? startWorker({ url: server.url, credentials: { method: 'ticket', ...credentials.compute }, threads: localThreads, workerId: 'local' }) : null;
  const { client: controllerClient, session: controller } = await openSession(server.url, { method: 'ticket', ...credentials.ui });
  const origin = `http://127.0.0.1:${server.port}`;
  return {
    origin,
    routerUrl: server.url,
    credentials,
    orchestrator,
    joinUrl: `${origin}/join#invite=${TEST_INVITE_ID}.${inviteSecret}&threads=1`,
    inviteSecret,
    uiUrl: `${origin}/#token=${credentials.ui.ticket}`,
    controller,
    solve: async (problem, budgetMs, sliceMs) => {
      const started = await controller.call<RunState>(Procedures.solveStart, [], {
        problem: problemToWire(problem),
        budgetMs,
        params: { sliceMs, seed: 1 },
      } as unknown as Record<string, unknown>);
      return controller.call<RunResult>(Procedures.solveResult, [started.runId]);
    },
    close: async () => {
      await controllerClient.close();
      await orchestrator.close();
      await local?.close();
      await orchestratorClient.close();
      router.close();
      await server.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** One WAMP session from Node; rejects with the router's reason when it refuses. */
export function openSession(url: string, credentials: Credentials): Promise<{ client: WampClient; session: WampSession }> {
  return new Promise((resolve, reject) => {
    const client = openWampClient({
      url,
      realm: REALM,
      credentials,
      onOpen: (session) => resolve({ client, session }),
      onClose: (reason, message) => reject(new Error(`${reason}: ${message ?? ''}`)),
    });
  });
}
