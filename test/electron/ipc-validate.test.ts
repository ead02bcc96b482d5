/** The main process's checks on what the renderer sends (electron/ipc/validate.ts). */
import { describe, expect, it } from 'vitest';
import { MAX_ROUTER_SETTINGS_BYTES, MAX_SAVE_BYTES, parseRouterSettingsRequest, parseSaveRequest, safeFileName } from '../../electron/ipc/validate.ts';

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

describe('parseRouterSettingsRequest', () => {
  it('passes one plain object on to the store, which checks its fields', () => {
    const settings = { mode: 'cluster', router: 'wss://wamp.example.org/ws' };
    expect(parseRouterSettingsRequest([settings])).toBe(settings);
  });

  it('refuses a wrong argument count, a non-object, an array and data JSON cannot carry', () => {
    expect(() => parseRouterSettingsRequest([])).toThrow(/takes 1 argument, got 0/);
    expect(() => parseRouterSettingsRequest([{ mode: 'embedded' }, 'extra'])).toThrow(/takes 1 argument, got 2/);
    for (const bad of [null, 'embedded', 7, [{ mode: 'embedded' }]]) expect(() => parseRouterSettingsRequest([bad])).toThrow(/must be an object/);
    const cyclic: Record<string, unknown> = { mode: 'cluster' };
    cyclic.self = cyclic;
    expect(() => parseRouterSettingsRequest([cyclic])).toThrow(/plain data/);
    expect(() => parseRouterSettingsRequest([{ mode: 'cluster', count: 1n }])).toThrow(/plain data/);
  });

  it('refuses settings over the size bound, counted in UTF-8 bytes', () => {
    const atLimit = { mode: 'cluster', secretFile: '' };
    atLimit.secretFile = 'x'.repeat(MAX_ROUTER_SETTINGS_BYTES - Buffer.byteLength(JSON.stringify(atLimit)));
    expect(parseRouterSettingsRequest([atLimit])).toBe(atLimit);
    expect(() => parseRouterSettingsRequest([{ mode: 'cluster', secretFile: 'é'.repeat(MAX_ROUTER_SETTINGS_BYTES / 2) }])).toThrow(/larger than 16 KiB/);
  });
});
