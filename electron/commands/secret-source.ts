/**
 * Where `kiln worker --join` reads its link: never from the command line, which every local user
 * can read (/proc/PID/cmdline, ps). `-` reads standard input, `env` the KILN_JOIN environment variable
 * (readable only by the same user), anything else is a file that only its owner may read (secret-file.ts).
 */
import { UsageError } from './command.ts';
import { readOwnerOnlyFile } from './secret-file.ts';

export const JOIN_ENV = 'KILN_JOIN';
/** A join link is a few hundred bytes; anything much longer is not one. */
const MAX_LINK = 4096;

export async function readJoinLink(source: string): Promise<string> {
  if (/^https?:\/\//i.test(source)) {
    throw new UsageError(
      `--join takes where to read the link, not the link itself: on the command line it is readable by every user of this machine. ` +
        `Use --join - (standard input), --join env (${JOIN_ENV}), or --join FILE (mode 0600).`,
    );
  }
  const text = source === '-' ? await readStdin() : source === 'env' ? fromEnv() : readOwnerOnlyFile(source, `--join ${source}`, MAX_LINK);
  const link = text
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '');
  if (link === undefined) throw new UsageError(`--join ${source}: no link there`);
  return link;
}

function fromEnv(): string {
  const value = process.env[JOIN_ENV];
  if (value === undefined || value.trim() === '') throw new UsageError(`--join env: ${JOIN_ENV} is not set`);
  return value;
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += (chunk as Buffer).toString('utf8');
    // The first line is the link: stop there, so an interactive paste needs no Ctrl-D.
    if (text.includes('\n') || text.length > MAX_LINK) break;
  }
  process.stdin.pause();
  if (text.length > MAX_LINK) throw new UsageError(`--join -: more than ${MAX_LINK} bytes on standard input, not a join link`);
  return text;
}
