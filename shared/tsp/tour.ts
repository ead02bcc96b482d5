/**
 * TSPLIB .tour files: reading them (for known optimal tours, or a user's saved result) and writing them.
 * A tour file lists 1-based city ids in TOUR_SECTION, ended by -1; in memory a Tour is 0-based.
 */
import { Scanner, splitKeyword } from './scanner.ts';
import { ProblemError, type Tour } from './types.ts';

export interface ParsedTour {
  name?: string;
  comment?: string;
  tour: Tour;
}

/** Throws ProblemError unless tour is a permutation of 0..n-1. */
export function checkTour(tour: Tour, n: number, file?: string): void {
  if (tour.length !== n) throw new ProblemError(`the tour has ${tour.length} cities, the problem ${n}`, file);
  const seen = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const c = tour[p];
    if (c < 0 || c >= n) throw new ProblemError(`tour position ${p}: city ${c} is outside 0..${n - 1}`, file);
    if (seen[c]) throw new ProblemError(`tour position ${p}: city ${c} is visited twice`, file);
    seen[c] = 1;
  }
}

/**
 * Parses a .tour file for a problem with n cities. The tour must visit each of them exactly once; a
 * DIMENSION in the file, if any, must say n too.
 */
export function parseTour(text: string, n: number, fileName?: string): ParsedTour {
  const sc = new Scanner(text, fileName);
  const comments: string[] = [];
  let name: string | undefined;
  let tour: Tour | undefined;
  while (sc.skipAll()) {
    const line = sc.line;
    if (sc.atNumber()) throw sc.error(`expected a keyword, found '${sc.peekToken()}'${tour ? ' (after the -1 that ends TOUR_SECTION)' : ''}`);
    const { keyword, value } = splitKeyword(sc.readLine());
    if (keyword === 'EOF') break;
    switch (keyword) {
      case 'NAME':
        name = value;
        break;
      case 'COMMENT':
        comments.push(value);
        break;
      case 'TYPE':
        if (value.split(/\s/, 1)[0].toUpperCase() !== 'TOUR') throw sc.error(`expected TYPE: TOUR, found '${value}'`, line);
        break;
      case 'DIMENSION':
        if (!/^\d+$/.test(value) || Number(value) !== n) throw sc.error(`DIMENSION '${value}' does not match the problem's ${n} cities`, line);
        break;
      case 'TOUR_SECTION':
        if (tour) throw sc.error('a second TOUR_SECTION: only one tour per file is supported', line);
        tour = tourSection(sc, n);
        break;
      default:
        throw sc.error(`unknown keyword '${keyword}' in a tour file: expected NAME, TYPE, COMMENT, DIMENSION, TOUR_SECTION or EOF`, line);
    }
  }
  if (!tour) throw sc.error('no TOUR_SECTION');
  return { name, comment: comments.length ? comments.join('\n') : undefined, tour };
}

function tourSection(sc: Scanner, n: number): Tour {
  const tour = new Int32Array(n);
  const seenOn = new Int32Array(n); // line of each city's visit, 0 = not yet
  let count = 0;
  for (;;) {
    if (!sc.skipAll() || !sc.atNumber()) {
      throw sc.error(`TOUR_SECTION is truncated: expected ${n} city ids and -1, found ${count} ids before ${sc.describeHere()}`);
    }
    const id = sc.number(`a city id (1..${n}) or -1`);
    if (id === -1) break;
    if (!Number.isInteger(id) || id < 1 || id > n) throw sc.error(`city id ${id} is not an integer in 1..${n}`);
    // With ids in 1..n and none twice, more than n ids cannot happen: the (n+1)-th is a repeat.
    if (seenOn[id - 1]) throw sc.error(`city ${id} is visited twice (first on line ${seenOn[id - 1]})`);
    seenOn[id - 1] = sc.line;
    tour[count++] = id - 1;
  }
  if (count < n) throw sc.error(`TOUR_SECTION ends (-1) after ${count} of ${n} cities; city ${seenOn.indexOf(0) + 1} is missing`);
  return tour;
}

/** Writes a TSPLIB .tour file (1-based ids, -1, EOF). Newlines in name or comment would break the format. */
export function formatTour(name: string, tour: Tour, length?: number, comment?: string): string {
  const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').trim();
  const head = [`NAME : ${oneLine(name)}`, 'TYPE : TOUR'];
  if (comment !== undefined) for (const c of comment.split(/\r?\n/)) head.push(`COMMENT : ${c.trim()}`);
  if (length !== undefined) head.push(`COMMENT : Length ${length}`);
  head.push(`DIMENSION : ${tour.length}`, 'TOUR_SECTION');
  const ids = new Array<string>(tour.length);
  for (let p = 0; p < tour.length; p++) ids[p] = String(tour[p] + 1);
  return `${head.join('\n')}\n${ids.join('\n')}\n-1\nEOF\n`;
}
