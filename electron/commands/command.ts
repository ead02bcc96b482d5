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

/**
 * Thrown for bad command-line input: printed as one line `kiln <command>: message` without a stack,
 * exit code 2. With showUsage (an unknown option, an extra argument), the command's usage line follows.
 */
export class UsageError extends Error {
  readonly showUsage: boolean;

  constructor(message: string, { showUsage = false }: { showUsage?: boolean } = {}) {
    super(message);
    this.showUsage = showUsage;
  }
}
