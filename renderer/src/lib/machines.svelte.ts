import type { LoadTotals, MachineRow, MachinesSummary } from '../../../shared/protocol/wire.ts';
import { isRecord } from '../../../shared/protocol/validate.ts';

/** How much load history the charts keep. */
const HISTORY_S = 120;
/** Machines drawn one by one in the load charts, beside the aggregate line: the busiest ones. */
const TOP_MACHINES = 5;

export type LoadMetric = 'movesPerSecond' | 'cpuPercent' | 'inFlight';

export interface LoadPoint {
  /** Seconds since the page started. */
  t: number;
  movesPerSecond: number;
  cpuPercent: number;
  inFlight: number;
}

const pageStart = performance.now();

function isSummary(value: unknown): value is MachinesSummary {
  return isRecord(value) && isRecord(value.totals) && Array.isArray(value.machines) && Array.isArray(value.hosts);
}

function pointOf(t: number, load: Pick<LoadTotals, 'movesPerSecond' | 'cpuPercent' | 'inFlight'>): LoadPoint {
  return { t, movesPerSecond: load.movesPerSecond, cpuPercent: load.cpuPercent, inFlight: load.inFlight };
}

/**
 * Every machine, from the control center's kiln.machines.summary (one event per second however many
 * machines there are). Each summary replaces the lists wholesale, so rows always show the latest load.
 */
class Machines {
  summary = $state.raw<MachinesSummary | null>(null);
  /** Bumped per summary; charts pull the new points then. */
  version = $state(0);
  /** All machines together, one point per summary (cpuPercent is their mean). */
  readonly totals: LoadPoint[] = [];
  /** The busiest machines' recent points, by worker id; only machines in the top TOP_MACHINES now. */
  readonly top = new Map<string, { row: MachineRow; points: LoadPoint[] }>();

  get list(): MachineRow[] {
    return this.summary?.machines ?? [];
  }

  onSummary(payload: unknown): void {
    if (!isSummary(payload)) return;
    const t = (performance.now() - pageStart) / 1000;
    this.totals.push(pointOf(t, payload.totals));
    trim(this.totals, t);
    const busiest = payload.machines.slice(0, TOP_MACHINES);
    const ids = new Set(busiest.map((row) => row.workerId));
    for (const id of this.top.keys()) if (!ids.has(id)) this.top.delete(id);
    for (const row of busiest) {
      const entry = this.top.get(row.workerId) ?? { row, points: [] };
      entry.row = row;
      entry.points.push(pointOf(t, row));
      trim(entry.points, t);
      this.top.set(row.workerId, entry);
    }
    this.summary = payload;
    this.version++;
  }

  /** The router went away: nothing we knew about machines is current any more. */
  clear(): void {
    this.summary = null;
    this.top.clear();
    this.version++;
  }
}

function trim(points: LoadPoint[], now: number): void {
  let drop = 0;
  while (drop < points.length && points[drop].t < now - HISTORY_S) drop++;
  if (drop > 0) points.splice(0, drop);
}

export const machines = new Machines();
