/**
 * TSPLIB95 problem files (Reinelt, "TSPLIB 95") for symmetric TSPs: coordinates with EUC_2D, CEIL_2D, ATT or
 * GEO distances, or an EXPLICIT matrix in any of the nine triangular/full formats. Anything outside that
 * subset is refused with the file, line and reason; nothing is ever guessed or silently dropped, because a
 * wrongly read instance would anneal happily towards the wrong optimum.
 */
import { MAX_CITIES, MAX_EXPLICIT_CITIES } from './limits.ts';
import { Scanner, splitKeyword } from './scanner.ts';
import type { EdgeWeightType, ProblemData } from './types.ts';

/** Refused at DIMENSION already, before reading the sections: no run could solve more (limits.ts). */
export const MAX_DIMENSION = MAX_CITIES;
/** EXPLICIT instances are held as a full n x n Int32Array and travel in one message (limits.ts). */
const MAX_EXPLICIT_DIMENSION = MAX_EXPLICIT_CITIES;

const EDGE_WEIGHT_TYPES: readonly EdgeWeightType[] = ['EUC_2D', 'CEIL_2D', 'ATT', 'GEO', 'EXPLICIT'];

/**
 * The order in which each format lists matrix entries, as (row, column) of the upper or lower triangle.
 * The COL formats list a triangle column by column, which for a symmetric matrix is exactly the opposite
 * triangle row by row: UPPER_COL is LOWER_ROW transposed, and so on.
 */
type Triangle = 'FULL' | 'UPPER' | 'LOWER' | 'UPPER_DIAG' | 'LOWER_DIAG';
const EDGE_WEIGHT_FORMATS: Record<string, Triangle> = {
  FULL_MATRIX: 'FULL',
  UPPER_ROW: 'UPPER',
  LOWER_ROW: 'LOWER',
  UPPER_DIAG_ROW: 'UPPER_DIAG',
  LOWER_DIAG_ROW: 'LOWER_DIAG',
  UPPER_COL: 'LOWER',
  LOWER_COL: 'UPPER',
  UPPER_DIAG_COL: 'LOWER_DIAG',
  LOWER_DIAG_COL: 'UPPER_DIAG',
};

/** Keywords this parser reads. */
const SUPPORTED =
  'NAME, TYPE, COMMENT, DIMENSION, EDGE_WEIGHT_TYPE, EDGE_WEIGHT_FORMAT, NODE_COORD_TYPE, DISPLAY_DATA_TYPE, ' +
  'NODE_COORD_SECTION, EDGE_WEIGHT_SECTION, DISPLAY_DATA_SECTION, EOF';
/** TSPLIB keywords that cannot change a symmetric TSP's distances or its optimal tour: accepted and ignored. */
const HARMLESS = new Set(['CAPACITY']);
/** TSPLIB keywords that would change the problem (restricted or fixed edges, vehicles, depots). */
const UNSUPPORTED_SPEC = new Set(['EDGE_DATA_FORMAT', 'EDGE_DATA_SECTION', 'FIXED_EDGES_SECTION', 'DEPOT_SECTION', 'DEMAND_SECTION', 'TOUR_SECTION']);

interface Header {
  name?: string;
  comments: string[];
  n?: number;
  edgeWeightType?: EdgeWeightType;
  format?: Triangle;
  formatName?: string;
  coords?: { xs: Float64Array; ys: Float64Array };
  display?: { xs: Float64Array; ys: Float64Array };
  matrix?: Int32Array;
  /** Keyword -> line it was set on, to refuse repeats and to point at earlier lines in errors. */
  seen: Map<string, number>;
}

