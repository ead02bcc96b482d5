/**
 * Which router session holds which worker id. A worker id is a machine's own claim (its load events,
 * its slice results), so it decides nothing by itself: the first session that claims a free id holds
 * it until that session leaves, a session holds one id for its whole life, and an id reserved for
 * sessions that hold none can never be claimed. The Machines table and the credit ledger both go by
 * this one binding, so no session speaks for, or takes credit as, another. Its one owner is the
 * orchestrator's WorkerRegistry (workers.ts): it claims on loads and releases when a session leaves;
 * others read it (ReadonlyWorkerIds), and donor credit claims on a donor's own call.
 */

/** The ledger line of a session that holds no worker id: named after its router session, which no one can forge. */
export function sessionWorkerId(session: number): string {
  return `session-${session}`;
}

const RESERVED = /^session-\d+$/;
/** The longest worker id a load may claim. */
export const MAX_WORKER_ID = 128;

/** Whether `value` is a worker id a load may claim (1 to MAX_WORKER_ID characters). */
export function isWorkerId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_WORKER_ID;
}

/** Whether a machine may name itself `value` (`kiln worker --id`): a worker id not reserved for sessions. */
export function isClaimableWorkerId(value: string): boolean {
  return isWorkerId(value) && !RESERVED.test(value);
}

/** The binding as its readers see it. */
export type ReadonlyWorkerIds = Pick<WorkerIds, 'workerIdOf' | 'holderOf'>;

export class WorkerIds {
  private readonly bySession = new Map<number, string>();
  private readonly byWorkerId = new Map<string, number>();

  /** Binds `workerId` to `session` when both are free; whether `session` holds `workerId` now. */
  claim(session: number, workerId: string): boolean {
    const held = this.bySession.get(session);
    if (held !== undefined) return held === workerId;
    if (RESERVED.test(workerId) || this.byWorkerId.has(workerId)) return false;
    this.bySession.set(session, workerId);
    this.byWorkerId.set(workerId, session);
    return true;
  }

  workerIdOf(session: number): string | undefined {
    return this.bySession.get(session);
  }

  holderOf(workerId: string): number | undefined {
    return this.byWorkerId.get(workerId);
  }

  /** The session left: its worker id is free again (the same machine reconnecting takes it back). */
  release(session: number): void {
    const workerId = this.bySession.get(session);
    if (workerId === undefined) return;
    this.bySession.delete(session);
    this.byWorkerId.delete(workerId);
  }
}
