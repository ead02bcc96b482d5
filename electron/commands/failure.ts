/**
 * How a failed command is told: one line `kiln <command>: message` on stderr (`kiln: message` before
 * any command is known), and the exit code: 2 for bad input (a UsageError, with the command's usage
 * line when it asks for it), 1 for anything else. Messages never carry a prefix of their own.
 */
import { UsageError } from './command.ts';

/** Prints `error` as the failure of `kiln <name>` (its usage text for a UsageError that shows it); answers the exit code. */
export function reportFailure(error: unknown, name?: string, usage?: string): number {
  const prefix = name === undefined ? 'kiln' : `kiln ${name}`;
  // parseArgs's own refusals (ERR_PARSE_ARGS_*) are bad input too, should one get past command-line.ts.
  const code = (error as { code?: unknown }).code;
  const errorCode = typeof code === 'string' ? code : '';
  if (error instanceof UsageError || errorCode.startsWith('ERR_PARSE_ARGS')) {
    console.error(`${prefix}: ${(error as Error).message}`);
    if (error instanceof UsageError && error.showUsage && usage !== undefined && name !== undefined) {
      console.error(`${usage.split('\n')[0]}\nRun 'kiln ${name} --help' for its options.`);
    }
    return 2;
  }
  // System errors (a busy port, a missing file) say all in their message; anything else is a bug: its stack helps.
  if (/^E[A-Z]+$/.test(errorCode)) console.error(`${prefix}: ${(error as Error).message}${portHint(errorCode, name)}`);
  else console.error(`${prefix}:`, error);
  return 1;
}

/** A busy port is the one system error whose way out is a flag of the command: `serve` and `router` say which. */
function portHint(code: string, name: string | undefined): string {
  const takesPort = name === 'serve' || name === 'router';
  return code === 'EADDRINUSE' && takesPort ? ' (another program, or another Kiln, listens there: --port N picks another port, --port 0 a free one)' : '';
}
