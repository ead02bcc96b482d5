import type { ProblemData } from '../../../shared/tsp/types.ts';
import { MAX_CITIES } from '../../../shared/protocol.ts';
import { createInstance, tourLength } from '../../../shared/tsp/instance.ts';
import { knownOptimum } from '../../../shared/tsp/known-optima.ts';
import { parseProblemFile } from '../../../shared/tsp/problem.ts';
import { parseTour } from '../../../shared/tsp/tour.ts';
import { randomProblem } from './randomProblem.ts';

/**
 * The problem this window works on, and a tour opened from a file for it (shown when no run draws one).
 * Its optimum, when known, gives runs their gap: a TSPLIB instance's proven optimum (known-optima.ts),
 * or the length of an optimal tour opened for it (TSPLIB's `.opt.tour` files).
 */
class LoadedProblem {
  data = $state.raw<ProblemData | null>(null);
  /** Where it came from: a file name or "random". */
  source = $state('');
  fileTour = $state.raw<Int32Array | null>(null);
  /** Why the last file could not be opened (file:line: reason). */
  error = $state<string | null>(null);
  busy = $state(false);

  async openFile(file: File): Promise<void> {
    if (/\.tour$/i.test(file.name)) return this.#openTour(file);
    this.busy = true;
    this.error = null;
    try {
      const data = parseProblemFile(file.name, await file.text());
      if (data.n > MAX_CITIES) throw new Error(`${file.name}: ${data.n} cities; at most ${MAX_CITIES} can be solved`);
      this.#set(data, file.name);
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.busy = false;
    }
  }

  random(count: number, seed: number): void {
    this.error = null;
    this.#set(randomProblem(count, seed), 'random');
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
      if (/\.opt\.tour$/i.test(file.name)) this.data = { ...this.data, optimum: tourLength(createInstance(this.data), tour) };
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  #set(data: ProblemData, source: string): void {
    const optimum = data.optimum ?? knownOptimum(data);
    this.data = optimum === undefined ? data : { ...data, optimum };
    this.source = source;
    this.fileTour = null;
  }
}

export const problem = new LoadedProblem();
