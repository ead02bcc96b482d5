/**
 * The contract between electron/cli.ts and each command module. It lives apart from cli.ts because
 * cli.ts awaits the command at top level: a command importing cli.ts would wait on itself.
 */

/** What a command module exports as `command`. */
export interface Command {
  /** Full usage text for `kiln <name> --help`. */
  usage: string;
  /** Runs the command with the arguments after its name; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

/** Thrown for bad command-line input: printed without a stack, exit code 2. */
export class UsageError extends Error {}
