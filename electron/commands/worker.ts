/** `kiln worker`: offers this machine's cores to a Kiln router as `kiln.anneal` callees. */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { startWorker } from '../compute/worker.ts';
import { UsageError, type Command } from './command.ts';
import { credentialsFrom, parseCount, parseRouterUrl, waitForShutdown } from './options.ts';

const usage = `usage: kiln worker --router ws://HOST:PORT/ws [options]

Registers this machine's cores as compute callees (kiln.anneal) on a Kiln or Crossbar.io router, and
reconnects with backoff whenever the router goes away. Stops cleanly on SIGINT or SIGTERM.

options:
  --router URL        the router's WebSocket URL (required)
  --authid ID         the identity to join as
  --ticket-file PATH  a file holding the ticket for --authid (or set KILN_TICKET)
  --threads N         compute threads, and so concurrent calls taken (default: every core)
  --id ID             this worker's id in the machines list (default HOST-PID)
  -h, --help          show this help`;

async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      router: { type: 'string' },
      authid: { type: 'string' },
      'ticket-file': { type: 'string' },
      threads: { type: 'string', default: String(cpus().length) },
      id: { type: 'string' },
    },
  });
  if (values.router === undefined) throw new UsageError('worker: --router is required');
  const worker = startWorker({
    url: parseRouterUrl(values.router),
    credentials: credentialsFrom(values.authid, values['ticket-file']),
    threads: parseCount(values.threads, '--threads', 1, 1024),
    workerId: values.id,
    log: (message) => console.error(message),
  });
  console.log(`worker ${worker.workerId} offering ${worker.threads} threads to ${values.router}`);
  await waitForShutdown();
  await worker.close();
  return 0;
}

export const command: Command = { usage, run };
