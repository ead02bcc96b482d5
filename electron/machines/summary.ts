/**
 * Aggregates the machines' latest kiln.worker.load events into one MachinesSummary: totals, one group
 * per host, and the machines busiest first. Pure, so the publisher stays a timer around it and the
 * aggregation is tested alone. Loads come from any invited browser: they are validated and clamped
 * here, so one donor's lie cannot break the summary (it can only misstate its own row).
 */
import { MAX_SUMMARY_HOSTS, MAX_SUMMARY_MACHINES, type HostGroup, type LoadTotals, type MachineRow, type MachinesSummary } from '../../shared/protocol/wire.ts';
import { isRecord } from '../../shared/protocol/validate.ts';
import { isWorkerId } from './worker-ids.ts';

const MAX_HOST = 64;
const MAX_CORES = 1024;

function bounded(value: unknown, max: number): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.min(value, max) : null;
}

/** A kiln.worker.load payload as a row, or null when it is not one (unknown fields are dropped). */
export function machineRowOf(value: unknown): MachineRow | null {
  if (!isRecord(value)) return null;
  const { workerId, host, kind } = value;
  if (!isWorkerId(workerId)) return null;
  if (typeof host !== 'string') return null;
  const cores = bounded(value.cores, MAX_CORES);
  const concurrency = bounded(value.concurrency, MAX_CORES);
  const inFlight = bounded(value.inFlight, MAX_CORES);
  const cpuPercent = bounded(value.cpuPercent, 100);
  const movesPerSecond = bounded(value.movesPerSecond, 1e12);
  const slicesDone = bounded(value.slicesDone ?? 0, Number.MAX_SAFE_INTEGER);
  if (cores === null || concurrency === null || inFlight === null || cpuPercent === null || movesPerSecond === null || slicesDone === null) return null;
  return {
    workerId,
    // Control characters would only garble the table; the name stays recognisable.
    host: host.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, MAX_HOST) || '?',
    kind: kind === 'browser' ? 'browser' : 'node',
    cores: Math.round(cores),
    concurrency: Math.round(concurrency),
    inFlight: Math.round(inFlight),
    cpuPercent,
    movesPerSecond: Math.round(movesPerSecond),
    slicesDone: Math.round(slicesDone),
  };
}

function emptyTotals(): LoadTotals {
  return { machines: 0, browsers: 0, cores: 0, concurrency: 0, inFlight: 0, cpuPercent: 0, movesPerSecond: 0 };
}

function add(totals: LoadTotals, row: MachineRow): void {
  totals.machines++;
  if (row.kind === 'browser') totals.browsers++;
  totals.cores += row.cores;
  totals.concurrency += row.concurrency;
  totals.inFlight += row.inFlight;
  // Summed here, divided by the count in finishMean.
  totals.cpuPercent += row.cpuPercent;
  totals.movesPerSecond += row.movesPerSecond;
}

function finishMean<T extends LoadTotals>(totals: T): T {
  totals.cpuPercent = totals.machines > 0 ? Math.round((totals.cpuPercent / totals.machines) * 10) / 10 : 0;
  return totals;
}

const busiestFirst =
  <T extends { movesPerSecond: number }>(key: (item: T) => string) =>
  (a: T, b: T) =>
    b.movesPerSecond - a.movesPerSecond || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

export function summarize(rows: Iterable<MachineRow>, at: number): MachinesSummary {
  const totals = emptyTotals();
  const hosts = new Map<string, HostGroup>();
  const machines: MachineRow[] = [];
  for (const row of rows) {
    add(totals, row);
    let group = hosts.get(row.host);
    if (!group) hosts.set(row.host, (group = { host: row.host, ...emptyTotals() }));
    add(group, row);
    machines.push(row);
  }
  machines.sort(busiestFirst<MachineRow>((row) => row.workerId));
  const groups = [...hosts.values()].map(finishMean).sort(busiestFirst<HostGroup>((group) => group.host));
  return {
    at,
    totals: finishMean(totals),
    hosts: groups.slice(0, MAX_SUMMARY_HOSTS),
    hostsOmitted: Math.max(0, groups.length - MAX_SUMMARY_HOSTS),
    machines: machines.slice(0, MAX_SUMMARY_MACHINES),
    machinesOmitted: Math.max(0, machines.length - MAX_SUMMARY_MACHINES),
  };
}
