/**
 * Runs annealing slices inside one compute thread (a Node worker thread or a browser Web Worker).
 * Keeps the prepared problems (instance + neighbour lists) of the last few runs, so a problem is
 * prepared once per thread, not once per slice. Isomorphic: the thread adapters only move messages.
 */
import { annealSlice } from '../tsp/kernel.ts';
import { defaultMoveType } from '../tsp/lk.ts';
import { constructTour } from '../tsp/construct.ts';
import { createInstance } from '../tsp/instance.ts';
import { buildNeighbourLists, buildQuadrantNeighbourLists } from '../tsp/neighbours.ts';
import { pathFromSubTour, pathLength, segmentCities, segmentProblem, type Segment } from './segment.ts';
import { candidatesRevisionOf, type Instance, type NeighbourLists, type ProblemData } from '../tsp/types.ts';
import { PROBLEMS_KEPT, type SliceJob, type SliceOutcome, type ThreadReply, type ThreadRequest } from './thread-messages.ts';

interface PreparedProblem {
  instance: Instance;
  neighbours: NeighbourLists;
  /** The revision of the shipped candidate lists in use (0: the nearest lists built here). */
  revision: number;
}

const NEIGHBOURS_K = 10;
/**
 * From this size up (the orchestrator's ALPHA_MIN_CITIES) a thread builds quadrant lists, 8 with 2 per quadrant,
 * for the slices dealt before the orchestrator's alpha-nearness lists are there: on usa13509, fnl4461 and pr2392 an
 * 'lk' chain with them ended shorter than with the 10 nearest after the same kicks, in 25-35 % less CPU time
 * (docs/benchmarks.md, "Candidate sets"). Smaller problems keep the 10 nearest, where the kernel was tuned.
 */
const QUADRANT_LISTS_MIN_CITIES = 1000;
const QUADRANT_K = 8;
const PER_QUADRANT = 2;

/** The lists a thread builds itself when none were shipped (see QUADRANT_LISTS_MIN_CITIES). */
function ownLists(instance: Instance): NeighbourLists {
  if (instance.n >= QUADRANT_LISTS_MIN_CITIES) return buildQuadrantNeighbourLists(instance, QUADRANT_K, PER_QUADRANT);
  return buildNeighbourLists(instance, NEIGHBOURS_K);
}

export class SliceRunner {
  private readonly problems = new Map<string, PreparedProblem>();

  /** Prepares a problem, or takes the newer candidate lists of one it holds (keeping its instance). */
  addProblem(hash: string, data: ProblemData): void {
    const held = this.problems.get(hash);
    const revision = candidatesRevisionOf(data);
    if (held && held.revision >= revision) return;
    const instance = held?.instance ?? createInstance(data);
    // Lists shipped with the problem (alpha-nearness, computed once by the orchestrator), else the nearest.
    this.problems.set(hash, { instance, neighbours: data.candidates ?? ownLists(instance), revision });
    // Maps iterate in insertion order: the first key is the oldest problem.
    while (this.problems.size > PROBLEMS_KEPT) this.problems.delete(this.problems.keys().next().value as string);
  }

  /** The candidate lists a problem's slices use and their revision (0: lists built here, see ownLists); undefined if not held. */
  candidatesOf(hash: string): { neighbours: NeighbourLists; revision: number } | undefined {
    const held = this.problems.get(hash);
    return held && { neighbours: held.neighbours, revision: held.revision };
  }

  run(job: SliceJob, shouldStop: () => boolean): SliceOutcome {
    const problem = this.problems.get(job.problemHash);
    if (!problem) throw new Error(`problem ${job.problemHash} was not sent to this thread`);
    if (job.segment) return this.runSegment(job, problem, job.segment, shouldStop);
    const { instance, neighbours } = problem;
    const start = job.tour ?? constructTour(instance, neighbours);
    const { tour, length, stats, stopped, pending } = this.anneal(instance, neighbours, start, job, shouldStop);
    return { id: job.id, tour, length, stats, stopped, ...(pending && { pending }) };
  }

  /** A segment slice answers with the stretch's new order and its path length (see segment.ts). */
  private runSegment(job: SliceJob, problem: PreparedProblem, segment: Segment, shouldStop: () => boolean): SliceOutcome {
    if (!job.tour) throw new Error('a segment slice needs the tour');
    const { instance } = problem;
    const cities = segmentCities(job.tour, segment);
    // The problem's own lists, restricted: a stretch of a tour descended with them (job.descended) is a local
    // optimum of the sub-problem with them too, so the stretch skips its first descent as whole-tour slices do.
    const sub = segmentProblem(instance.data, cities, problem.neighbours);
    const identity = new Int32Array(cities.length);
    for (let i = 0; i < identity.length; i++) identity[i] = i;
    // The whole problem's step, not the stretch's size's (defaultMoveType): a stretch is a part of that problem.
    const moveType = job.moveType ?? defaultMoveType(instance.n);
    const result = this.anneal(sub.instance, sub.neighbours, identity, { ...job, moveType, pending: undefined }, shouldStop);
    const path = pathFromSubTour(result.tour, cities) ?? cities;
    const length = pathLength(instance, path);
    return { id: job.id, tour: path, length, stats: { ...result.stats, startLength: pathLength(instance, cities) }, stopped: result.stopped };
  }

  private anneal(instance: Instance, neighbours: NeighbourLists, tour: Int32Array, job: SliceJob, shouldStop: () => boolean) {
    let stopped = false;
    const result = annealSlice(
      instance,
      neighbours,
      {
        tour,
        temperature: job.temperature,
        budget: job.budget,
        seed: job.seed,
        method: job.method,
        moveType: job.moveType,
        descended: job.descended,
        pending: job.pending,
      },
      {
        shouldStop: () => {
          if (shouldStop()) stopped = true;
          return stopped;
        },
      },
    );
    return { ...result, stopped };
  }

  /** Handles one thread message; returns the reply to post, if any. */
  handle(message: ThreadRequest, shouldStop: () => boolean): ThreadReply | null {
    if (message.type === 'problem') {
      this.addProblem(message.hash, message.data);
      return null;
    }
    try {
      return { type: 'done', ...this.run(message.job, shouldStop) };
    } catch (error) {
      return { type: 'error', id: message.job.id, message: error instanceof Error ? error.message : String(error) };
    }
  }
}
