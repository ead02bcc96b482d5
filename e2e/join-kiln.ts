/**
 * The Kiln the join page's tests run against: startKiln as `kiln serve` starts it on loopback
 * (invites on, no mDNS; with `tls`, as `kiln serve --tls`), with a controller session holding the UI's ticket, which creates and
 * revokes invites through kiln.lan.* exactly as the control center's Machines panel does.
 */
import { Procedures } from '../shared/protocol/uris.ts';
import type { CreatedInvite, RevokedInvite, RunResult, RunState } from '../shared/protocol/wire.ts';
import { problemToWire } from '../shared/protocol/codecs.ts';
import type { ProblemData } from '../shared/tsp/types.ts';
import type { WampSession } from '../shared/wamp.ts';
import { startKiln } from '../electron/app/kiln.ts';
import type { TlsIdentity } from '../electron/tls/tls-identity.ts';
import type { Orchestrator } from '../electron/orchestrator/orchestrator.ts';
import { joinAsController } from '../test/helpers/kiln-process.ts';

export interface JoinKiln {
  orchestrator: Orchestrator;
  /** ws://127.0.0.1:PORT/ws */
  routerUrl: string;
  /** http(s)://127.0.0.1:PORT */
  origin: string;
  uiUrl: string;
  controller: WampSession;
  /** kiln.lan.createInvite; `link` is the join link as the UI shows it. */
  createInvite(ttlMs?: number): Promise<CreatedInvite>;
  revokeInvite(inviteId: string): Promise<RevokedInvite>;
  solve(problem: ProblemData, budgetMs: number, sliceMs: number): Promise<RunResult>;
  close(): Promise<void>;
}

export async function startJoinKiln(localThreads: number, tls?: TlsIdentity): Promise<JoinKiln> {
  const kiln = await startKiln({ host: '127.0.0.1', port: 0, threads: localThreads, lan: { discover: false }, tls });
  const { client, session: controller } = await joinAsController(kiln, tls?.fingerprint);
  return {
    orchestrator: kiln.orchestrator,
    routerUrl: kiln.routerUrl,
    origin: `${tls ? 'https' : 'http'}://127.0.0.1:${kiln.port}`,
    uiUrl: kiln.uiUrl!,
    controller,
    createInvite: (ttlMs) => controller.call<CreatedInvite>(Procedures.lanCreateInvite, [], ttlMs === undefined ? {} : { ttlMs }),
    revokeInvite: (inviteId) => controller.call<RevokedInvite>(Procedures.lanRevokeInvite, [], { inviteId }),
    solve: async (problem, budgetMs, sliceMs) => {
      const started = await controller.call<RunState>(Procedures.solveStart, [], {
        problem: problemToWire(problem),
        budgetMs,
        params: { sliceMs, seed: 1 },
      } as unknown as Record<string, unknown>);
      return controller.call<RunResult>(Procedures.solveResult, [started.runId]);
    },
    close: async () => {
      await client.close();
      await kiln.close();
    },
  };
}
