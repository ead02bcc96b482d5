/**
 * The run history as WAMP procedures (kiln.runs.*), on the orchestrator's controller session: records
 * every run that ends (record.ts, run-store.ts) and tells pages with kiln.runs.changed. Reading is open
 * to viewers (roles.ts); deleting and the cap are for controllers.
 */
import { Errors, ProtocolError, centerUris, type CenterUris } from '../../shared/protocol/uris.ts';
import { parseRunId } from '../../shared/protocol/validate.ts';
import type { RunRecord, RunSummary, RunsSettings } from '../../shared/protocol/wire.ts';
import type { ErrorFactory, WampRegistration, WampSession } from '../../shared/wamp.ts';
import type { Orchestrator } from '../orchestrator/orchestrator.ts';
import { registerEndpoints, type KwargsEndpoint } from '../wamp/endpoints.ts';
import { recordOf } from './record.ts';
import type { RunStore } from './run-store.ts';

export class RunsService {
  private readonly registrations: WampRegistration[] = [];
  private stopRecording: (() => void) | null = null;
  /** The orchestrator's control center's names (kiln.runs.* on Kiln's own router). */
  private uris: CenterUris = centerUris();

  constructor(
    readonly store: RunStore,
    private readonly session: WampSession,
    private readonly makeError: ErrorFactory,
    private readonly log: (message: string) => void = () => {},
  ) {}

  async start(orchestrator: Orchestrator): Promise<void> {
    const uris = (this.uris = orchestrator.uris);
    this.stopRecording = orchestrator.onRunEnded((run, result) => {
      try {
        const removed = this.store.save(recordOf(run, result, Date.now()));
        this.changed([result.runId, ...removed]);
      } catch (error) {
        // A full disk must not end the control center; the run's result was delivered anyway.
        this.log(`could not record run ${result.runId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    const endpoints: Array<[string, KwargsEndpoint]> = [
      [uris.runsList, (): RunSummary[] => this.store.list()],
      [
        uris.runsGet,
        (kwargs): RunRecord => {
          const record = this.store.get(parseRunId(kwargs.runId));
          if (!record) throw new ProtocolError(Errors.noSuchRecord, `no past run ${JSON.stringify(kwargs.runId)}`);
          return record;
        },
      ],
      [
        uris.runsDelete,
        (kwargs) => {
          const runId = parseRunId(kwargs.runId);
          if (!this.store.remove(runId)) throw new ProtocolError(Errors.noSuchRecord, `no past run ${JSON.stringify(runId)}`);
          this.changed([runId]);
          return { deleted: runId };
        },
      ],
      [
        uris.runsSettings,
        (kwargs): RunsSettings => {
          if (kwargs.maxRuns !== undefined) {
            if (typeof kwargs.maxRuns !== 'number') throw new ProtocolError(Errors.invalidArgument, 'maxRuns: expected a number');
            try {
              this.changed(this.store.setMaxRuns(kwargs.maxRuns));
            } catch (error) {
              throw new ProtocolError(Errors.invalidArgument, error instanceof Error ? error.message : String(error));
            }
          }
          return this.store.settings();
        },
      ],
    ];
    this.registrations.push(...(await registerEndpoints(this.session, this.makeError, endpoints)));
  }

  async stop(): Promise<void> {
    this.stopRecording?.();
    if (this.session.isOpen) await Promise.all(this.registrations.map((r) => this.session.unregister(r).catch(() => undefined)));
  }

  private changed(runIds: string[]): void {
    if (runIds.length > 0 && this.session.isOpen) this.session.publish(this.uris.runsChangedTopic, [{ runIds }]);
  }
}
