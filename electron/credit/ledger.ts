/**
 * Donor credit: per machine (the worker id its router session holds, see worker-ids.ts), CPU-seconds given, slices done and improvements found (slices
 * whose tour became the run's best), over the whole session and per run; and the display names donors
 * chose, unique in the room. Ranked by CPU-seconds, then slices, then improvements.
 */
import { MAX_BOARD_ROWS, type CreditBoard, type CreditRow, type MachineRow, type MyCredit } from '../../shared/protocol/wire.ts';
import type { SliceDone } from '../orchestrator/run.ts';
import { nameKey } from './display-name.ts';

/** Runs whose per-run credit is kept (the newest ones). */
const RUNS_KEPT = 32;

interface Tally {
  cpuMs: number;
  slices: number;
  improvements: number;
}

interface Machine {
  workerId: string;
  host: string;
  kind: MachineRow['kind'];
  name?: string;
  total: Tally;
  runs: Map<string, Tally>;
}

/** A slice to credit: the orchestrator's SliceDone with its callee's session resolved to a ledger line. */
export type CreditedSlice = Omit<SliceDone, 'session'> & { workerId: string };

export class NameTakenError extends Error {}

export class CreditLedger {
  private readonly machines = new Map<string, Machine>();
  private readonly runOrder: string[] = [];
  /** nameKey -> worker id holding it. */
  private readonly names = new Map<string, string>();

  /** Where a machine runs and what it is, from its load (it may have reported before its first slice). */
  describe(row: Pick<MachineRow, 'workerId' | 'host' | 'kind'>): void {
    const machine = this.machine(row.workerId);
    machine.host = row.host;
    machine.kind = row.kind;
  }

  record(slice: CreditedSlice): void {
    const machine = this.machine(slice.workerId);
    if (!this.runOrder.includes(slice.runId)) {
      this.runOrder.push(slice.runId);
      while (this.runOrder.length > RUNS_KEPT) {
        const old = this.runOrder.shift()!;
        for (const each of this.machines.values()) each.runs.delete(old);
      }
    }
    let run = machine.runs.get(slice.runId);
    if (!run) machine.runs.set(slice.runId, (run = { cpuMs: 0, slices: 0, improvements: 0 }));
    for (const tally of [machine.total, run]) {
      tally.cpuMs += slice.cpuMs;
      tally.slices++;
      if (slice.improved) tally.improvements++;
    }
  }

  /** Gives the machine `name` (already cleaned); throws NameTakenError when another machine has it. */
  setName(workerId: string, name: string): void {
    const key = nameKey(name);
    const holder = this.names.get(key);
    if (holder !== undefined && holder !== workerId) throw new NameTakenError(`the name ${JSON.stringify(name)} is taken in this room`);
    const machine = this.machine(workerId);
    if (machine.name !== undefined) this.names.delete(nameKey(machine.name));
    machine.name = name;
    this.names.set(key, workerId);
  }

  board(runId?: string): CreditBoard {
    const ranked = this.ranked(runId);
    const board: CreditBoard = { rows: ranked.slice(0, MAX_BOARD_ROWS), omitted: Math.max(0, ranked.length - MAX_BOARD_ROWS) };
    if (runId !== undefined) board.runId = runId;
    return board;
  }

  mine(workerId: string): MyCredit {
    const ranked = this.ranked();
    const index = ranked.findIndex((row) => row.workerId === workerId);
    return { row: index < 0 ? null : ranked[index], rank: index < 0 ? null : index + 1, of: ranked.length };
  }

  private ranked(runId?: string): CreditRow[] {
    const rows: CreditRow[] = [];
    for (const machine of this.machines.values()) {
      const tally = runId === undefined ? machine.total : machine.runs.get(runId);
      if (!tally || tally.slices === 0) continue;
      const row: CreditRow = {
        workerId: machine.workerId,
        host: machine.host,
        kind: machine.kind,
        cpuSeconds: Math.round(tally.cpuMs) / 1000,
        slices: tally.slices,
        improvements: tally.improvements,
      };
      if (machine.name !== undefined) row.name = machine.name;
      rows.push(row);
    }
    return rows.sort((a, b) => b.cpuSeconds - a.cpuSeconds || b.slices - a.slices || b.improvements - a.improvements || (a.workerId < b.workerId ? -1 : 1));
  }

  private machine(workerId: string): Machine {
    let machine = this.machines.get(workerId);
    if (!machine) {
      machine = {
        workerId,
        host: '?',
        kind: workerId.startsWith('browser-') ? 'browser' : 'node',
        total: { cpuMs: 0, slices: 0, improvements: 0 },
        runs: new Map(),
      };
      this.machines.set(workerId, machine);
    }
    return machine;
  }
}
