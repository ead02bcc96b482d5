/**
 * Donor credit as WAMP procedures on the orchestrator's controller session: the leaderboard
 * (kiln.credit.board, also published once a second while it changes), and for donors their own credit
 * (kiln.credit.mine) and display name (kiln.credit.setName). Donor calls must disclose the caller: the
 * router's session id, which no caller can forge, decides who holds a worker id. The first session to
 * ask about a worker id holds it until that session leaves; only the holder may name it.
 */
import { Errors, Procedures, ProtocolError, Topics } from '../../shared/protocol/uris.ts';
import type { MachineRow, MyCredit } from '../../shared/protocol/wire.ts';
import { isRecord } from '../../shared/protocol/validate.ts';
import type { ErrorFactory, InvocationDetails, WampRegistration, WampSession } from '../../shared/wamp.ts';
import type { Orchestrator } from '../orchestrator/orchestrator.ts';
import { cleanDisplayName } from './display-name.ts';
import { CreditLedger, NameTakenError } from './ledger.ts';

const MAX_WORKER_ID = 100;

export class CreditService {
  readonly ledger = new CreditLedger();
  /** worker id -> the router session id holding it. */
  private readonly holders = new Map<string, number>();
  private readonly registrations: WampRegistration[] = [];
  private stopListening: (() => void) | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private dirty = false;

  constructor(
    private readonly session: WampSession,
    private readonly makeError: ErrorFactory,
    /** Where a worker runs (from its load), for the board's host and kind columns. */
    private readonly machineOf: (workerId: string) => MachineRow | undefined,
  ) {}

  async start(orchestrator: Orchestrator): Promise<void> {
    this.stopListening = orchestrator.onSliceDone((slice) => {
      const machine = this.machineOf(slice.workerId);
      if (machine) this.ledger.describe(machine);
      this.ledger.record(slice);
      this.dirty = true;
    });
    // A worker id is free again once the session holding it has left (a donor's page reconnecting).
    await this.session.subscribe('wamp.session.on_leave', (args) => {
      const left = args?.[0];
      for (const [workerId, sessionId] of this.holders) if (sessionId === left) this.holders.delete(workerId);
    });
    const endpoints: Array<[string, (kwargs: Record<string, unknown>, details: InvocationDetails) => unknown]> = [
      [Procedures.creditBoard, (kwargs) => this.ledger.board(typeof kwargs.runId === 'string' ? kwargs.runId : undefined)],
      [Procedures.creditMine, (kwargs, details) => this.mine(this.hold(kwargs, details))],
      [
        Procedures.creditSetName,
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
    for (const [procedure, endpoint] of endpoints) {
      this.registrations.push(
        await this.session.register(procedure, async (_args, kwargs, details) => {
          try {
            return endpoint(isRecord(kwargs) ? kwargs : {}, details ?? {});
          } catch (error) {
            if (error instanceof ProtocolError) throw this.makeError(error.uri, error.message);
            throw this.makeError('kiln.error.internal', error instanceof Error ? error.message : String(error));
          }
        }),
      );
    }
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

  /** The worker id a donor call is about, held by its (disclosed) caller, or an error. */
  private hold(kwargs: Record<string, unknown>, details: InvocationDetails): string {
    const { workerId } = kwargs;
    if (typeof workerId !== 'string' || workerId.length === 0 || workerId.length > MAX_WORKER_ID)
      throw new ProtocolError(Errors.invalidArgument, 'workerId: expected a worker id');
    const caller = details.caller;
    if (typeof caller !== 'number') throw new ProtocolError(Errors.notYours, 'call with disclose_me: the router must say which session is asking');
    const holder = this.holders.get(workerId);
    if (holder === undefined) this.holders.set(workerId, caller);
    else if (holder !== caller) throw new ProtocolError(Errors.notYours, `worker ${workerId} belongs to another session`);
    return workerId;
  }

  private publish(): void {
    if (!this.dirty || !this.session.isOpen) return;
    this.dirty = false;
    this.session.publish(Topics.creditBoard, [this.ledger.board()]);
  }
}
