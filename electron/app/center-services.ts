/**
 * A control center's services on its orchestrator's session, the same on Kiln's own router (kiln.ts)
 * and on a shared one (cluster-center.ts), under the orchestrator's names: the machine summary, the run
 * history and best known lengths (with a state directory), and donor credit.
 */
import type { WampSession } from '../../shared/wamp.ts';
import { CreditService } from '../credit/credit-service.ts';
import { MachineSummaryPublisher } from '../machines/summary-publisher.ts';
import type { Orchestrator } from '../orchestrator/orchestrator.ts';
import { BestKnownService } from '../runs/best-known-service.ts';
import type { BestKnownStore } from '../runs/best-known-store.ts';
import { RunStore } from '../runs/run-store.ts';
import { RunsService } from '../runs/runs-service.ts';
import { makeWampError } from '../wamp/client.ts';
import { runAll } from './run-all.ts';

export interface CenterServicesOptions {
  /** Keep the run history in `<stateDir>/runs`; without it no history is kept. */
  stateDir?: string;
  /** The best known lengths (the state directory's, which the orchestrator also reads for its gaps), or none. */
  bestKnown: BestKnownStore | null;
  log: (message: string) => void;
}

export interface CenterServices {
  /** Stops them all, the last started first; call it after the orchestrator has closed. */
  stop(): Promise<void>;
}

/** Starts the services in order; one that fails to start stops those started before it, and the error goes on. */
export async function startCenterServices(session: WampSession, orchestrator: Orchestrator, options: CenterServicesOptions): Promise<CenterServices> {
  const stops: Array<() => Promise<void> | void> = [];
  // Best-effort: a service that fails to stop does not keep the ones started before it running.
  const stop = (): Promise<void> => runAll(stops.splice(0).reverse());
  try {
    // Pages follow one aggregated event per second instead of every machine's load (the orchestrator still reads those).
    const machineSummary = new MachineSummaryPublisher(session, orchestrator.workers, { topic: orchestrator.uris.machinesSummaryTopic });
    await machineSummary.start();
    stops.push(() => machineSummary.stop());
    if (options.stateDir !== undefined) {
      const runs = new RunsService(new RunStore(options.stateDir), session, makeWampError, options.log);
      await runs.start(orchestrator);
      stops.push(() => runs.stop());
    }
    if (options.bestKnown) {
      const bestKnown = new BestKnownService(options.bestKnown, session, makeWampError, orchestrator.uris);
      await bestKnown.start();
      stops.push(() => bestKnown.stop());
    }
    const credit = new CreditService(session, makeWampError, orchestrator.workers.ids, (workerId) => machineSummary.machine(workerId));
    await credit.start(orchestrator);
    stops.push(() => credit.stop());
  } catch (error) {
    await stop().catch((cleanup: unknown) =>
      options.log(`stopping services after a failed start: ${cleanup instanceof Error ? cleanup.message : String(cleanup)}`),
    );
    throw error;
  }
  return { stop };
}
