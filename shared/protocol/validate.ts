/**
 * Validation of payloads from the network (every peer is a stranger): problems, kiln.solve.start and
 * kiln.anneal requests, tours and kiln.anneal results. Each either returns checked data or throws ProtocolError.
 */
import { isMethod, METHODS } from '../tsp/kernel.ts';
import { MAX_CITIES, MAX_EXPLICIT_CITIES, MIN_CITIES, unsolvableReason } from '../tsp/limits.ts';
import { createInstance } from '../tsp/instance.ts';
import { MOVE_TYPES, type MoveType } from '../tsp/lk.ts';
import type { EdgeWeightType, NeighbourLists, ProblemData } from '../tsp/types.ts';
import { decodeFloat64s, decodeInt32s } from './codecs.ts';
import { Errors, ProtocolError, invalid } from './uris.ts';
import { SOLVE_SCHEMES, type AnnealRequest, type SolveParams, type SolveScheme } from './wire.ts';

export { MAX_CITIES };

const EDGE_WEIGHT_TYPES: readonly EdgeWeightType[] = ['EUC_2D', 'CEIL_2D', 'ATT', 'GEO', 'EXPLICIT'];
/** Seeds are 31-bit: the kernel's RNG takes them so, and runs count up from theirs slice by slice. */
const MAX_SEED = 2 ** 31 - 1;

/** Validates a problem from the network and turns it into ProblemData, or throws ProtocolError. */
export function problemFromWire(value: unknown): ProblemData {
  if (!isRecord(value)) return invalid('problem: expected an object');
  const { name, n, edgeWeightType } = value;
  if (typeof name !== 'string' || name.length > 200) invalid('problem.name: expected a string of at most 200 characters');
  if (!Number.isInteger(n) || (n as number) < MIN_CITIES || (n as number) > MAX_CITIES)
    invalid(`problem.n: expected an integer from ${MIN_CITIES} to ${MAX_CITIES}`);
  if (!EDGE_WEIGHT_TYPES.includes(edgeWeightType as EdgeWeightType)) invalid(`problem.edgeWeightType: expected one of ${EDGE_WEIGHT_TYPES.join(', ')}`);
  const count = n as number;
  const data: ProblemData = { name: name as string, n: count, edgeWeightType: edgeWeightType as EdgeWeightType };
  if (typeof value.comment === 'string') data.comment = value.comment.slice(0, 1000);
  if (value.optimum !== undefined) {
    if (typeof value.optimum !== 'number' || !(value.optimum > 0)) invalid('problem.optimum: expected a positive number');
    data.optimum = value.optimum;
  }
  if (value.xs !== undefined || value.ys !== undefined) {
    const xs = decodeFloat64s(value.xs, 'problem.xs');
    const ys = decodeFloat64s(value.ys, 'problem.ys');
    if (xs.length !== count || ys.length !== count) invalid(`problem.xs/ys: expected ${count} coordinates each`);
    for (let i = 0; i < count; i++) {
      if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) invalid(`problem.xs/ys: city ${i + 1} has a non-finite coordinate`);
    }
    data.xs = xs;
    data.ys = ys;
  }
  if (data.edgeWeightType === 'EXPLICIT') {
    if (count > MAX_EXPLICIT_CITIES) invalid(`problem.n: EXPLICIT problems are limited to ${MAX_EXPLICIT_CITIES} cities`);
    const matrix = decodeInt32s(value.matrix, 'problem.matrix');
    if (matrix.length !== count * count) invalid(`problem.matrix: expected ${count * count} entries`);
    data.matrix = matrix;
  } else if (!data.xs) {
    invalid(`problem.xs/ys: ${data.edgeWeightType} problems need coordinates`);
  }
  const reason = unsolvableReason(data);
  if (reason !== undefined) invalid(`problem: ${reason}`);
  if (value.candidates !== undefined) {
    data.candidates = candidatesFromWire(value.candidates, data);
    data.candidatesRevision = value.candidatesRevision === undefined ? 1 : candidatesRevision(value.candidatesRevision, 'problem.candidatesRevision', 1);
  }
  return data;
}