/** Parses a TSPLIB .tsp file's text. Throws ProblemError (file:line: reason) on anything it cannot honour. */
export function parseTsplib(text: string, fileName?: string): ProblemData {
  const sc = new Scanner(text, fileName);
  const h: Header = { comments: [], seen: new Map() };
  let lastSection = '';
  while (sc.skipAll()) {
    const line = sc.line;
    if (sc.atNumber()) {
      if (lastSection)
        throw sc.error(`${lastSection} has more entries than DIMENSION ${h.n} (line ${h.seen.get('DIMENSION')}) allows: found '${sc.peekToken()}'`);
      throw sc.error(`expected a keyword, found '${sc.peekToken()}'`);
    }
    const { keyword, value } = splitKeyword(sc.readLine());
    if (keyword === 'EOF') break;
    lastSection = '';
    if (keyword !== 'COMMENT') {
      const before = h.seen.get(keyword);
      if (before !== undefined) throw sc.error(`${keyword} appears twice (first on line ${before})`, line);
      h.seen.set(keyword, line);
    }
    switch (keyword) {
      case 'NAME':
        h.name = value;
        break;
      case 'COMMENT':
        h.comments.push(value);
        break;
      case 'TYPE': {
        // Some files append a note ("TSP (M.~Hofmeister)"); the type is the first word.
        const type = value.split(/\s/, 1)[0].toUpperCase();
        if (type !== 'TSP') throw sc.error(`unsupported TYPE '${value}': only symmetric TSP is supported (not ATSP, HCP, SOP, CVRP or TOUR)`, line);
        break;
      }
      case 'DIMENSION':
        h.n = dimension(sc, value, line);
        break;
      case 'EDGE_WEIGHT_TYPE':
        h.edgeWeightType = edgeWeightType(sc, value, line);
        break;
      case 'EDGE_WEIGHT_FORMAT':
        // FUNCTION just says "computed from coordinates", which the edge weight type already says.
        if (value !== 'FUNCTION') {
          h.format = EDGE_WEIGHT_FORMATS[value];
          h.formatName = value;
          if (!h.format)
            throw sc.error(`unsupported EDGE_WEIGHT_FORMAT '${value}': supported are FUNCTION, ${Object.keys(EDGE_WEIGHT_FORMATS).join(', ')}`, line);
        }
        break;
      case 'NODE_COORD_TYPE':
        if (value !== 'TWOD_COORDS' && value !== 'NO_COORDS')
          throw sc.error(`unsupported NODE_COORD_TYPE '${value}': only TWOD_COORDS (and NO_COORDS) are supported`, line);
        break;
      case 'DISPLAY_DATA_TYPE':
        if (value !== 'COORD_DISPLAY' && value !== 'TWOD_DISPLAY' && value !== 'NO_DISPLAY') {
          throw sc.error(`unsupported DISPLAY_DATA_TYPE '${value}': expected COORD_DISPLAY, TWOD_DISPLAY or NO_DISPLAY`, line);
        }
        break;
      case 'NODE_COORD_SECTION':
        h.coords = coordSection(sc, keyword, needDimension(sc, h, keyword, line));
        lastSection = keyword;
        break;
      case 'DISPLAY_DATA_SECTION':
        h.display = coordSection(sc, keyword, needDimension(sc, h, keyword, line));
        lastSection = keyword;
        break;
      case 'EDGE_WEIGHT_SECTION':
        h.matrix = weightSection(sc, h, needDimension(sc, h, keyword, line), line);
        lastSection = keyword;
        break;
      default:
        if (HARMLESS.has(keyword)) break;
        if (UNSUPPORTED_SPEC.has(keyword))
          throw sc.error(`unsupported keyword ${keyword}: it would change the problem, and only plain symmetric TSPs are supported`, line);
        throw sc.error(`unknown keyword '${keyword}': supported are ${SUPPORTED}`, line);
    }
  }
  return finish(sc, h, fileName);
}

function dimension(sc: Scanner, value: string, line: number): number {
  if (!/^\d+$/.test(value)) throw sc.error(`DIMENSION must be a positive integer, found '${value}'`, line);
  const n = Number(value);
  if (n < 1) throw sc.error('DIMENSION must be at least 1', line);
  if (n > MAX_DIMENSION) throw sc.error(`DIMENSION ${n} is over the limit of ${MAX_DIMENSION} cities`, line);
  return n;
}

function edgeWeightType(sc: Scanner, value: string, line: number): EdgeWeightType {
  const t = EDGE_WEIGHT_TYPES.find((w) => w === value);
  if (!t) throw sc.error(`unsupported EDGE_WEIGHT_TYPE '${value}': supported are ${EDGE_WEIGHT_TYPES.join(', ')}`, line);
  return t;
}

function needDimension(sc: Scanner, h: Header, section: string, line: number): number {
  if (h.n === undefined) throw sc.error(`${section} before DIMENSION: DIMENSION must come first`, line);
  return h.n;
}

/** n lines "id x y", ids 1..n in any order, each exactly once. */
function coordSection(sc: Scanner, section: string, n: number): { xs: Float64Array; ys: Float64Array } {
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const firstLine = new Int32Array(n); // 0 = not seen yet
  for (let r = 0; r < n; r++) {
    if (!sc.skipAll() || !sc.atNumber()) {
      throw sc.error(`${section} is truncated: expected ${n} nodes (DIMENSION), found ${r} before ${sc.describeHere()}`);
    }
    const line = sc.line;
    const id = sc.number(`a node id (1..${n})`);
    if (!Number.isInteger(id) || id < 1 || id > n) throw sc.error(`${section}: node id ${id} is not an integer in 1..${n} (DIMENSION)`);
    if (firstLine[id - 1]) throw sc.error(`${section}: node ${id} appears twice (first on line ${firstLine[id - 1]})${missingNote(firstLine)}`);
    firstLine[id - 1] = line;
    sc.skipInline();
    xs[id - 1] = sc.number(`the x coordinate of node ${id}`);
    sc.skipInline();
    ys[id - 1] = sc.number(`the y coordinate of node ${id}`);
    sc.endOfLine(`node ${id}'s x and y (only 2D coordinates are supported)`);
  }
  return { xs, ys };
}

