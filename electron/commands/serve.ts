/**
 * `kiln serve`: the whole control center headless — router, orchestrator, local compute and the UI
 * over HTTP on one port. Prints the URL that opens the UI signed in.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { startKiln } from '../app/kiln.ts';
import { isLoopback } from '../router/server.ts';
import type { Command } from './command.ts';
import { parseCount, parsePort, waitForShutdown } from './options.ts';

const usage = `usage: kiln serve [options]

Runs Kiln headless: the WAMP router, the orchestrator, local compute and the UI on one HTTP port.
Prints "Kiln is serving http://HOST:PORT/#token=..." — open that URL in a browser.

options:
  --host HOST       address to listen on (default 127.0.0.1; use 0.0.0.0 to let LAN workers join)
  --port PORT       TCP port (default 8080; 0 picks a free one)
  --threads N       local compute threads (default: every core; 0 for none)
  --no-lan          off loopback, do not advertise over mDNS or discover LAN workers (invite links still work)
  -h, --help        show this help`;

async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8080' },
      threads: { type: 'string', default: String(cpus().length) },
      'no-lan': { type: 'boolean', default: false },
    },
  });
  const kiln = await startKiln({
    host: values.host,
    port: parsePort(values.port, '--port'),
    threads: parseCount(values.threads, '--threads', 0, 1024),
    // Only tickets, invites and invited keys are accepted (never anonymous); discovery only where LAN machines can reach us.
    lan: { discover: !isLoopback(values.host) && !values['no-lan'] },
    log: (level, message) => console.error(`${level}: ${message}`),
  });
  console.log(`Kiln is serving ${kiln.uiUrl}`);
  console.log(`router ${kiln.routerUrl}`);
  await waitForShutdown();
  await kiln.close();
  return 0;
}

export const command: Command = { usage, run };