/** Revisions of a problem's candidate lists count up from 1 (0: none); far fewer than this in any run. */
export const MAX_CANDIDATES_REVISION = 1_000_000;

function candidatesRevision(value: unknown, what: string, min: number): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > MAX_CANDIDATES_REVISION)
    invalid(`${what}: expected an integer from ${min} to ${MAX_CANDIDATES_REVISION}`);
  return value as number;
}

/**
 * Validates kiln.problem.get's { part: 'candidates' } answer (CandidatesWire) for a problem the callee holds, and
 * answers the problem with those lists; refuses lists older than `asked` (the revision a slice needs).
 */
export function problemWithCandidatesFromWire(value: unknown, data: ProblemData, asked: number): ProblemData {
  if (!isRecord(value)) return invalid('problem candidates: expected { revision, candidates }');
  const revision = candidatesRevision(value.revision, 'problem candidates.revision', 0);
  if (revision < asked)
    throw new ProtocolError(Errors.noSuchCandidates, `candidate lists revision ${asked} of ${data.name}: its orchestrator has revision ${revision}`);
  if (value.candidates === undefined) return invalid(`problem candidates: revision ${revision} without lists`);
  return { ...data, candidates: candidatesFromWire(value.candidates, data), candidatesRevision: revision };
}

/** Most candidates per city a problem may carry (LKH uses 5; the kernel scans each list per move). */
export const MAX_CANDIDATES = 16;

/**
 * Validates shipped candidate lists against their problem: k from 1 to min(MAX_CANDIDATES, n - 1), n * k ids, each
 * in 0..n-1, never the city itself, none twice in a list, and each list nearest first (the NeighbourLists contract
 * the local search prunes by).
 */
export function candidatesFromWire(value: unknown, data: ProblemData): NeighbourLists {
  if (!isRecord(value)) return invalid('problem.candidates: expected { k, neighbours }');
  const { n } = data;
  const k = value.k;
  if (!Number.isInteger(k) || (k as number) < 1 || (k as number) > Math.min(MAX_CANDIDATES, n - 1))
    invalid(`problem.candidates.k: expected an integer from 1 to ${Math.min(MAX_CANDIDATES, n - 1)}`);
  const width = k as number;
  const neighbours = decodeInt32s(value.neighbours, 'problem.candidates.neighbours');
  if (neighbours.length !== n * width)
    invalid(`problem.candidates.neighbours: expected ${n * width} city ids (${n} cities x ${width}), got ${neighbours.length}`);
  const dist = createInstance(data).dist;
  for (let c = 0; c < n; c++) {
    const row = c * width;
    for (let r = 0; r < width; r++) {
      const j = neighbours[row + r];
      if (!(j >= 0 && j < n)) invalid(`problem.candidates: city ${c}'s candidate ${r} is ${j}, outside 0..${n - 1}`);
      if (j === c) invalid(`problem.candidates: city ${c} is its own candidate`);
      for (let q = row; q < row + r; q++) if (neighbours[q] === j) invalid(`problem.candidates: city ${c} lists ${j} twice`);
      if (r > 0 && dist(c, j) < dist(c, neighbours[row + r - 1])) invalid(`problem.candidates: city ${c}'s list is not sorted nearest first`);
    }
  }
  return { k: width, neighbours };
}

/** Longer than any run id an orchestrator makes (about 15 characters), short enough to echo in a reply. */
const MAX_RUN_ID = 64;

