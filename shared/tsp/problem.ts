/**
 * The one entry point for a user's file, and the content hash that names a problem across machines:
 * workers cache problems by hash and fetch the data only when they have not seen it.
 */
import { parseCsv } from './csv.ts';
import { unsolvableReason } from './limits.ts';
import { parseTsplib } from './tsplib.ts';
import { ProblemError, type ProblemData } from './types.ts';

/**
 * Parses a problem file by its extension (.tsp, or .csv/.tsv/.txt), or, for any other name, by its content:
 * a first line that starts with a TSPLIB keyword ("NAME", "TYPE", ... followed by ':' or a section) is TSPLIB.
 */
export function parseProblemFile(fileName: string, text: string): ProblemData {
  const problem = parseByKind(fileName, text);
  // A file that parses but that no run could solve is refused here, with its name, not later on the wire.
  const reason = unsolvableReason(problem);
  if (reason !== undefined) throw new ProblemError(`cannot be solved: ${reason}`, fileName);
  return problem;
}

function parseByKind(fileName: string, text: string): ProblemData {
  const ext = fileName.slice(fileName.lastIndexOf('.') + 1).toLowerCase();
  if (ext === 'tsp') return parseTsplib(text, fileName);
  if (ext === 'csv' || ext === 'tsv' || ext === 'txt') return parseCsv(text, fileName);
  return looksLikeTsplib(text) ? parseTsplib(text, fileName) : parseCsv(text, fileName);
}

function looksLikeTsplib(text: string): boolean {
  const firstLine = text.trimStart().split('\n', 1)[0];
  return /^[A-Z_]+\s*(:|$)/.test(firstLine.trim());
}

/**
 * A 64-bit FNV-1a hash (16 hex digits) of what defines the problem: edge weight type, n, coordinates,
 * matrix and labels. Name, comment and optimum are metadata and left out, so a renamed copy shares the
 * cache entry. Not cryptographic: it names content, it does not authenticate it. Typed arrays are hashed
 * as their bytes in platform order (little-endian on every platform Kiln runs on).
 */
export function problemHash(data: ProblemData): string {
  const h = new Fnv1a64();
  h.update(new TextEncoder().encode(`kiln-problem-v1|${data.edgeWeightType}|${data.n}|`));
  for (const part of [data.xs, data.ys, data.matrix]) {
    // A marker per part keeps "no xs, ys = A" apart from "xs = A, no ys".
    h.update(Uint8Array.of(part ? 1 : 0));
    if (part) h.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  }
  if (data.labels) h.update(new TextEncoder().encode(JSON.stringify(data.labels)));
  return h.hex();
}

/** FNV-1a, 64-bit, on two 32-bit halves (BigInt would be ~50x slower on pla85900's 1.4 MB). */
export class Fnv1a64 {
  private hi = 0xcbf29ce4;
  private lo = 0x84222325;

  update(bytes: Uint8Array): void {
    let { hi, lo } = this;
    for (let p = 0; p < bytes.length; p++) {
      lo ^= bytes[p];
      // (hi:lo) * 0x100000001b3 mod 2^64 = (hi:lo) * 0x1b3 + (lo << 40).
      const a = (lo & 0xffff) * 0x1b3;
      const b = (lo >>> 16) * 0x1b3 + (a >>> 16);
      hi = (Math.imul(hi, 0x1b3) + (b >>> 16) + (lo << 8)) >>> 0;
      lo = ((a & 0xffff) | (b << 16)) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
  }

  hex(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}
