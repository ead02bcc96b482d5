/**
 * City lists as CSV, in and out. Accepted: "x,y", "name,x,y", or any columns with a header naming x/y or
 * latitude/longitude (plus an optional name column); comma, semicolon or tab delimited; RFC 4180 quoting.
 *
 * Latitude/longitude in decimal degrees become TSPLIB GEO: they are converted to GEO's DDD.MM form, so the
 * distance is TSPLIB's great-circle distance in whole kilometres and the problem can be saved as a .tsp.
 * Whole kilometres are coarse for cities closer than a few km apart; for such data give projected x/y
 * coordinates in metres instead (EUC_2D, whole units).
 */
import { MAX_DIMENSION, baseName } from './tsplib.ts';
import { ProblemError, type ProblemData, type Tour } from './types.ts';

const DELIMITERS = ['\t', ';', ','] as const;
/** Header names, matched case-insensitively after trimming. */
const COLUMN_NAMES = {
  x: ['x'],
  y: ['y'],
  lat: ['lat', 'latitude'],
  lon: ['lon', 'lng', 'long', 'longitude'],
  name: ['name', 'id', 'city', 'label', 'node'],
} as const;
type Column = keyof typeof COLUMN_NAMES;
const RECOGNISED = Object.values(COLUMN_NAMES).flat().join(', ');
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;

interface CsvRecord {
  fields: string[];
  line: number;
}

/** Parses a CSV city list. Throws ProblemError with the line for anything it cannot read unambiguously. */
export function parseCsv(text: string, fileName?: string): ProblemData {
  const fail = (message: string, line?: number) => new ProblemError(message, fileName, line);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a BOM, as spreadsheet exports write
  const delimiter = detectDelimiter(text);
  if (!delimiter) throw fail('cannot read this as CSV: expected two or more columns separated by commas, semicolons or tabs', 1);
  const records = readRecords(text, delimiter, fileName);
  const first = records.next();
  if (first.done) throw fail('empty file: expected a CSV city list', 1);

  const columns = headerColumns(first.value, fail);
  const width = first.value.fields.length;
  let layout: Partial<Record<Column, number>>;
  if (columns) {
    layout = columns;
  } else if (width === 2) {
    layout = { x: 0, y: 1 };
  } else if (width === 3) {
    layout = { name: 0, x: 1, y: 2 };
  } else {
    throw fail(`${width} columns and no header: add a header row naming the coordinate columns (${RECOGNISED})`, first.value.line);
  }
  const geo = layout.x === undefined;
  const [cx, cy] = geo ? [layout.lat!, layout.lon!] : [layout.x!, layout.y!];
  const [nameX, nameY] = geo ? ['latitude', 'longitude'] : ['x', 'y'];

  const xs: number[] = [];
  const ys: number[] = [];
  const labels: string[] | undefined = layout.name === undefined ? undefined : [];
  const number = (r: CsvRecord, column: number, what: string): number => {
    let field = r.fields[column].trim();
    // Semicolon and tab files from European spreadsheets write decimal commas.
    if (delimiter !== ',' && DECIMAL_COMMA.test(field)) field = field.replace(',', '.');
    const v = Number(field);
    if (!DECIMAL.test(field) || !Number.isFinite(v)) {
      throw fail(
        `expected a number for ${what} (column ${column + 1}), found '${r.fields[column]}'${columns ? '' : ` (no header recognised; known names: ${RECOGNISED})`}`,
        r.line,
      );
    }
    return v;
  };
  const take = (r: CsvRecord) => {
    if (r.fields.length !== width) throw fail(`expected ${width} fields like line ${first.value.line}, found ${r.fields.length}`, r.line);
    if (xs.length === MAX_DIMENSION) throw fail(`more than ${MAX_DIMENSION} cities`, r.line);
    let a = number(r, cx, nameX);
    let b = number(r, cy, nameY);
    if (geo) {
      if (Math.abs(a) > 90) throw fail(`latitude ${a} is outside -90..90`, r.line);
      if (Math.abs(b) > 180) throw fail(`longitude ${b} is outside -180..180`, r.line);
      a = decimalToDdmm(a);
      b = decimalToDdmm(b);
    }
    xs.push(a);
    ys.push(b);
    labels?.push(r.fields[layout.name!].trim());
  };
  if (!columns) take(first.value);
  for (const r of records) take(r);
  if (xs.length === 0) throw fail('a header but no cities', first.value.line);

  return {
    name: fileName ? baseName(fileName) : 'csv',
    comment: geo ? 'from CSV latitude/longitude in decimal degrees, as TSPLIB GEO (great-circle km)' : undefined,
    n: xs.length,
    edgeWeightType: geo ? 'GEO' : 'EUC_2D',
    xs: Float64Array.from(xs),
    ys: Float64Array.from(ys),
    labels,
  };
}