/** A run id a caller names (`what`: where, for the message): a string of 1 to 64 characters, or invalid_argument. */
export function parseRunId(value: unknown, what = 'runId'): string {
  if (value === undefined) invalid(`${what}: missing; name the run (its id, as kiln.solve.start or kiln.runs.list gave it)`);
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_RUN_ID)
    invalid(`${what}: expected a run id (a string of 1 to ${MAX_RUN_ID} characters), got ${describeValue(value)}`);
  return value;
}

/** A caller's value described without echoing it whole. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function finiteNonNegative(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) invalid(`${what}: expected a finite number >= 0`);
  return value;
}

/** Validates kiln.anneal kwargs. */
export function parseAnnealRequest(value: unknown): AnnealRequest {
  if (!isRecord(value)) return invalid('anneal: expected keyword arguments');
  const { runId, problemHash, tour, temperature, budget, seed, method } = value;
  const checkedRunId = parseRunId(runId, 'anneal.runId');
  if (typeof problemHash !== 'string' || !/^[0-9a-f]{8,64}$/.test(problemHash)) invalid('anneal.problemHash: expected a hex hash');
  if (!isRecord(temperature)) invalid('anneal.temperature: expected { start, end }');
  if (!isRecord(budget)) invalid('anneal.budget: expected { ms } or { moves }');
  const request: AnnealRequest = {
    runId: checkedRunId,
    problemHash: problemHash as string,
    temperature: {
      start: finiteNonNegative(temperature.start, 'anneal.temperature.start'),
      end: finiteNonNegative(temperature.end, 'anneal.temperature.end'),
    },
    budget: {},
    seed: isSeed(seed) ? seed : invalid(`anneal.seed: expected an integer from 0 to ${MAX_SEED}`),
  };
  if (budget.ms !== undefined) request.budget.ms = finiteNonNegative(budget.ms, 'anneal.budget.ms');
  if (budget.moves !== undefined) request.budget.moves = finiteNonNegative(budget.moves, 'anneal.budget.moves');
  if (request.budget.ms === undefined && request.budget.moves === undefined) invalid('anneal.budget: expected ms or moves');
  if (tour !== undefined && tour !== null) request.tour = tour as Uint8Array | number[];
  if (method !== undefined) {
    if (!isMethod(method)) invalid(`anneal.method: expected one of ${METHODS.join(', ')}`);
    request.method = method;
  }
  if (value.moveType !== undefined) request.moveType = moveType(value.moveType, 'anneal.moveType');
  if (value.segment !== undefined) {
    const segment = value.segment;
    if (
      !isRecord(segment) ||
      !Number.isInteger(segment.start) ||
      !Number.isInteger(segment.length) ||
      (segment.start as number) < 0 ||
      (segment.length as number) < 8
    )
      invalid('anneal.segment: expected { start, length } with integers, length >= 8');
    if (request.tour === undefined) invalid('anneal.segment: a segment slice needs the tour');
    request.segment = { start: segment.start as number, length: segment.length as number };
  }
  if (value.descended !== undefined) {
    if (typeof value.descended !== 'boolean') invalid('anneal.descended: expected true or false');
    if (value.descended) request.descended = true;
  }
  if (value.pending !== undefined && !request.descended) {
    if (request.segment || request.tour === undefined) invalid('anneal.pending: only with a whole tour');
    request.pending = value.pending as Uint8Array | number[];
  }
  if (value.problemFrom !== undefined) {
    // Only an orchestrator's problem procedure: a request must not point a callee at any other.
    if (typeof value.problemFrom !== 'string' || !PROBLEM_PROCEDURE.test(value.problemFrom))
      invalid('anneal.problemFrom: expected kiln.problem.get or kiln.problem.get.<id>');
    request.problemFrom = value.problemFrom as string;
  }
  if (value.candidates !== undefined) {
    const revision = candidatesRevision(value.candidates, 'anneal.candidates', 0);
    if (revision > 0) request.candidates = revision;
  }
  return request;
}

