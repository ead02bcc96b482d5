/**
 * The run history on disk: `<state dir>/runs/`, one run per `<runId>.json` (what the list shows, plus
 * its convergence samples) and `<runId>.tour` (its best tour, raw little-endian Int32), and each city
 * set once, by content hash, in `problems/<hash>.msgpack`. Every file is replaced atomically
 * (atomic-file.ts); the .json is written last, so a run is listed only once all of it is on disk.
 * `settings.json` holds the cap; the oldest runs beyond it (and problems no run needs) are deleted.
 * The folders are made by the first write, never by reading: `kiln runs list` on a machine that kept
 * nothing yet leaves no trace.
 *
 * Plain files rather than an embedded database: no native module to rebuild for each Electron and
 * Node ABI, files a user can read, copy or delete, and a write per run (not per event), which at
 * ~1-5 ms (fsync included, docs/benchmarks.md) is far from any bottleneck.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pack, unpack } from 'msgpackr';
import { MAX_RUNS_KEPT, type ProblemWire, type RunRecord, type RunSummary, type RunsSettings } from '../../shared/protocol/wire.ts';
import { isRecord } from '../../shared/protocol/validate.ts';
import { syncDirectory, writeFileAtomic } from './atomic-file.ts';

const DEFAULT_MAX_RUNS = 200;
/** Run ids become file names: the orchestrator's are lower-case letters and digits. */
const RUN_ID = /^[a-z0-9]{1,40}$/;
export const PROBLEM_HASH = /^[0-9a-f]{8,64}$/;

function isRunId(value: unknown): value is string {
  return typeof value === 'string' && RUN_ID.test(value);
}

export class RunStore {
  private readonly runsDir: string;
  private readonly problemsDir: string;

  constructor(readonly stateDir: string) {
    this.runsDir = join(stateDir, 'runs');
    this.problemsDir = join(this.runsDir, 'problems');
  }

  /** Every kept run, newest first. Unreadable files (a foreign or damaged file) are skipped. */
  list(): RunSummary[] {
    const runs: RunSummary[] = [];
    for (const name of namesIn(this.runsDir)) {
      const runId = name.endsWith('.json') ? name.slice(0, -5) : '';
      if (!isRunId(runId)) continue;
      const summary = this.readSummary(runId);
      if (summary) runs.push(summary);
    }
    return runs.sort((a, b) => b.startedAt - a.startedAt || (a.runId < b.runId ? 1 : -1));
  }

  /** One run in full, or null when there is no such run (or its files are damaged). */
  get(runId: string): RunRecord | null {
    if (!isRunId(runId)) return null;
    const stored = this.readJson(runId);
    if (!stored) return null;
    try {
      const problem = unpack(readFileSync(join(this.problemsDir, `${stored.problemHash}.msgpack`))) as ProblemWire;
      const tourPath = join(this.runsDir, `${runId}.tour`);
      const tour = existsSync(tourPath) ? new Uint8Array(readFileSync(tourPath)) : null;
      return { ...stored, problem, tour };
    } catch {
      return null;
    }
  }

  /** Records an ended run, then applies the cap; answers the ids the cap removed. */
  save(record: RunRecord): string[] {
    if (!isRunId(record.runId)) throw new Error(`run id ${JSON.stringify(record.runId)} cannot name a file`);
    if (!PROBLEM_HASH.test(record.problemHash)) throw new Error('problem hash is not hex');
    this.makeFolders();
    const problemPath = join(this.problemsDir, `${record.problemHash}.msgpack`);
    if (!existsSync(problemPath)) writeFileAtomic(problemPath, pack(record.problem));
    if (record.tour) writeFileAtomic(join(this.runsDir, `${record.runId}.tour`), toBytes(record.tour));
    const { tour: _tour, problem: _problem, ...stored } = record;
    writeFileAtomic(join(this.runsDir, `${record.runId}.json`), JSON.stringify(stored));
    return this.applyCap();
  }

  /** Deletes a run; false when there was none. */
  remove(runId: string): boolean {
    if (!isRunId(runId) || !existsSync(join(this.runsDir, `${runId}.json`))) return false;
    // The .json first: once it is gone the run is not listed, whatever happens to the rest.
    rmSync(join(this.runsDir, `${runId}.json`), { force: true });
    rmSync(join(this.runsDir, `${runId}.tour`), { force: true });
    syncDirectory(this.runsDir);
    this.dropUnusedProblems();
    return true;
  }

  settings(): RunsSettings {
    try {
      const stored = JSON.parse(readFileSync(join(this.runsDir, 'settings.json'), 'utf8')) as unknown;
      if (isRecord(stored) && isMaxRuns(stored.maxRuns)) return { maxRuns: stored.maxRuns };
    } catch {
      // None yet (or damaged): the default.
    }
    return { maxRuns: DEFAULT_MAX_RUNS };
  }

  /** Sets the cap (deleting the oldest runs beyond it); answers the ids removed. */
  setMaxRuns(maxRuns: number): string[] {
    if (!isMaxRuns(maxRuns)) throw new RangeError(`maxRuns: expected an integer from 1 to ${MAX_RUNS_KEPT}`);
    this.makeFolders();
    writeFileAtomic(join(this.runsDir, 'settings.json'), JSON.stringify({ maxRuns }));
    return this.applyCap();
  }

  private makeFolders(): void {
    mkdirSync(this.problemsDir, { recursive: true, mode: 0o700 });
  }

  private applyCap(): string[] {
    const { maxRuns } = this.settings();
    const removed = this.list()
      .slice(maxRuns)
      .map((run) => run.runId)
      .filter((runId) => this.remove(runId));
    return removed;
  }

  private dropUnusedProblems(): void {
    const needed = new Set(this.list().map((run) => run.problemHash));
    for (const name of namesIn(this.problemsDir)) {
      const hash = name.replace(/\.msgpack$/, '');
      if (PROBLEM_HASH.test(hash) && !needed.has(hash)) rmSync(join(this.problemsDir, name), { force: true });
    }
  }

  private readJson(runId: string): Omit<RunRecord, 'tour' | 'problem'> | null {
    try {
      const value = JSON.parse(readFileSync(join(this.runsDir, `${runId}.json`), 'utf8')) as unknown;
      return isStoredRun(value, runId) ? value : null;
    } catch {
      return null;
    }
  }

  private readSummary(runId: string): RunSummary | null {
    const stored = this.readJson(runId);
    if (!stored) return null;
    const { convergence: _convergence, ...summary } = stored;
    return summary;
  }
}

/** The names in a folder; none when it does not exist (yet). */
function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

function isMaxRuns(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_RUNS_KEPT;
}

function isStoredRun(value: unknown, runId: string): value is Omit<RunRecord, 'tour' | 'problem'> {
  return (
    isRecord(value) &&
    value.runId === runId &&
    typeof value.problemHash === 'string' &&
    PROBLEM_HASH.test(value.problemHash) &&
    typeof value.problemName === 'string' &&
    typeof value.startedAt === 'number' &&
    Array.isArray(value.convergence) &&
    Array.isArray(value.machines)
  );
}

function toBytes(tour: Uint8Array | number[]): Uint8Array {
  return tour instanceof Uint8Array ? tour : new Uint8Array(Int32Array.from(tour).buffer);
}