/** Column indices from a header row, or null when the row names no known column (then it is data). */
function headerColumns({ fields, line }: CsvRecord, fail: (message: string, line: number) => ProblemError): Partial<Record<Column, number>> | null {
  const found: Partial<Record<Column, number>> = {};
  let any = false;
  fields.forEach((f, i) => {
    const key = f.trim().toLowerCase();
    for (const column of Object.keys(COLUMN_NAMES) as Column[]) {
      if ((COLUMN_NAMES[column] as readonly string[]).includes(key) && found[column] === undefined) {
        found[column] = i;
        any = true;
      }
    }
  });
  if (!any) return null;
  if (found.x !== undefined && found.y !== undefined) return { x: found.x, y: found.y, name: found.name };
  if (found.lat !== undefined && found.lon !== undefined) return { lat: found.lat, lon: found.lon, name: found.name };
  throw fail(`the header names no coordinate pair: expected columns x and y, or latitude and longitude (${RECOGNISED})`, line);
}

/**
 * The delimiter that splits the first two records into the same number (two or more) of fields, trying tab,
 * then semicolon, then comma: "1,5;2,5" is two decimal-comma numbers, not three fields. Later records that
 * disagree are then reported with their line.
 */
function detectDelimiter(text: string): string | undefined {
  return DELIMITERS.find((d) => {
    let width = 0;
    let count = 0;
    try {
      for (const r of readRecords(text, d)) {
        if (r.fields.length < 2 || (width && r.fields.length !== width)) return false;
        width = r.fields.length;
        if (++count === 2) break;
      }
    } catch {
      // A quoting error: judge by the records before it; the real parse then reports it with its line.
    }
    return count > 0;
  });
}

/** RFC 4180 records (quoted fields may hold delimiters, quotes as "" and newlines); blank lines skipped. */
function* readRecords(text: string, delimiter: string, fileName?: string): Generator<CsvRecord> {
  let pos = 0;
  let line = 1;
  const n = text.length;
  while (pos < n) {
    const start = line;
    const fields: string[] = [];
    let blank = true;
    for (;;) {
      let field = '';
      if (text[pos] === '"') {
        const open = line;
        pos++;
        for (;;) {
          if (pos >= n) throw new ProblemError('a quoted field is never closed', fileName, open);
          const c = text[pos++];
          if (c === '"') {
            if (text[pos] !== '"') break;
            pos++;
          } else if (c === '\n') line++;
          field += c;
        }
        blank = false;
        const after = text[pos];
        if (pos < n && after !== delimiter && after !== '\n' && after !== '\r') {
          throw new ProblemError(`unexpected '${after}' after a closing quote`, fileName, line);
        }
      } else {
        const s = pos;
        while (pos < n && text[pos] !== delimiter && text[pos] !== '\n') pos++;
        field = text.slice(s, pos).replace(/\r$/, '');
        if (field.trim() !== '') blank = false;
      }
      fields.push(field);
      if (text[pos] === delimiter) {
        pos++;
        blank = false;
        continue;
      }
      if (text[pos] === '\r') pos++;
      if (text[pos] === '\n') {
        pos++;
        line++;
      }
      break;
    }
    if (!blank) yield { fields, line: start };
  }
}

/** Decimal degrees to TSPLIB's DDD.MM (minutes as the fraction); GEO's reader inverts this exactly in reals. */
export function decimalToDdmm(v: number): number {
  const deg = Math.trunc(v);
  return deg + (v - deg) * 0.6;
}

export function ddmmToDecimal(v: number): number {
  const deg = Math.trunc(v);
  return deg + (v - deg) / 0.6;
}

/**
 * A tour as CSV, one row per visit: order (1-based), name (the city's label, else its 1-based id), and its
 * coordinates (latitude/longitude in decimal degrees for GEO; omitted when the problem has none).
 */
export function formatTourCsv(data: ProblemData, tour: Tour): string {
  const { xs, ys, labels } = data;
  const geo = data.edgeWeightType === 'GEO';
  const head = ['order', labels ? 'name' : 'id'];
  if (xs && ys) head.push(...(geo ? ['latitude', 'longitude'] : ['x', 'y']));
  const rows = [head.join(',')];
  for (let p = 0; p < tour.length; p++) {
    const c = tour[p];
    const row = [String(p + 1), labels ? quote(labels[c]) : String(c + 1)];
    if (xs && ys) row.push(String(geo ? ddmmToDecimal(xs[c]) : xs[c]), String(geo ? ddmmToDecimal(ys[c]) : ys[c]));
    rows.push(row.join(','));
  }
  return `${rows.join('\n')}\n`;
}

function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}
