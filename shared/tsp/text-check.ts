/**
 * Files people drop or name are not always text: a binary file's bytes must neither reach a parser (which
 * would quote them back) nor an error message shown on the page or printed to a terminal (where escape
 * sequences would act).
 */

/** True when the first 8 KiB hold a NUL byte, or more than 5 % control bytes other than tab, CR, LF and FF. */
export function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 8192);
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if (byte < 32 && byte !== 9 && byte !== 10 && byte !== 12 && byte !== 13) control++;
  }
  // Invalid UTF-8 also marks binary (a .tsp is ASCII; a CSV may be UTF-8).
  if (control > sample.length * 0.05) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, lastCompleteUtf8(sample)));
    return false;
  } catch {
    return true;
  }
}

/** Length of `bytes` without a UTF-8 sequence cut off at its end (the sample may split one). */
function lastCompleteUtf8(bytes: Uint8Array): number {
  const end = bytes.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = bytes[end - back];
    if ((byte & 0xc0) !== 0x80) {
      const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
      return need > back ? end - back : end;
    }
  }
  return end;
}

/** An error message fit to show: control and replacement characters escaped, at most 300 characters. */
export function cleanErrorText(message: string): string {
  const clean = message.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]/g, (c) =>
    c === '\ufffd' ? '?' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return clean.length > 300 ? `${clean.slice(0, 299)}…` : clean;
}
