/**
 * The state directory a command was given (--state-dir) or the default one, checked before the command
 * does anything with it. A command that only reads it (`kiln runs list`) creates nothing; one that
 * writes it (`kiln serve`) makes it when missing, and refuses a path that cannot be one (a file,
 * a folder below a file, no permission) in one line before it starts anything.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { defaultStateDir } from '../tls/tls-identity.ts';
import { UsageError } from './command.ts';

/** A --state-dir that names no directory is a typo: said so, rather than made there and listed as empty. The default may be missing (nothing kept yet). */
export function existingStateDir(flag: string | undefined): string {
  if (flag === undefined) return defaultStateDir();
  if (!isDirectory(flag))
    throw new UsageError(`--state-dir ${flag}: no such directory (kiln serve --state-dir makes one; the default is ${defaultStateDir()})`);
  return flag;
}

/** The state directory made (owner-only) when missing, and checked to be a directory this process can write. */
export function preparedStateDir(flag: string | undefined): string {
  const dir = flag ?? defaultStateDir();
  const refuse = (reason: string) => new UsageError(`${flag === undefined ? 'the state directory' : '--state-dir'} ${dir}: ${reason}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw refuse('a part of this path is a file, not a folder');
    if (code !== 'EEXIST') throw refuse(`cannot make it (${code ?? (error as Error).message})`);
  }
  if (!isDirectory(dir)) throw refuse('not a directory');
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw refuse(`cannot write there (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return dir;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
