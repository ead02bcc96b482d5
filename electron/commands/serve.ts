/**
 * `kiln serve`: the whole control center headless — router, orchestrator, local compute and the UI
 * over HTTP on one port. Prints the URL that opens the UI signed in. With --router, the control
 * center joins an external router under its own name instead (app/cluster-center.ts).
 */
import { randomInt } from 'node:crypto';
import { cpus } from 'node:os';
import { parseCommandLine } from './command-line.ts';
import { CENTER_NAME } from '../../shared/protocol/uris.ts';
import { startClusterCenter } from '../app/cluster-center.ts';
import { startKiln } from '../app/kiln.ts';
import { loadOrCreateControlCenterKey } from '../lan/control-center-key.ts';
import { loadOrCreateTlsIdentity } from '../tls/tls-identity.ts';
import { isLoopback } from '../router/server.ts';
import { UsageError, type Command } from './command.ts';
import { JOIN_OPTIONS, JOIN_USAGE, joinSettingsFrom } from './join-options.ts';
import { ALLOW_OPTIONS_USAGE, allowLists, parseCount, parsePinnedFingerprint, parsePort, parseRouterUrl, waitForShutdown } from './options.ts';
import { preparedStateDir } from './state-dir.ts';
import type { TlsIdentity } from '../tls/tls-identity.ts';

/** A crowd of 1,000 donors plus the control center's own sessions and a few machines fits. */
const DEFAULT_MAX_SESSIONS = 2000;

const usage = `usage: kiln serve [options]

Runs Kiln headless: the WAMP router, the orchestrator, local compute and the UI on one HTTP port.
Prints "Kiln is serving http://HOST:PORT/#token=..." — open that URL in a browser.

options:
  --host HOST       address to listen on (default 127.0.0.1; use 0.0.0.0 to let LAN workers join)
  --port PORT       TCP port (default 8080; 0 picks a free one)
  --threads N       local compute threads (default: every core; 0 for none)
  --no-lan          off loopback, do not advertise over mDNS or discover LAN workers (invite links still work)
  --tls             serve HTTPS and wss:// with a self-signed certificate (made once, kept in the state
                    directory); its SHA-256 fingerprint goes into invite links and invitations, which
                    workers pin. Browsers cannot pin: they ask the user to accept the certificate.
                    On by default off loopback.
  --insecure        off loopback, serve plain http:// and ws:// anyway: anyone on the network can read
                    and alter every session, invitation and tour. The log and the UI say so.
  --state-dir DIR   where the run history (runs/), the certificate and the key that signs
                    invitations are kept (default $XDG_CONFIG_HOME/kiln or ~/.config/kiln)
  --max-sessions N  WAMP sessions the router serves at once: donors, workers, UI windows and Kiln's
                    own parts (default ${DEFAULT_MAX_SESSIONS}); a donor page beyond it shows that Kiln is full
${ALLOW_OPTIONS_USAGE}
  -h, --help        show this help

On a router cluster (Crossbar.io, or a kiln router), instead of the embedded router:
  --router URL      join this router: the orchestrator, run history and local compute join it, the UI
                    is still served here and signs in to that router with credentials of its own
                    (this process's secret never reaches the page). No LAN invites there.
  --center NAME     this control center's name on the router (1-32 lower-case letters and digits;
                    default: a random one, printed): its procedures are kiln.center.NAME.*, so
                    several control centers share one cluster; \`kiln solve --center NAME\` uses it
${JOIN_USAGE}
  --tls-fingerprint HEX  with a wss:// --router: pin the router's self-signed certificate`;

