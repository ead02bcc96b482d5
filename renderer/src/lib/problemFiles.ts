/**
 * Reading and writing problem and tour files in the page.
 *
 * TEMPORARY: shared/tsp's parsers (tsplib.ts, csv.ts, tour.ts) have not landed yet. The readers
 * below cover what the UI needs (TSPLIB NODE_COORD_SECTION, CSV "x,y" rows, TOUR_SECTION) and are
 * to be replaced by re-exports of shared/tsp as soon as it has them.
 */
import type { EdgeWeightType, ProblemData } from '../../../shared/tsp/types.ts';
import { ProblemError } from '../../../shared/tsp/types.ts';

const COORDINATE_TYPES: readonly EdgeWeightType[] = ['EUC_2D', 'CEIL_2D', 'ATT', 'GEO'];

export function parseProblemFile(fileName: string, text: string): ProblemData {
  return /\.csv$/i.test(fileName) ? parseCsvCities(fileName, text) : parseTsplibCoordinates(fileName, text);
}

function parseTsplibCoordinates(file: string, text: string): ProblemData {
  const lines = text.split(/\r?\n/);
  const header: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line === 'EOF') continue;
    if (/^NODE_COORD_SECTION\b/.test(line)) break;
    if (/_SECTION\b/.test(line)) throw new ProblemError(`${line} is not supported here`, file, i + 1);
    const match = /^([A-Z_]+)\s*:\s*(.*)$/.exec(line);
    if (!match) throw new ProblemError(`expected "KEY : value", got "${line.slice(0, 40)}"`, file, i + 1);
    header[match[1]] = match[2].trim();
  }
  if (i === lines.length) throw new ProblemError('no NODE_COORD_SECTION', file);
  const n = Number(header.DIMENSION);
  if (!Number.isInteger(n) || n < 3) throw new ProblemError('DIMENSION must be an integer >= 3', file);
  const type = (header.EDGE_WEIGHT_TYPE ?? '') as EdgeWeightType;
  if (!COORDINATE_TYPES.includes(type)) throw new ProblemError(`EDGE_WEIGHT_TYPE ${type || '(missing)'} is not supported`, file);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const seen = new Uint8Array(n);
  let count = 0;
  for (i++; i < lines.length && count < n; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const parts = line.split(/\s+/);
    const id = Number(parts[0]);
    const x = Number(parts[1]);
    const y = Number(parts[2]);
    if (parts.length !== 3 || !Number.isInteger(id) || !Number.isFinite(x) || !Number.isFinite(y))
      throw new ProblemError(`expected "id x y", got "${line.slice(0, 40)}"`, file, i + 1);
    if (id < 1 || id > n || seen[id - 1]) throw new ProblemError(`city id ${id} is out of range or repeated`, file, i + 1);
    seen[id - 1] = 1;
    xs[id - 1] = x;
    ys[id - 1] = y;
    count++;
  }
  if (count < n) throw new ProblemError(`expected ${n} cities, found ${count}`, file, i);
  const data: ProblemData = { name: header.NAME || file.replace(/\.[^.]*$/, ''), n, edgeWeightType: type, xs, ys };
  if (header.COMMENT) data.comment = header.COMMENT;
  return data;
}

function parseCsvCities(file: string, text: string): ProblemData {
  const xs: number[] = [];
  const ys: number[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split(/[,;\t]/).map((cell) => cell.trim());
    const numbers = cells.map(Number);
    if (numbers.every((v) => Number.isNaN(v)) && xs.length === 0) return; // a header row
    const [x, y] = cells.length >= 3 ? numbers.slice(-2) : numbers;
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new ProblemError(`expected "x,y", got "${line.slice(0, 40)}"`, file, index + 1);
    xs.push(x);
    ys.push(y);
  });
  if (xs.length < 3) throw new ProblemError(`expected at least 3 cities, found ${xs.length}`, file);
  return { name: file.replace(/\.[^.]*$/, ''), n: xs.length, edgeWeightType: 'EUC_2D', xs: Float64Array.from(xs), ys: Float64Array.from(ys) };
}

/** A TSPLIB .tour file's TOUR_SECTION as a 0-based permutation of the problem's cities. */
export function parseTourFile(file: string, text: string, n: number): Int32Array {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => /^\s*TOUR_SECTION\b/.test(line));
  if (start < 0) throw new ProblemError('no TOUR_SECTION', file);
  const tour: number[] = [];
  const seen = new Uint8Array(n);
  for (let i = start + 1; i < lines.length; i++) {
    for (const token of lines[i].trim().split(/\s+/)) {
      if (token === '') continue;
      const id = Number(token);
      if (id === -1 || token === 'EOF') return finish(tour, n, file, i + 1);
      if (!Number.isInteger(id) || id < 1 || id > n || seen[id - 1])
        throw new ProblemError(`city ${token} is not in 1..${n} or repeated`, file, i + 1);
      seen[id - 1] = 1;
      tour.push(id - 1);
    }
  }
  return finish(tour, n, file, lines.length);
}

function finish(tour: number[], n: number, file: string, line: number): Int32Array {
  if (tour.length !== n) throw new ProblemError(`the tour visits ${tour.length} of ${n} cities`, file, line);
  return Int32Array.from(tour);
}

/** A TSPLIB .tour file for `tour` (1-based city ids, -1 terminated). */
export function formatTourFile(problem: ProblemData, tour: Int32Array, length: number | null): string {
  const lines = [`NAME : ${problem.name}.tour`, `COMMENT : Kiln tour${length === null ? '' : `, length ${length}`}`, 'TYPE : TOUR', `DIMENSION : ${tour.length}`, 'TOUR_SECTION'];
  for (const city of tour) lines.push(String(city + 1));
  lines.push('-1', 'EOF', '');
  return lines.join('\n');
}
