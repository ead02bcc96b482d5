import type { ProblemData } from '../../../shared/tsp/types.ts';
import { MAX_CITIES } from '../../../shared/protocol/validate.ts';
import { createInstance, tourLength } from '../../../shared/tsp/instance.ts';
import { knownOptimum } from '../../../shared/tsp/known-optima.ts';
import { parseProblemFile, problemHash } from '../../../shared/tsp/problem.ts';
import { parseTour } from '../../../shared/tsp/tour.ts';
import { randomProblem } from './randomProblem.ts';
import { cleanErrorText, looksBinary } from './text-check.ts';

/** What a run's gap is measured against: a proven optimum, or a length the user knows can be reached. */
export type ReferenceKind = 'optimum' | 'best known';

const BEST_KNOWN_KEY = (hash: string) => `kiln.bestKnown.${hash}`;

/**
 * The problem this window works on, and a tour opened from a file for it (shown when no run draws one).
 * Its reference length (`data.optimum`), when there is one, gives runs their gap: a TSPLIB instance's
 * proven optimum (known-optima.ts), the length of an optimal tour opened for it (`.opt.tour`), or a
 * "best known" length the user types for any city set, remembered for that content (by hash) in this
 * browser and travelling with each run started on it.
 */
class LoadedProblem {
  data = $state.raw<ProblemData | null>(null);
  /** Content hash of `data` (names the set across runs and windows). */
  hash = $state<string | null>(null);
  /** Where it came from: a file name, "random", or "run" (the problem of a run this window follows). */
  source = $state('');
  fileTour = $state.raw<Int32Array | null>(null);
  referenceKind = $state<ReferenceKind | null>(null);
  /** Why the last file could not be opened (file:line: reason). */
  error = $state<string | null>(null);
  busy = $state(false);

  async openFile(file: File): Promise<void> {
    if (/\.tour$/i.test(file.name)) return this.#openTour(file);
    this.busy = true;
    this.error = null;
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      if (looksBinary(bytes)) throw new Error(`${file.name}: not a text file (it holds binary data); open a TSPLIB .tsp or a CSV of coordinates`);
      const data = parseProblemFile(file.name, new TextDecoder().decode(bytes));
      if (data.n > MAX_CITIES) throw new Error(`${file.name}: ${data.n} cities; at most ${MAX_CITIES} can be solved`);
      this.#set(data, file.name);
    } catch (error) {
      // The previous set must not stay silently loaded, as if it were the one just opened: Start would solve it.
      const previous = this.data?.name;
      this.#clear();
      const reason = cleanErrorText(error instanceof Error ? error.message : String(error));
      this.error = previous ? `${reason} (${previous} was closed)` : reason;
    } finally {
      this.busy = false;
    }
  }

  random(count: number, seed: number): void {
    this.error = null;
    this.#set(randomProblem(count, seed), 'random');
  }

  /** The problem of a run this window follows but did not start (another window's, or one reopened). */
  adopt(data: ProblemData, source: string, tour: Int32Array | null = null): void {
    this.error = null;
    this.#set(data, source);
    this.fileTour = tour;
  }

  /** Sets (or, with null, forgets) the best known length for this city set; refused unless positive. */
  setBestKnown(length: number | null): void {
    const data = this.data;
    if (!data || !this.hash) return;
    if (length !== null && !(Number.isFinite(length) && length > 0)) return;
    try {
      if (length === null) localStorage.removeItem(BEST_KNOWN_KEY(this.hash));
      else localStorage.setItem(BEST_KNOWN_KEY(this.hash), String(length));
    } catch {
      // Storage off: it still applies to this window's runs.
    }
    const proven = knownOptimum(data);
    if (length === null) {
      const { optimum: _dropped, ...rest } = data;
      this.data = proven === undefined ? rest : { ...rest, optimum: proven };
      this.referenceKind = proven === undefined ? null : 'optimum';
    } else {
      this.data = { ...data, optimum: length };
      this.referenceKind = proven === length ? 'optimum' : 'best known';
    }
  }

  async #openTour(file: File): Promise<void> {
    this.error = null;
    if (!this.data) {
      this.error = `${file.name}: open the city set before its tour`;
      return;
    }
    try {
      const { tour } = parseTour(await file.text(), this.data.n, file.name);
      this.fileTour = tour;
      if (/\.opt\.tour$/i.test(file.name)) {
        this.data = { ...this.data, optimum: tourLength(createInstance(this.data), tour) };
        this.referenceKind = 'optimum';
      }
    } catch (error) {
      this.error = cleanErrorText(error instanceof Error ? error.message : String(error));
    }
  }

  #set(data: ProblemData, source: string): void {
    const hash = problemHash(data);
    const proven = data.optimum ?? knownOptimum(data);
    const remembered = proven === undefined ? storedBestKnown(hash) : undefined;
    const optimum = proven ?? remembered;
    this.data = optimum === undefined ? data : { ...data, optimum };
    this.referenceKind = proven !== undefined ? 'optimum' : remembered !== undefined ? 'best known' : null;
    this.hash = hash;
    this.source = source;
    this.fileTour = null;
  }

  #clear(): void {
    this.data = null;
    this.hash = null;
    this.source = '';
    this.fileTour = null;
    this.referenceKind = null;
  }
}

function storedBestKnown(hash: string): number | undefined {
  try {
    const value = Number(localStorage.getItem(BEST_KNOWN_KEY(hash)));
    return Number.isFinite(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

export const problem = new LoadedProblem();
