/**
 * `kiln <command> [options]`: the headless entry point (bin/kiln.mjs runs its bundle, build/cli.mjs). Each command
 * lives in electron/commands/<name>.ts and is loaded only when asked for, so `kiln worker` does not pay
 * for the router's modules and vice versa.
 */
import { UsageError, type Command } from './commands/command.ts';
import { reportFailure } from './commands/failure.ts';

/** Each command's one-line summary (for `kiln --help`, without loading any) and its module. */
const commands: Record<string, { summary: string; load: () => Promise<{ command: Command }> }> = {
  serve: { summary: 'run Kiln headless: router, orchestrator, local compute and the UI', load: () => import('./commands/serve.ts') },
  worker: { summary: "offer this machine's cores to a Kiln router", load: () => import('./commands/worker.ts') },
  solve: { summary: 'solve one city set and print the result as JSON', load: () => import('./commands/solve.ts') },
  router: { summary: 'run a bare WAMP router', load: () => import('./commands/router.ts') },
  runs: { summary: 'list, show, export or delete past runs (the run history)', load: () => import('./commands/runs.ts') },
};

function help(): string {
  const lines = ['usage: kiln <command> [options]', '', 'commands:'];
  for (const [name, { summary }] of Object.entries(commands)) lines.push(`  ${name.padEnd(10)} ${summary}`);
  lines.push('', "Run 'kiln <command> --help' for a command's options.");
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    console.error(help());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return 0;
  }
  const entry = commands[name];
  if (entry === undefined) throw new UsageError(`unknown command '${name}' (commands: ${Object.keys(commands).join(', ')})`);
  const { command } = await entry.load();
  if (args.includes('--help') || args.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(args);
  } catch (error) {
    return reportFailure(error, name, command.usage);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.exitCode = reportFailure(error);
}
