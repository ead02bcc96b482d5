/** What the page accepts as a text file, and how an error message is made fit to show. */
import { describe, expect, it } from 'vitest';
import { cleanErrorText, looksBinary } from '../../shared/tsp/text-check.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('looksBinary', () => {
  it('takes TSPLIB, CSV with tabs and CRLF, and UTF-8 names as text', () => {
    expect(looksBinary(bytes('NAME : a\r\nTYPE : TSP\r\n'))).toBe(false);
    expect(looksBinary(bytes('x\ty\n1\t2\nZürich,3\n'))).toBe(false);
  });

  it('takes a UTF-8 character cut at the end of the 8 KiB sample as text', () => {
    const text = `${'a'.repeat(8191)}é`;
    expect(looksBinary(bytes(text))).toBe(false);
  });

  it('refuses NUL bytes, control bytes and invalid UTF-8', () => {
    expect(looksBinary(Uint8Array.of(78, 65, 0, 69))).toBe(true);
    expect(looksBinary(Uint8Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? 1 : 65)))).toBe(true);
    expect(looksBinary(Uint8Array.of(65, 0xff, 0xfe, 65))).toBe(true);
  });
});

describe('cleanErrorText', () => {
  it('escapes control characters and replacement characters, and bounds the length', () => {
    expect(cleanErrorText('bad\u0007byte \ufffd here')).toBe('bad\\x07byte ? here');
    const long = cleanErrorText('x'.repeat(1000));
    expect(long).toHaveLength(300);
    expect(long.endsWith('…')).toBe(true);
  });
});
