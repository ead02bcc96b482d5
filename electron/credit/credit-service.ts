/**
 * Donor credit as WAMP procedures on the orchestrator's controller session: the leaderboard
 * (kiln.credit.board, also published once a second while it changes), and for donors their own credit
 * (kiln.credit.mine) and display name (kiln.credit.setName).
 *
 * Identity is the router's session id, which no peer can forge: a slice is credited to the session of
 * the callee that answered it (the orchestrator called that session's own kiln.anneal.<session id>),
 * under the worker id that session holds (worker-ids.ts, the binding the Machines table uses), or a
 * line of its own when it holds none; the worker id written in a result counts for nothing. Donor
 * calls must disclose the caller, and may only read or name the worker id their session holds.
 */
import { Errors, ProtocolError, centerUris, type CenterUris } from '../../shared/protocol/uris.ts';
import { parseRunId } from '../../shared/protocol/validate.ts';
import type { MachineRow, MyCredit } from '../../shared/protocol/wire.ts';
import type { ErrorFactory, InvocationDetails, WampRegistration, WampSession } from '../../shared/wamp.ts';
import type { Orchestrator } from '../orchestrator/orchestrator.ts';
import { MAX_WORKER_ID, isWorkerId, sessionWorkerId, type WorkerIds } from '../machines/worker-ids.ts';
import { registerEndpoints, type KwargsEndpoint } from '../wamp/endpoints.ts';
import { cleanDisplayName } from './display-name.ts';
import { CreditLedger, NameTakenError } from './ledger.ts';

export class CreditService {
  readonly ledger = new CreditLedger();
  private readonly registrations: WampRegistration[] = [];
  private stopListening: (() => void) | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private dirty = false;
  /** The orchestrator's control center's names (kiln.credit.* on Kiln's own router). */
  private uris: CenterUris = centerUris();

  constructor(
    private readonly session: WampSession,
    private readonly makeError: ErrorFactory,
    /** Which session holds which worker id (the orchestrator's WorkerRegistry.ids, released when a session leaves). */
    private readonly workerIds: WorkerIds,
    /** Where a worker runs (from its load), for the board's host and kind columns. */
    private readonly machineOf: (workerId: string) => MachineRow | undefined,
  ) {}

  async start(orchestrator: Orchestrator): Promise<void> {
    const uris = (this.uris = orchestrator.uris);
    this.stopListening = orchestrator.onSliceDone(({ session, ...slice }) => {
      const workerId = this.workerIds.workerIdOf(session) ?? sessionWorkerId(session);
      const machine = this.machineOf(workerId);
      if (machine) this.ledger.describe(machine);
      this.ledger.record({ ...slice, workerId });
      this.dirty = true;
    });
    const endpoints: Array<[string, KwargsEndpoint]> = [
      [uris.creditBoard, (kwargs) => this.ledger.board(kwargs.runId === undefined ? undefined : parseRunId(kwargs.runId))],
      [uris.creditMine, (kwargs, details) => this.mine(this.hold(kwargs, details))],
      [
        uris.creditSetName,
        (kwargs, details) => {
          const workerId = this.hold(kwargs, details);
          const cleaned = cleanDisplayName(kwargs.name);
          if ('error' in cleaned) throw new ProtocolError(Errors.invalidArgument, cleaned.error);
          try {
            this.ledger.setName(workerId, cleaned.name);
          } catch (error) {
            if (error instanceof NameTakenError) throw new ProtocolError(Errors.nameTaken, error.message);
            throw error;
          }
          this.dirty = true;
          return this.mine(workerId);
        },
      ],
    ];
    this.registrations.push(...(await registerEndpoints(this.session, this.makeError, endpoints)));
    this.timer = setInterval(() => this.publish(), 1000);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    this.stopListening?.();
    if (this.timer) clearInterval(this.timer);
    if (!this.session.isOpen) return;
    await Promise.all(this.registrations.map((r) => this.session.unregister(r).catch(() => undefined)));
  }

  private mine(workerId: string): MyCredit {
    return this.ledger.mine(workerId);
  }

  /** The worker id a donor call is about, held by its (disclosed) caller (claimed now if free), or an error. */
  private hold(kwargs: Record<string, unknown>, details: InvocationDetails): string {
    const { workerId } = kwargs;
    // The same bound as a load's claim (worker-ids.ts): an id a worker can hold is one it can read credit for.
    if (!isWorkerId(workerId)) throw new ProtocolError(Errors.invalidArgument, `workerId: expected a worker id of 1 to ${MAX_WORKER_ID} characters`);
    const caller = details.caller;
    if (typeof caller !== 'number') throw new ProtocolError(Errors.notYours, 'call with disclose_me: the router must say which session is asking');
    if (!this.workerIds.claim(caller, workerId)) {
      const held = this.workerIds.workerIdOf(caller);
      throw new ProtocolError(
        Errors.notYours,
        held === undefined ? `worker ${workerId} belongs to another session` : `this session is worker ${held}, not ${workerId}`,
      );
    }
    return workerId;
  }

  private publish(): void {
    if (!this.dirty || !this.session.isOpen) return;
    this.dirty = false;
    this.session.publish(this.uris.creditBoardTopic, [this.ledger.board()]);
  }
}
