/**
 * Every command's options, read with node:util's parseArgs after a check of its own that says what is
 * wrong in words a user can act on. parseArgs alone (strict mode) answers `--threads -1` with an
 * "ambiguous" value and a hint about '--threads=-XYZ', and an extra argument or an unknown option with
 * text that names no command; here a negative number is a value like any other (refused, if it must
 * be, by the option's own check), and the rest is a UsageError that names the option or argument
 * and asks for the command's usage to be shown.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command.ts';

type Config = ParseArgsConfig & { args: string[]; options: NonNullable<ParseArgsConfig['options']>; strict: true };

/** "-5", "-0.5", "-.5": a value, not an option, wherever an option takes one. */
const NEGATIVE_NUMBER = /^-\.?\d/;

/** parseArgs(config) (strict), once the arguments pass checkArguments; what it returns, typed as parseArgs types it. */
export function parseCommandLine<const T extends Config>(config: T): ReturnType<typeof parseArgs<T>> {
  return parseArgs({ ...config, args: checkArguments(config) });
}

/**
 * Refuses what strict parseArgs would refuse, in plain words, plus an empty value (`--port=` is no
 * port, not port 0); answers the arguments with each negative-number value joined to its option
 * (`--budget -5` as `--budget=-5`), which strict parseArgs takes as written.
 */
function checkArguments({ args, options, allowPositionals }: Config): string[] {
  const joined: (string | null)[] = [...args];
  const { tokens } = parseArgs({ args, options, allowPositionals: true, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'positional') {
      if (!allowPositionals) throw new UsageError(`unexpected argument '${token.value}'`, { showUsage: true });
      continue;
    }
    if (token.kind !== 'option') continue;
    const option = options[token.name];
    if (option === undefined) throw new UsageError(`unknown option '${token.rawName}'`, { showUsage: true });
    if (option.type === 'boolean') {
      if (token.inlineValue) throw new UsageError(`${token.rawName} takes no value, got '${token.rawName}=${token.value}'`, { showUsage: true });
      continue;
    }
    const { value, inlineValue } = token;
    if (value === undefined || (!inlineValue && value.startsWith('-') && value.length > 1 && !NEGATIVE_NUMBER.test(value)))
      throw new UsageError(
        `${token.rawName} needs a value${value === undefined ? '' : ` (the next argument, '${value}', is an option; write ${token.rawName}=${value} if it is the value)`}`,
        {
          showUsage: true,
        },
      );
    if (value === '') throw new UsageError(`${token.rawName} needs a value, got an empty one`, { showUsage: true });
    if (!inlineValue && token.rawName.startsWith('--')) {
      joined[token.index] = `${token.rawName}=${value}`;
      joined[token.index + 1] = null;
    }
  }
  return joined.filter((arg) => arg !== null);
}