/** Lin-Kernighan's move type, one of MOVE_TYPES. */
function moveType(value: unknown, what: string): MoveType {
  if (!MOVE_TYPES.includes(value as MoveType)) invalid(`${what}: expected one of ${MOVE_TYPES.join(', ')}`);
  return value as MoveType;
}

/** kiln.problem.get, or a private orchestrator's kiln.problem.get.<id> (id: lower-case letters and digits). */
const PROBLEM_PROCEDURE = /^kiln\.problem\.get(\.[a-z0-9]{1,32})?$/;

/** The time budget a run may ask for: from 100 ms to one day. */
export const MIN_BUDGET_MS = 100;
export const MAX_BUDGET_MS = 24 * 3600 * 1000;
/** The slice length a run may ask for (params.sliceMs). */
export const MIN_SLICE_MS = 20;
export const MAX_SLICE_MS = 60_000;

/** Validates kiln.solve.start kwargs. */
export function parseSolveRequest(value: unknown): { problem: ProblemData; budgetMs: number; params: SolveParams; startTour?: Int32Array } {
  if (!isRecord(value)) return invalid('solve: expected keyword arguments { problem, budgetMs }');
  const problem = problemFromWire(value.problem);
  // The orchestrator computes the candidates it serves: none from a controller is trusted or kept.
  delete problem.candidates;
  delete problem.candidatesRevision;
  const budgetMs = value.budgetMs;
  if (typeof budgetMs !== 'number' || !Number.isFinite(budgetMs) || budgetMs < MIN_BUDGET_MS || budgetMs > MAX_BUDGET_MS)
    invalid(`solve.budgetMs: expected a number of milliseconds from ${MIN_BUDGET_MS} to ${MAX_BUDGET_MS}`);
  const params: SolveParams = {};
  if (value.params !== undefined) {
    if (!isRecord(value.params)) invalid('solve.params: expected an object');
    const { method, sliceMs, seed, scheme } = value.params;
    if (scheme !== undefined) {
      if (!SOLVE_SCHEMES.includes(scheme as SolveScheme)) invalid(`solve.params.scheme: expected one of ${SOLVE_SCHEMES.join(', ')}`);
      params.scheme = scheme as SolveScheme;
    }
    if (method !== undefined) {
      if (!isMethod(method)) invalid(`solve.params.method: expected one of ${METHODS.join(', ')}`);
      params.method = method;
    }
    if (value.params.moveType !== undefined) params.moveType = moveType(value.params.moveType, 'solve.params.moveType');
    if (sliceMs !== undefined) {
      if (typeof sliceMs !== 'number' || !(sliceMs >= MIN_SLICE_MS && sliceMs <= MAX_SLICE_MS))
        invalid(`solve.params.sliceMs: expected ${MIN_SLICE_MS} to ${MAX_SLICE_MS}`);
      params.sliceMs = sliceMs;
    }
    if (seed !== undefined) {
      if (!isSeed(seed)) invalid(`solve.params.seed: expected an integer from 0 to ${MAX_SEED}`);
      params.seed = seed;
    }
  }
  if (value.tour === undefined || value.tour === null) return { problem, budgetMs: budgetMs as number, params };
  return { problem, budgetMs: budgetMs as number, params, startTour: parseTour(value.tour, problem.n, 'solve.tour') };
}

/** Validates a tour against a city count: a permutation of 0..n-1. */
export function parseTour(value: unknown, n: number, what: string): Int32Array {
  const tour = decodeInt32s(value, what);
  if (tour.length !== n) invalid(`${what}: expected ${n} cities, got ${tour.length}`);
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const city = tour[i];
    if (city < 0 || city >= n || seen[city]) invalid(`${what}: not a permutation of the ${n} cities (at position ${i})`);
    seen[city] = 1;
  }
  return tour;
}

/**
 * Cities a stopped descent had still to search (kiln.anneal's `pending`, both ways): distinct cities of 0..n-1, so
 * at most n, counted before anything is decoded. Both directions check the same, so that what the orchestrator
 * takes from one callee is never refused by the next.
 */
