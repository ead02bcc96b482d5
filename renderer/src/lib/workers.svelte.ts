import type { WorkerGone, WorkerLoad } from '../../../shared/protocol.ts';
import { isRecord } from '../../../shared/protocol.ts';
import { SERIES_COLOURS } from './palette.ts';

/** Workers publish kiln.worker.load every second; 3.5 s of silence means one is gone (crashed or cut off). */
export const WORKER_SILENCE_MS = 3500;
/** How much load history the charts keep per worker. */
const HISTORY_MS = 120_000;

export interface LoadSample {
  /** Seconds since the page started. */
  t: number;
  movesPerSecond: number;
  cpuPercent: number;
  inFlight: number;
}

export interface WorkerEntry {
  load: WorkerLoad;
  lastSeen: number;
  /** Index of its colour in the charts' series palette, fixed for the worker's lifetime. */
  colour: number;
  /** Appended to in place; charts read it on each `workers.version` change. */
  history: LoadSample[];
}

const pageStart = performance.now();

function isWorkerLoad(value: unknown): value is WorkerLoad {
  return (
    isRecord(value) &&
    typeof value.workerId === 'string' &&
    typeof value.host === 'string' &&
    typeof value.cores === 'number' &&
    typeof value.concurrency === 'number' &&
    typeof value.inFlight === 'number' &&
    typeof value.cpuPercent === 'number' &&
    typeof value.movesPerSecond === 'number'
  );
}

/** The joined compute workers, from kiln.worker.load and kiln.worker.gone. */
class Workers {
  /** Sorted by host, then id; replaced (not mutated) on every change so the list re-renders. */
  list = $state.raw<WorkerEntry[]>([]);
  /** Bumped whenever any history grows, so charts know to pull new samples. */
  version = $state(0);
  #byId = new Map<string, WorkerEntry>();
  #nextColour = 0;

  onLoad(payload: unknown): void {
    if (!isWorkerLoad(payload)) return;
    const now = performance.now();
    let entry = this.#byId.get(payload.workerId);
    if (!entry) {
      entry = { load: payload, lastSeen: now, colour: this.#nextColour++ % SERIES_COLOURS, history: [] };
      this.#byId.set(payload.workerId, entry);
    }
    entry.load = payload;
    entry.lastSeen = now;
    const t = (now - pageStart) / 1000;
    entry.history.push({ t, movesPerSecond: payload.movesPerSecond, cpuPercent: payload.cpuPercent, inFlight: payload.inFlight });
    while (entry.history.length > 0 && entry.history[0].t < t - HISTORY_MS / 1000) entry.history.shift();
    this.#publish();
  }

  onGone(payload: unknown): void {
    const id = isRecord(payload) ? (payload as Partial<WorkerGone>).workerId : undefined;
    if (typeof id === 'string' && this.#byId.delete(id)) this.#publish();
  }

  /** Drops workers silent for longer than WORKER_SILENCE_MS; called on a timer. */
  expire(now = performance.now()): void {
    let changed = false;
    for (const [id, entry] of this.#byId) {
      if (now - entry.lastSeen > WORKER_SILENCE_MS) {
        this.#byId.delete(id);
        changed = true;
      }
    }
    if (changed) this.#publish();
  }

  /** The router went away: nothing we knew about workers is current any more. */
  clear(): void {
    this.#byId.clear();
    this.#publish();
  }

  #publish(): void {
    this.list = [...this.#byId.values()].sort(
      (a, b) => a.load.host.localeCompare(b.load.host) || a.load.workerId.localeCompare(b.load.workerId),
    );
    this.version++;
  }
}

export const workers = new Workers();
