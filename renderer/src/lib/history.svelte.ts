import type { RunRecord, RunSummary } from '../../../shared/protocol/wire.ts';
import { decodeInt32s } from '../../../shared/protocol/codecs.ts';
import { isRecord, problemFromWire } from '../../../shared/protocol/validate.ts';
import type { ProblemData } from '../../../shared/tsp/types.ts';

/** A past run reopened from the history: its city set, best tour and convergence. */
export interface PastRun {
  summary: RunSummary;
  problem: ProblemData;
  tour: Int32Array | null;
  /** [seconds since start, best length] */
  convergence: Array<{ x: number; y: number }>;
}

/** Runs whose convergence curves can be overlaid at once. */
const MAX_COMPARED = 2;

export function pastRunOf(record: RunRecord): PastRun {
  const { convergence, tour, problem, ...summary } = record;
  return {
    summary,
    problem: problemFromWire(problem),
    tour: tour ? decodeInt32s(tour, 'run tour') : null,
    convergence: convergence.map(([ms, length]) => ({ x: ms / 1000, y: length })),
  };
}

/** What a run is called in lists and legends: its city set and when it started. */
export function runLabel(summary: RunSummary): string {
  const start = new Date(summary.startedAt);
  return `${summary.problemName} · ${start.toLocaleDateString('en-CA')} ${start.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' })}`;
}

function isSummaryList(value: unknown): value is RunSummary[] {
  return Array.isArray(value) && value.every((run) => isRecord(run) && typeof run.runId === 'string' && typeof run.startedAt === 'number');
}

/** The run history (kiln.runs.*): the list, the run reopened on the map, and the runs overlaid in the chart. */
class History {
  list = $state.raw<RunSummary[]>([]);
  maxRuns = $state<number | null>(null);
  /** The past run shown on the map (its city set and best tour), if any. */
  opened = $state.raw<PastRun | null>(null);
  /** Past runs whose convergence the chart overlays. */
  compared = $state.raw<PastRun[]>([]);
  /** False when this connection may not read the history (or the control center keeps none). */
  available = $state(false);

  onList(payload: unknown): void {
    if (!isSummaryList(payload)) return;
    this.available = true;
    this.list = payload;
    // Forget what was deleted.
    const kept = new Set(payload.map((run) => run.runId));
    if (this.opened && !kept.has(this.opened.summary.runId)) this.opened = null;
    if (this.compared.some((run) => !kept.has(run.summary.runId))) this.compared = this.compared.filter((run) => kept.has(run.summary.runId));
  }

  isCompared(runId: string): boolean {
    return this.compared.some((run) => run.summary.runId === runId);
  }

  compare(run: PastRun): void {
    if (this.isCompared(run.summary.runId)) return;
    // The oldest choice makes way: two curves stay readable.
    this.compared = [...this.compared, run].slice(-MAX_COMPARED);
  }

  uncompare(runId: string): void {
    this.compared = this.compared.filter((run) => run.summary.runId !== runId);
  }

  clear(): void {
    this.available = false;
    this.list = [];
  }
}

export const history = new History();
