import type { ProblemData } from '../../../shared/tsp/types.ts';
import { MAX_CITIES } from '../../../shared/protocol/validate.ts';
import { isBestKnownLength } from '../../../shared/protocol/wire.ts';
import { createInstance, tourLength } from '../../../shared/tsp/instance.ts';
import { knownOptimum } from '../../../shared/tsp/known-optima.ts';
import { parseProblemFile, problemHash } from '../../../shared/tsp/problem.ts';
import { parseTour } from '../../../shared/tsp/tour.ts';
import { randomProblem } from './randomProblem.ts';
import { cleanErrorText, looksBinary } from '../../../shared/tsp/text-check.ts';

/** What a run's gap is measured against: a proven optimum, or a length the user knows can be reached. */
export type ReferenceKind = 'optimum' | 'best known';

/** Where earlier versions kept best known lengths, in each browser: moved to the control center once, then removed. */
const LEGACY_BEST_KNOWN_KEY = (hash: string) => `kiln.bestKnown.${hash}`;

/** The hash the first read asks for when no set is open: no set has it, so the answer is null wherever lengths are kept. */
const NO_SET_HASH = '0'.repeat(16);

/** The control center's best known lengths by content hash (kiln.problem.bestKnown / setBestKnown). */
export interface BestKnownLengths {
  get(hash: string): Promise<number | null>;
  set(hash: string, length: number | null): Promise<number | null>;
}

/**
 * The problem this window works on, and a tour opened from a file for it (shown when no run draws one).
 * Its reference length (`data.optimum`), when there is one, gives runs their gap: a TSPLIB instance's
 * proven optimum (known-optima.ts), the length of an optimal tour opened for it (`.opt.tour`), or a
 * "best known" length the user types for any city set, kept by the control center with the set (by
 * content hash, in its state directory), so every window, browser and restart sees it, and travelling
 * with each run started on it.
 */
class LoadedProblem {
  data = $state.raw<ProblemData | null>(null);
  /** Content hash of `data` (names the set across runs and windows). */
  hash = $state<string | null>(null);
  /** Where it came from: a file name, "random", or "run" (the problem of a run this window follows). */
  source = $state('');
  fileTour = $state.raw<Int32Array | null>(null);
  referenceKind = $state<ReferenceKind | null>(null);
  /** Why the best known length could not be read or kept. */
  bestKnownError = $state<string | null>(null);
  #bestKnown: BestKnownLengths | null = null;
  /** The store the session last offered (its first read may still be out). */
  #offered: BestKnownLengths | null = null;
  /** A length typed while there was no store yet: kept once the store comes, rather than overwritten by its first read. */
  #typedBeforeStore: { hash: string; length: number | null } | null = null;
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

  /**
   * The control center's store, once the session is open (null while disconnected). Its first read, of
   * the open set's length (or of no set's), also asks whether the control center keeps lengths at all:
   * where it keeps none (no state directory) that read rejects, and the store is not used.
   */
  async useBestKnownLengths(lengths: BestKnownLengths | null): Promise<void> {
    this.#offered = lengths;
    this.#bestKnown = null;
    if (!lengths) return;
    const hash = this.hash !== null && !this.#hasOptimum() ? this.hash : null;
    const length = await lengths.get(hash ?? NO_SET_HASH);
    // Disconnected, or connected again, while the control center answered: that session's store is not ours.
    if (this.#offered !== lengths) return;
    this.#bestKnown = lengths;
    const typed = this.#typedBeforeStore;
    this.#typedBeforeStore = null;
    if (typed && typed.hash === this.hash) return this.setBestKnown(typed.length);
    // The set may have changed meanwhile: then its own length is read.
    await this.#loadBestKnown(hash !== null && this.hash === hash ? length : undefined);
  }

  /** Sets (or, with null, forgets) the best known length for this city set, here at once and kept by the control center. */
  async setBestKnown(length: number | null): Promise<void> {
    const hash = this.hash;
    if (!this.data || !hash) return;
    if (length !== null && !isBestKnownLength(length)) return;
    this.#applyBestKnown(length);
    const lengths = this.#bestKnown;
    if (!lengths) {
      this.#typedBeforeStore = { hash, length };
      this.bestKnownError = 'not connected to Kiln: the length applies to this window only';
      return;
    }
    try {
      const kept = await lengths.set(hash, length);
      if (this.hash === hash) {
        this.#applyBestKnown(kept);
        this.bestKnownError = null;
      }
    } catch (error) {
      if (this.hash === hash) this.bestKnownError = `could not keep it: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /** kiln.problem.bestKnownChanged: another window set or forgot the length of the set open here. */
  onBestKnownChanged(payload: unknown): void {
    if (typeof payload !== 'object' || payload === null) return;
    const { hash, length } = payload as { hash?: unknown; length?: unknown };
    if (hash !== this.hash || !(length === null || isBestKnownLength(length))) return;
    // Forgetting it elsewhere leaves an optimum proven here (an .opt.tour opened in this window) in place.
    if (this.referenceKind !== 'optimum' || length !== null) this.#applyBestKnown(length);
  }

  /**
   * The kept length of the open set, unless it has a proven optimum; a length only this browser had is
   * moved to the control center. `read`: the control center's answer for this set, when already asked.
   */
  async #loadBestKnown(read?: number | null): Promise<void> {
    const hash = this.hash;
    const lengths = this.#bestKnown;
    if (!hash || !lengths || this.#hasOptimum()) return;
    try {
      let length = read !== undefined ? read : await lengths.get(hash);
      const legacy = storedLegacyBestKnown(hash);
      if (length === null && legacy !== undefined) length = await lengths.set(hash, legacy);
      if (legacy !== undefined) forgetLegacyBestKnown(hash);
      // The set may have changed, or an optimum been opened for it, while the control center answered.
      if (this.hash === hash && !this.#hasOptimum()) this.#applyBestKnown(length);
      this.bestKnownError = null;
    } catch (error) {
      if (this.hash === hash) this.bestKnownError = `could not read the best known length: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  #hasOptimum(): boolean {
    return this.referenceKind === 'optimum';
  }

  #applyBestKnown(length: number | null): void {
    const data = this.data;
    if (!data) return;
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
    this.data = proven === undefined ? data : { ...data, optimum: proven };
    this.referenceKind = proven !== undefined ? 'optimum' : null;
    this.hash = hash;
    this.source = source;
    this.fileTour = null;
    this.bestKnownError = null;
    void this.#loadBestKnown();
  }

  #clear(): void {
    this.bestKnownError = null;
    this.data = null;
    this.hash = null;
    this.source = '';
    this.fileTour = null;
    this.referenceKind = null;
  }
}

function storedLegacyBestKnown(hash: string): number | undefined {
  try {
    const value = Number(localStorage.getItem(LEGACY_BEST_KNOWN_KEY(hash)));
    return isBestKnownLength(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function forgetLegacyBestKnown(hash: string): void {
  try {
    localStorage.removeItem(LEGACY_BEST_KNOWN_KEY(hash));
  } catch {
    // Storage off: nothing was kept there either.
  }
}

export const problem = new LoadedProblem();