export function parsePending(value: unknown, n: number, what: string): Int32Array {
  const entries = value instanceof Uint8Array ? value.byteLength / 4 : Array.isArray(value) ? value.length : 0;
  if (entries > n) invalid(`${what}: ${Math.ceil(entries)} cities, the problem has ${n}`);
  const cities = decodeInt32s(value, what);
  const seen = new Uint8Array(n);
  for (let i = 0; i < cities.length; i++) {
    const city = cities[i];
    if (!(city >= 0 && city < n)) invalid(`${what}: ${city} at position ${i} is no city of 0..${n - 1}`);
    if (seen[city]) invalid(`${what}: city ${city} twice (at position ${i})`);
    seen[city] = 1;
  }
  return cities;
}

function isSeed(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_SEED;
}

/** Moves per millisecond of budget that no slot can exceed (the kernel does a few thousand). */
const MAX_MOVES_PER_MS = 100_000;

/** What the orchestrator takes from a kiln.anneal result: the tour (checked) and bounded statistics. */
export interface CheckedAnnealResult {
  /** Null when the callee found nothing shorter than the tour it was given and sent none back (allowed only then). */
  tour: Int32Array | null;
  /** The callee says its tour is a local optimum of the run's method (stats.descended): a hint for the next slice. */
  descended: boolean;
  movesTried: number;
  /** The callee's account of its compute time (finite, >= 0; 0 when missing), for credit only. */
  elapsedMs: number;
  /** Whole-tour slices: the cities its stopped first descent had still to search (AnnealResult.pending), null when none. */
  pending: Int32Array | null;
}

/**
 * Validates a kiln.anneal result from an untrusted callee: a tour of exactly `cities` entries (a
 * permutation of 0..n-1 for whole-tour slices; a segment's cities are checked by the splice), checked
 * for its length before anything is walked, and statistics within what `budgetMs` allows. Its claimed
 * length is ignored: the orchestrator measures tours itself.
 */
export function parseAnnealResult(
  value: unknown,
  cities: number,
  budgetMs: number,
  options: { permutationOf?: number; tourOptional?: boolean } = {},
): CheckedAnnealResult {
  if (!isRecord(value)) return invalid('anneal result: expected keyword arguments');
  const { tour, stats } = value;
  let checked: Int32Array | null = null;
  if (tour !== undefined || !options.tourOptional) {
    const entries = tour instanceof Uint8Array ? tour.byteLength / 4 : Array.isArray(tour) ? tour.length : -1;
    if (entries !== cities) invalid(`anneal result tour: expected ${cities} cities as Int32 bytes or integers`);
    checked = options.permutationOf === undefined ? decodeInt32s(tour, 'anneal result tour') : parseTour(tour, options.permutationOf, 'anneal result tour');
  }
  const moves = isRecord(stats) ? stats.movesTried : undefined;
  const maxMoves = MAX_MOVES_PER_MS * (budgetMs + 1000);
  if (!Number.isSafeInteger(moves) || (moves as number) < 0 || (moves as number) > maxMoves)
    invalid(`anneal result stats.movesTried: expected an integer from 0 to ${maxMoves} for a ${budgetMs} ms slice`);
  const elapsed = isRecord(stats) ? stats.elapsedMs : undefined;
  let pending: Int32Array | null = null;
  if (value.pending !== undefined && options.permutationOf !== undefined) {
    pending = parsePending(value.pending, options.permutationOf, 'anneal result pending');
  }
  return {
    pending,
    tour: checked,
    // A claim only (a liar costs the next slice from its tour a descent's worth of kicks, nothing more).
    descended: isRecord(stats) && stats.descended === true,
    movesTried: moves as number,
    elapsedMs: typeof elapsed === 'number' && Number.isFinite(elapsed) ? Math.max(0, elapsed) : 0,
  };
}
