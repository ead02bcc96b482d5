/**
 * A file a command will write (`kiln solve --out`, `kiln runs export --out`), checked before any work:
 * a missing folder, a folder given as the file, or a folder it may not write in is refused with its
 * reason in words, not after a solve's budget or as a bare ENOENT.
 */
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from './command.ts';

/** Throws a UsageError `cannot write WHAT to PATH: REASON` (with `hint` after it) when `path` cannot be written. */
export function checkWritable(path: string, what: string, hint = ''): void {
  const refuse = (reason: string) => new UsageError(`cannot write ${what} to ${path}: ${reason}${hint}`);
  const existing = statOrNull(path);
  if (existing?.isDirectory()) throw refuse('it is a directory');
  const folder = dirname(path);
  if (existing === null) {
    const parent = statOrNull(folder);
    if (parent === null) throw refuse(`the folder ${folder} does not exist`);
    if (!parent.isDirectory()) throw refuse(`${folder} is not a folder`);
  }
  try {
    accessSync(existing === null ? folder : path, constants.W_OK);
  } catch (error) {
    throw refuse(`no permission to write there (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
