/**
 * The TSP engine's shared shapes. Isomorphic: no Node or DOM APIs anywhere under shared/.
 * Parsers (tsplib.ts, csv.ts, tour.ts) produce ProblemData; instance.ts turns it into an Instance
 * with a distance function; the kernel (anneal.ts, localsearch.ts, ...) works on an Instance.
 */

/**
 * TSPLIB95's distance functions (instance.ts). There is deliberately no separate type for CSV files with
 * latitude/longitude in decimal degrees: csv.ts converts them to TSPLIB's DDD.MM and they are GEO (great-circle
 * distance in whole km), so every consumer handles exactly these five.
 */
export type EdgeWeightType = 'EUC_2D' | 'CEIL_2D' | 'ATT' | 'GEO' | 'EXPLICIT';

/**
 * A problem as data: plain fields and typed arrays only, so it can travel over WAMP (MessagePack/CBOR)
 * and into workers by structured clone, and be hashed for caching.
 */
export interface ProblemData {
  name: string;
  comment?: string;
  /** Number of cities. */
  n: number;
  edgeWeightType: EdgeWeightType;
  /**
   * Coordinates for drawing and, except for EXPLICIT, for distances. For EXPLICIT instances without
   * display data they are absent (the map then cannot be drawn). For GEO, as in TSPLIB, x is the latitude
   * and y the longitude, both in DDD.MM form (degrees, then minutes as the fraction).
   */
  xs?: Float64Array;
  ys?: Float64Array;
  /** EXPLICIT only: the full symmetric n x n matrix, row-major (explicit instances are small). */
  matrix?: Int32Array;
  /** Optional per-city names (from a CSV name column), index-aligned with the cities. */
  labels?: string[];
  /** Known optimal tour length, when the source says so (e.g. ../shared/tsplib/optima.json). */
  optimum?: number;
  /**
   * Candidate lists computed once for the problem (alpha-nearness, shared/tsp/alpha.ts) by the orchestrator that
   * serves it, so that callees need not compute them; derived data: not hashed, not saved with runs, and on the
   * wire only from kiln.problem.get.
   */
  candidates?: NeighbourLists;
  /**
   * Which lists `candidates` holds: 0 or absent, none (callees build nearest lists); 1 and up, the orchestrator's,
   * raised each time it attaches new ones, so that a callee holding older ones knows to fetch them (AnnealRequest).
   */
  candidatesRevision?: number;
}

/** The revision of a problem's candidate lists: 0 without lists, else as numbered (1 when shipped unnumbered). */
export function candidatesRevisionOf(data: ProblemData): number {
  return data.candidates ? (data.candidatesRevision ?? 1) : 0;
}

/** A problem ready for computation: data plus its TSPLIB distance function (integer lengths). */
export interface Instance {
  readonly data: ProblemData;
  readonly n: number;
  dist(i: number, j: number): number;
}

/** A tour: a permutation of 0..n-1, visiting cities in order and returning to the first. */
export type Tour = Int32Array;

/**
 * Per-city candidate neighbours: city i's k candidates are neighbours[i * k .. (i + 1) * k), each in 0..n-1, never i,
 * no city twice. Contract for every builder (nearest, quadrant, alpha-nearness): each list is sorted by increasing
 * distance from i (ties by lower index), because the local search stops scanning a list (`break`) at the first
 * candidate that is not shorter than the edge it would replace. Which cities are chosen depends on the builder:
 * the k nearest (neighbours.ts), nearest per quadrant, or the k best by alpha-nearness (alpha.ts).
 */
export interface NeighbourLists {
  readonly k: number;
  readonly neighbours: Int32Array;
}

/** A parse or validation failure, with enough context to fix the file. */
export class ProblemError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(file ? `${file}${line ? `:${line}` : ''}: ${message}` : message);
    this.name = 'ProblemError';
  }
}
