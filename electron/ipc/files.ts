/**
 * What the open and save dialogs do with the paths the user picked: read a city set (bounded) or
 * write an export. The dialogs themselves are injected, so this module runs (and is tested) without
 * Electron; main.ts passes Electron's.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { OpenedFile } from '../../shared/desktop-bridge.ts';
import { MAX_OPEN_BYTES, type SaveRequest } from './validate.ts';

export interface FileFilter {
  name: string;
  extensions: string[];
}

export interface Dialogs {
  /** The path the user chose to open, or null when cancelled. */
  chooseOpenPath(filters: FileFilter[]): Promise<string | null>;
  /** The path the user chose to save to, or null when cancelled. */
  chooseSavePath(defaultName: string, filters: FileFilter[]): Promise<string | null>;
}

const OPEN_FILTERS: FileFilter[] = [
  { name: 'City sets (TSPLIB, CSV)', extensions: ['tsp', 'csv', 'txt'] },
  { name: 'Tours (TSPLIB)', extensions: ['tour'] },
  { name: 'All files', extensions: ['*'] },
];

export interface FileActions {
  open(): Promise<OpenedFile | null>;
  save(request: SaveRequest): Promise<boolean>;
}

export function fileActions(dialogs: Dialogs): FileActions {
  return {
    open: async () => {
      const path = await dialogs.chooseOpenPath(OPEN_FILTERS);
      if (path === null) return null;
      const { size } = await stat(path);
      if (size > MAX_OPEN_BYTES)
        throw new Error(`${basename(path)} is ${Math.ceil(size / 2 ** 20)} MiB; Kiln opens files up to ${MAX_OPEN_BYTES / 2 ** 20} MiB`);
      return { name: basename(path), text: await readFile(path, 'utf8') };
    },
    save: async ({ fileName, content }) => {
      const path = await dialogs.chooseSavePath(fileName, saveFilters(fileName));
      if (path === null) return false;
      await writeFile(path, content);
      return true;
    },
  };
}

/** The suggested name's own type first, so the dialog keeps its extension. */
function saveFilters(fileName: string): FileFilter[] {
  const extension = extname(fileName).slice(1).toLowerCase();
  const all = { name: 'All files', extensions: ['*'] };
  return extension === '' ? [all] : [{ name: `${extension.toUpperCase()} file`, extensions: [extension] }, all];
}
