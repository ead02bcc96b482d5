/**
 * A cursor over TSPLIB-style text (problems and tours) that knows its line number, so every error can say
 * where it happened. Hand-rolled rather than split/regex: pla85900 is 1.8 MB and a quarter-million tokens.
 * Whitespace is spaces, tabs and CR/LF (CRLF files parse like LF ones).
 */
import { ProblemError } from './types.ts';

const SPACE = 32;
const TAB = 9;
const CR = 13;
const LF = 10;
const ZERO = 48;
const NINE = 57;

export class Scanner {
  pos = 0;
  line = 1;

  constructor(
    readonly text: string,
    readonly file?: string,
  ) {}

  error(message: string, line = this.line): ProblemError {
    return new ProblemError(message, this.file, line);
  }

  /** Skips spaces and tabs (and a CR) but stays on the current line. */
  skipInline(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === SPACE || c === TAB || c === CR) this.pos++;
      else return;
    }
  }

  /** Skips all whitespace, newlines included. Returns false at the end of the text. */
  skipAll(): boolean {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === SPACE || c === TAB || c === CR) this.pos++;
      else if (c === LF) {
        this.pos++;
        this.line++;
      } else return this.pos < t.length;
    }
  }

  atLineEnd(): boolean {
    return this.pos >= this.text.length || this.text.charCodeAt(this.pos) === LF;
  }

  /** The rest of the current line, trimmed, consuming its newline. */
  readLine(): string {
    const t = this.text;
    let end = t.indexOf('\n', this.pos);
    if (end < 0) end = t.length;
    const s = t.slice(this.pos, end).trim();
    this.pos = end;
    if (end < t.length) {
      this.pos++;
      this.line++;
    }
    return s;
  }

  /** The token at the cursor (up to the next whitespace) without consuming it; '' at a line end. */
  peekToken(): string {
    const t = this.text;
    let e = this.pos;
    for (;;) {
      const c = t.charCodeAt(e);
      if (e >= t.length || c === SPACE || c === TAB || c === CR || c === LF) break;
      e++;
    }
    return t.slice(this.pos, e);
  }

  /** What stands at the cursor, for "found ..." in errors. */
  describeHere(): string {
    return this.pos >= this.text.length ? 'the end of the file' : `'${this.peekToken()}'`;
  }

  /** Whether the token at the cursor begins like a number (sign, digit or point), not like a keyword. */
  atNumber(): boolean {
    const c = this.text.charCodeAt(this.pos);
    return (c >= ZERO && c <= NINE) || c === 45 /* - */ || c === 43 /* + */ || c === 46; /* . */
  }

  /**
   * Reads a finite decimal number (integer, fraction or scientific notation) at the cursor, which must be on
   * a token. `what` names it in the error: "the x coordinate of node 5". Non-decimal forms that JavaScript's
   * Number() would accept (0x1A, Infinity, 1_0) are refused.
   */
  number(what: string): number {
    const t = this.text;
    const start = this.pos;
    let e = start;
    let value = 0;
    let plainDigits = true;
    for (;;) {
      const c = t.charCodeAt(e);
      if (c >= ZERO && c <= NINE) {
        value = value * 10 + (c - ZERO);
      } else if (e >= t.length || c === SPACE || c === TAB || c === CR || c === LF) {
        break;
      } else if (c === 45 || c === 43 || c === 46 || c === 101 || c === 69) {
        plainDigits = false; // - + . e E: leave it to Number()
      } else {
        throw this.error(`expected ${what}, found '${this.peekToken() || 'end of line'}'`);
      }
      e++;
    }
    if (e === start) throw this.error(`expected ${what}, found ${this.pos >= t.length ? 'end of file' : 'end of line'}`);
    // Unsigned digit strings (most TSPLIB data) are accumulated directly; up to 15 digits this is exact.
    if (!plainDigits || e - start > 15) value = Number(t.slice(start, e));
    if (!Number.isFinite(value)) throw this.error(`expected ${what}, found '${t.slice(start, e)}'`);
    this.pos = e;
    return value;
  }

  /** Consumes the newline ending a record; anything else left on the line is an error naming `after`. */
  endOfLine(after: string): void {
    this.skipInline();
    if (this.pos >= this.text.length) return;
    if (this.text.charCodeAt(this.pos) !== LF) throw this.error(`expected the end of the line after ${after}, found '${this.peekToken()}'`);
    this.pos++;
    this.line++;
  }
}

/** Splits a header line "KEY: value", "KEY : value" or a bare "KEY"; keywords are matched in upper case. */
export function splitKeyword(line: string): { keyword: string; value: string } {
  let e = 0;
  while (e < line.length && line[e] !== ':' && line[e] !== ' ' && line[e] !== '\t') e++;
  let rest = line.slice(e).trimStart();
  if (rest.startsWith(':')) rest = rest.slice(1).trim();
  return { keyword: line.slice(0, e).toUpperCase(), value: rest };
}