async function run(args: string[]): Promise<number> {
  const { values } = parseCommandLine({
    args,
    strict: true,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8080' },
      threads: { type: 'string', default: String(cpus().length) },
      'no-lan': { type: 'boolean', default: false },
      tls: { type: 'boolean', default: false },
      insecure: { type: 'boolean', default: false },
      'state-dir': { type: 'string' },
      'allow-host': { type: 'string', multiple: true },
      'allow-origin': { type: 'string', multiple: true },
      'max-sessions': { type: 'string' },
      router: { type: 'string' },
      center: { type: 'string' },
      'tls-fingerprint': { type: 'string' },
      ...JOIN_OPTIONS,
    },
  });
  if (values.router !== undefined) return serveOnCluster(values, values.router);
  for (const flag of ['center', 'tls-fingerprint', 'realm', 'authid', 'authmethod', 'secret-file', 'ticket-file'] as const) {
    if (values[flag] !== undefined) throw new UsageError(`--${flag} is for a control center on a router cluster: give --router URL too`);
  }
  const maxSessions = parseCount(values['max-sessions'] ?? String(DEFAULT_MAX_SESSIONS), '--max-sessions', 4, 1_000_000);
  const { port, threads, allowed, stateDir } = servedOptions(values);
  const { tls, beyondLoopback } = servedTls(values, stateDir);
  if (beyondLoopback && values.insecure) {
    console.error(
      `warn: --insecure: serving plain http:// and ws:// on ${values.host}; anyone on the network can read and alter every session, invitation, city set and tour`,
    );
  }
  const discover = beyondLoopback && !values['no-lan'];
  const kiln = await startKiln({
    host: values.host,
    port,
    threads,
    // Only tickets, invites and invited keys are accepted (never anonymous); discovery only where LAN machines can reach us.
    lan: { discover },
    tls,
    stateDir,
    // Invitations to discovered workers are signed by the state directory's key, which workers pin.
    identity: discover ? loadOrCreateControlCenterKey(stateDir) : undefined,
    ...allowed,
    routerLimits: { maxSessions },
    log: (level, message) => console.error(`${level}: ${message}`),
  });
  const shutdown = waitForShutdown(); // installed before the lines that tell a supervisor we are up
  console.log(`Kiln is serving ${kiln.uiUrl}`);
  console.log(`router ${kiln.routerUrl}`);
  if (tls) console.log(`tls certificate sha256 ${tls.fingerprint}`);
  if (kiln.lan !== null && discover) console.log(`control center key sha256 ${kiln.lan.key.fingerprint}`);
  await shutdown;
  await kiln.close();
  return 0;
}

export const command: Command = { usage, run };

interface ServeValues {
  host: string;
  port: string;
  threads: string;
  'no-lan': boolean;
  tls: boolean;
  insecure: boolean;
  'state-dir'?: string;
  'allow-host'?: string[];
  'allow-origin'?: string[];
  'max-sessions'?: string;
  center?: string;
  'tls-fingerprint'?: string;
  realm?: string;
  authid?: string;
  authmethod?: string;
  'secret-file'?: string;
  'ticket-file'?: string;
}

/**
 * The options both ways of serving take, checked before anything is made or started; the state directory
 * last, as it is made when missing. A file named there is one line, not a local worker's failures first.
 */
function servedOptions(values: ServeValues): { port: number; threads: number; allowed: ReturnType<typeof allowLists>; stateDir: string } {
  if (values.tls && values.insecure) throw new UsageError('give --tls or --insecure, not both');
  const port = parsePort(values.port, '--port');
  const threads = parseCount(values.threads, '--threads', 0, 1024);
  const allowed = allowLists(values['allow-host'], values['allow-origin']);
  return { port, threads, allowed, stateDir: preparedStateDir(values['state-dir']) };
}

/**
 * --tls and --insecure: the certificate the UI (and the embedded router) is served with, made once in the
 * state directory. Off loopback, everything is encrypted unless the user says otherwise, in so many words.
 */
function servedTls(values: ServeValues, stateDir: string): { tls: TlsIdentity | undefined; beyondLoopback: boolean } {
  const beyondLoopback = !isLoopback(values.host) && values.host !== 'localhost';
  return { tls: values.tls || (beyondLoopback && !values.insecure) ? loadOrCreateTlsIdentity(stateDir) : undefined, beyondLoopback };
}

/** `kiln serve --router URL`: this control center on an external router (see cluster-center.ts). */
async function serveOnCluster(values: ServeValues, router: string): Promise<number> {
  if (values['max-sessions'] !== undefined)
    throw new UsageError("--max-sessions limits Kiln's embedded router; with --router, the router's own configuration does");
  const url = parseRouterUrl(router);
  const center = values.center ?? randomCenterName();
  if (!CENTER_NAME.test(center)) throw new UsageError(`--center must be 1-32 lower-case letters and digits, got '${center}'`);
  const tlsFingerprint = parsePinnedFingerprint(values['tls-fingerprint'], url);
  const { realm, credentials } = joinSettingsFrom(values);
  const { port, threads, allowed, stateDir } = servedOptions(values);
  const { tls } = servedTls(values, stateDir);
  let lost: (message: string) => void = () => {};
  const sessionLost = new Promise<string>((resolve) => (lost = resolve));
  const running = await startClusterCenter({
    router: { url, realm, credentials, tlsFingerprint },
    center,
    host: values.host,
    port,
    threads,
    tls,
    stateDir,
    ...allowed,
    log: (level, message) => console.error(`${level}: ${message}`),
    onLost: (message) => lost(message),
  });
  const shutdown = waitForShutdown();
  console.log(`Kiln is serving ${running.uiUrl}`);
  console.log(`control center ${center} on ${url} (realm ${realm})`);
  const ended = await Promise.race([shutdown.then(() => null), sessionLost]);
  await running.close();
  if (ended === null) return 0;
  console.error(`kiln serve: ${ended}`);
  return 1;
}

/** A control center name nobody else on the router is likely to have picked. */
function randomCenterName(): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length: 8 }, () => letters[randomInt(letters.length)]).join('');
}
