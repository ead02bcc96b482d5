/**
 * Reading a credential (a ticket, a WAMP-CRA secret, a private key, a join link) from a file: it must
 * be a regular file that only its owner can read, as ssh insists for keys, and no larger than such a
 * credential can be. One reader for --secret-file / --ticket-file (join-options.ts) and --join FILE
 * (secret-source.ts), so both refuse the same files with the same words.
 */
import { readFileSync, statSync } from 'node:fs';
import { UsageError } from './command.ts';

/** The file's text; `what` names it in errors (e.g. "--join /path"). Throws UsageError saying why it cannot be used. */
export function readOwnerOnlyFile(path: string, what: string, maxBytes: number): string {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${what}: ${code === 'ENOENT' ? 'no such file (ENOENT)' : (code ?? (error as Error).message)}`);
  }
  if (!stats.isFile()) throw new UsageError(`${what}: not a regular file`);
  if (stats.size > maxBytes) throw new UsageError(`${what}: ${stats.size} bytes, more than the ${maxBytes} a credential takes`);
  // Windows has no such mode bits (Node reports 0o666 for every file): nothing to check there.
  if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0) {
    throw new UsageError(`${what}: readable by group or others (mode ${(stats.mode & 0o777).toString(8)}); it holds a credential: chmod 600 ${path}`);
  }
  return readFileSync(path, 'utf8');
}
