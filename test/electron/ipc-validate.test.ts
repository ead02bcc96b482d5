/** The main process's checks on what the renderer sends (electron/ipc/validate.ts). */
import { describe, expect, it } from 'vitest';
import { MAX_SAVE_BYTES, parseSaveRequest, safeFileName } from '../../electron/ipc/validate.ts';

describe('safeFileName', () => {
  it.each([
    ['berlin52.tour', 'berlin52.tour'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Windows\\system32\\x.dll', 'x.dll'],
    ['.bashrc', 'bashrc'],
    ['a<b>:c"d|e?f*.png', 'a_b__c_d_e_f_.png'],
    ['tab\there\n.csv', 'tab_here_.csv'],
    ['', 'kiln-export'],
    ['dir/', 'kiln-export'],
    ['..', 'kiln-export'],
  ])('%j -> %j', (suggested, safe) => {
    expect(safeFileName(suggested)).toBe(safe);
  });

  it('caps the length', () => {
    expect(safeFileName('x'.repeat(1000))).toHaveLength(200);
  });
});

describe('parseSaveRequest', () => {
  it('accepts a name with text or bytes', () => {
    expect(parseSaveRequest(['a.tour', 'x'])).toEqual({ fileName: 'a.tour', content: 'x' });
    const bytes = new Uint8Array([1, 2]);
    expect(parseSaveRequest(['m.png', bytes]).content).toBe(bytes);
  });

  it.each([
    [[], /takes 2 arguments/],
    [['a', 'b', 'c'], /takes 2 arguments/],
    [[42, 'x'], /name must be a string/],
    [['a', 42], /string or a Uint8Array/],
    [['a', new ArrayBuffer(4)], /string or a Uint8Array/],
    [['a', [1, 2]], /string or a Uint8Array/],
  ])('refuses %j', (args, reason) => {
    expect(() => parseSaveRequest(args)).toThrow(reason);
  });

  it('refuses content over the limit, counted in UTF-8 bytes', () => {
    expect(() => parseSaveRequest(['a', new Uint8Array(MAX_SAVE_BYTES + 1)])).toThrow(/larger than/);
    expect(() => parseSaveRequest(['a', 'é'.repeat(MAX_SAVE_BYTES / 2 + 1)])).toThrow(/larger than/);
  });
});