/** Names the first missing id, to point at the real mistake behind a duplicate. */
function missingNote(firstLine: Int32Array): string {
  const missing = firstLine.indexOf(0);
  return missing < 0 ? '' : `; node ${missing + 1} is not there yet`;
}

/** The weights in the declared format, wrapping across lines freely, into a full symmetric matrix. */
function weightSection(sc: Scanner, h: Header, n: number, line: number): Int32Array {
  if (h.edgeWeightType !== 'EXPLICIT') {
    throw sc.error(`EDGE_WEIGHT_SECTION needs EDGE_WEIGHT_TYPE: EXPLICIT before it, found ${h.edgeWeightType ?? 'none'}`, line);
  }
  if (!h.format) throw sc.error('EDGE_WEIGHT_SECTION needs an EDGE_WEIGHT_FORMAT before it', line);
  checkExplicitSize(sc, n, line);
  const format = h.format;
  const m = new Int32Array(n * n);
  const total = format === 'FULL' ? n * n : format === 'UPPER' || format === 'LOWER' ? (n * (n - 1)) / 2 : (n * (n + 1)) / 2;
  let read = 0;
  const next = (i: number, j: number): number => {
    if (!sc.skipAll() || !sc.atNumber()) {
      throw sc.error(`EDGE_WEIGHT_SECTION is truncated: ${h.formatName} for DIMENSION ${n} needs ${total} weights, found ${read} before ${sc.describeHere()}`);
    }
    const w = sc.number(`the weight of edge (${i + 1}, ${j + 1})`);
    if (!Number.isInteger(w) || Math.abs(w) > 0x7fffffff) throw sc.error(`the weight of edge (${i + 1}, ${j + 1}) must be a 32-bit integer, found ${w}`);
    read++;
    return w;
  };
  for (let i = 0; i < n; i++) {
    const from = format === 'FULL' || format === 'LOWER' || format === 'LOWER_DIAG' ? 0 : format === 'UPPER' ? i + 1 : i;
    const to = format === 'FULL' || format === 'UPPER' || format === 'UPPER_DIAG' ? n : format === 'LOWER' ? i : i + 1;
    for (let j = from; j < to; j++) {
      const w = next(i, j);
      if (format === 'FULL' && j < i && m[i * n + j] !== w) {
        throw sc.error(
          `FULL_MATRIX is not symmetric: edge (${i + 1}, ${j + 1}) is ${w} but (${j + 1}, ${i + 1}) is ${m[i * n + j]}; only symmetric TSPs are supported`,
        );
      }
      m[i * n + j] = w;
      m[j * n + i] = w;
    }
  }
  return m;
}

function checkExplicitSize(sc: Scanner, n: number, line: number): void {
  if (n > MAX_EXPLICIT_DIMENSION) {
    throw sc.error(`EXPLICIT instances are held as a full n x n matrix; DIMENSION ${n} is over the limit of ${MAX_EXPLICIT_DIMENSION}`, line);
  }
}

function finish(sc: Scanner, h: Header, fileName: string | undefined): ProblemData {
  const end = sc.line;
  if (h.seen.size === 0 && h.comments.length === 0) throw sc.error(`no TSPLIB keywords found (empty file?): expected ${SUPPORTED}`, end);
  if (h.n === undefined) throw sc.error('DIMENSION is missing', end);
  if (!h.edgeWeightType) throw sc.error(`EDGE_WEIGHT_TYPE is missing: expected one of ${EDGE_WEIGHT_TYPES.join(', ')}`, end);
  const name = h.name || (fileName ? baseName(fileName) : 'unnamed');
  const comment = h.comments.length ? h.comments.join('\n') : undefined;
  const n = h.n;
  if (h.edgeWeightType === 'EXPLICIT') {
    checkExplicitSize(sc, n, h.seen.get('EDGE_WEIGHT_TYPE')!);
    if (!h.matrix) throw sc.error('EDGE_WEIGHT_TYPE EXPLICIT needs an EDGE_WEIGHT_SECTION, and there is none', end);
    // Display data, or failing that node coordinates, only draw the map; distances come from the matrix.
    const draw = h.display ?? h.coords;
    return { name, comment, n, edgeWeightType: 'EXPLICIT', matrix: h.matrix, xs: draw?.xs, ys: draw?.ys };
  }
  if (!h.coords) throw sc.error(`EDGE_WEIGHT_TYPE ${h.edgeWeightType} needs a NODE_COORD_SECTION, and there is none`, end);
  return { name, comment, n, edgeWeightType: h.edgeWeightType, xs: h.coords.xs, ys: h.coords.ys };
}

/** "dir/kroA100.tsp" -> "kroA100": the problem name when the file gives none. */
export function baseName(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
