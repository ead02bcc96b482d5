/**
 * `kiln router`: the bare WAMP router, nothing else. With --anonymous every session may do everything,
 * which is only acceptable when nothing but this machine can connect: so --anonymous is refused unless
 * the host is a loopback address.
 */
import { parseCommandLine } from './command-line.ts';
import { UsageError, type Command } from './command.ts';
import { ALLOW_OPTIONS_USAGE, allowLists, parsePort, waitForShutdown } from './options.ts';
import { hostPolicy } from '../http/host-policy.ts';
import { anonymousAuth } from '../router/auth/anonymous.ts';
import { createRouter } from '../router/router.ts';
import { isLoopback, startRouterServer } from '../router/server.ts';
import type { RealmConfig } from '../router/types.ts';

const usage = `usage: kiln router [options]

Runs a bare WAMP router (WebSocket at ws://HOST:PORT/ws) until SIGINT or SIGTERM.

options:
  --host HOST          address to listen on (default 127.0.0.1)
  --port PORT          TCP port (default 8080; 0 picks a free one)
  --realm NAME         realm to serve (default realm1)
  --anonymous          let anonymous sessions join and do everything (loopback hosts only)
  --rawsocket-port N   also accept WAMP over RawSocket on this port
${ALLOW_OPTIONS_USAGE}
  -h, --help           show this help

Prints "ready ws://HOST:PORT/ws" once listening.`;

/** Loopback hosts, including the name, which resolves to loopback on any sane system. */
function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopback(host.replace(/^\[|\]$/g, ''));
}

async function run(args: string[]): Promise<number> {
  const { values } = parseCommandLine({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8080' },
      realm: { type: 'string', default: 'realm1' },
      anonymous: { type: 'boolean', default: false },
      'rawsocket-port': { type: 'string' },
      'allow-host': { type: 'string', multiple: true },
      'allow-origin': { type: 'string', multiple: true },
    },
  });
  const host = values.host;
  const { allowHosts, allowOrigins } = allowLists(values['allow-host'], values['allow-origin']);
  if (!values.anonymous) {
    throw new UsageError('no way to join configured; pass --anonymous (loopback hosts only)');
  }
  if (!isLoopbackHost(host)) {
    throw new UsageError(`--anonymous lets anyone who can connect do everything, so it is refused on the non-loopback host '${host}'; use --host 127.0.0.1`);
  }
  const realm: RealmConfig = {
    name: values.realm,
    auth: [anonymousAuth({ role: 'anonymous' })],
    roles: [{ name: 'anonymous', permissions: [{ uri: '', match: 'prefix', allow: { call: true, register: true, publish: true, subscribe: true } }] }],
  };
  const router = createRouter({
    realms: [realm],
    log: (level, message) => {
      if (level !== 'debug') console.error(`${level}: ${message}`);
    },
  });
  const server = await startRouterServer({
    router,
    host,
    port: parsePort(values.port, '--port'),
    limits: router.limits,
    // Web pages from other origins must not reach an anonymous router through the user's browser.
    hostPolicy: hostPolicy(allowHosts, allowOrigins),
    rawSocketPort: values['rawsocket-port'] === undefined ? undefined : parsePort(values['rawsocket-port'], '--rawsocket-port'),
  });
  // Handlers first: a signal sent as soon as the ready line is read must find them installed.
  const shutdown = waitForShutdown();
  console.log(`ready ${server.url}`);
  await shutdown;
  // GOODBYE wamp.close.system_shutdown to every session first, then the transports go.
  router.close();
  await server.close();
  return 0;
}

export const command: Command = { usage, run };
