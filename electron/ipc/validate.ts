/**
 * Checks on everything the renderer sends to the main process. The renderer is treated as
 * untrusted: arguments are checked for count, type and size, and file names are reduced to a safe
 * base name that only seeds the save dialog (paths come from dialogs, never from the renderer).
 */

/** Larger than any TSPLIB file Kiln accepts (a 5,000-city EXPLICIT full matrix is ~125 MB of text). */
export const MAX_OPEN_BYTES = 256 * 2 ** 20;
/** Larger than a 200,000-city tour or CSV, or a PNG of the map on a large HiDPI screen. */
export const MAX_SAVE_BYTES = 64 * 2 ** 20;
const MAX_NAME_LENGTH = 200;

class IpcInputError extends Error {
  override name = 'IpcInputError';
}

export interface SaveRequest {
  fileName: string;
  content: string | Uint8Array;
}

/** saveFile(suggestedName, content): exactly two arguments, a name and a string or bytes under the limit. */
export function parseSaveRequest(args: readonly unknown[]): SaveRequest {
  if (args.length !== 2) throw new IpcInputError(`saveFile takes 2 arguments, got ${args.length}`);
  const [name, content] = args;
  if (typeof name !== 'string') throw new IpcInputError('saveFile: the suggested name must be a string');
  if (typeof content === 'string') {
    // UTF-16 code units bound the UTF-8 size from below; the exact size is checked once encoded.
    if (content.length > MAX_SAVE_BYTES || Buffer.byteLength(content) > MAX_SAVE_BYTES) throw tooLarge();
  } else if (content instanceof Uint8Array) {
    if (content.byteLength > MAX_SAVE_BYTES) throw tooLarge();
  } else {
    throw new IpcInputError('saveFile: the content must be a string or a Uint8Array');
  }
  return { fileName: safeFileName(name), content };
}

/** No arguments at all (openFile). */
export function expectNoArguments(channel: string, args: readonly unknown[]): void {
  if (args.length !== 0) throw new IpcInputError(`${channel} takes no arguments, got ${args.length}`);
}

/** Far above any valid router setting (a 2 KiB URL, a 4 KiB path, short names). */
export const MAX_ROUTER_SETTINGS_BYTES = 16 * 2 ** 10;

/**
 * saveRouterSettings(settings): exactly one plain object of bounded size. Its fields are the store's
 * to check (electron/settings/router-settings-store.ts), which answers the form with the field at fault.
 */
export function parseRouterSettingsRequest(args: readonly unknown[]): Record<string, unknown> {
  if (args.length !== 1) throw new IpcInputError(`saveRouterSettings takes 1 argument, got ${args.length}`);
  const [value] = args;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new IpcInputError('saveRouterSettings: the settings must be an object');
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(value));
  } catch {
    throw new IpcInputError('saveRouterSettings: the settings must be plain data'); // cycles, BigInt
  }
  if (size > MAX_ROUTER_SETTINGS_BYTES) throw new IpcInputError(`saveRouterSettings: the settings are larger than ${MAX_ROUTER_SETTINGS_BYTES / 2 ** 10} KiB`);
  return value as Record<string, unknown>;
}

/**
 * A suggested file name reduced to a plain base name: no directories, no characters that Windows
 * or macOS refuse, no control characters, not hidden, at most 200 characters.
 */
export function safeFileName(suggested: string): string {
  const base = suggested.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim()
    .slice(0, MAX_NAME_LENGTH);
  return cleaned === '' ? 'kiln-export' : cleaned;
}

function tooLarge(): IpcInputError {
  return new IpcInputError(`saveFile: the content is larger than ${MAX_SAVE_BYTES / 2 ** 20} MiB`);
}
