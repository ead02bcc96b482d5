/**
 * A control center on a shared router (`kiln serve --router URL`, the desktop app set to a cluster):
 * instead of starting the embedded router, its orchestrator, run history, credit, machine summary and
 * local compute join the external router with the credentials given, under the control center's name
 * (centerUris: kiln.center.<name>.*), so several control centers share the cluster's workers without
 * taking one another's names or runs. The UI is still served here, with /cluster.json saying where the
 * router is and which control center is ours; the page signs in to the router with credentials of its
 * own (this process's secret never reaches the page, a URL or a log). LAN invites and donor links are
 * the embedded router's (its own authenticators) and are not offered here.
 */
import { createServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { CLUSTER_INFO_PATH, type ClusterInfo } from '../../shared/cluster-info.ts';
import { callErrorOf, type WampSession } from '../../shared/wamp.ts';
import { startWorker } from '../compute/worker.ts';
import { guardHost, hostPolicy } from '../http/host-policy.ts';
import { serveStatic } from '../http/static-files.ts';
import { Orchestrator } from '../orchestrator/orchestrator.ts';
import { BestKnownStore } from '../runs/best-known-store.ts';
import type { TlsIdentity } from '../tls/tls-identity.ts';
import { makeWampError, openWampClient, type Credentials, type WampClient } from '../wamp/client.ts';
import { runAll } from './run-all.ts';
import { startCenterServices, type CenterServices } from './center-services.ts';
import { DEFAULT_UI_DIR } from './kiln.ts';

export interface ClusterCenterOptions {
  /** The external router: its URL, realm, this control center's credentials, and a pinned certificate if any. */
  router: { url: string; realm: string; credentials: Credentials; tlsFingerprint?: string };
  /** The control center's name on that router (CENTER_NAME). */
  center: string;
  host?: string;
  port?: number;
  /** Local compute threads (0: none); they join the router with the same credentials. */
  threads: number;
  /** Serve the UI from this directory; null serves no UI. */
  uiDir?: string | null;
  /** Serve the UI over HTTPS with this certificate. */
  tls?: TlsIdentity;
  /** Keep the run history in `<stateDir>/runs`. */
  stateDir?: string;
  allowHosts?: string[];
  allowOrigins?: string[];
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** The orchestrator's session ended for good (the router refused it, went away, or killed it). */
  onLost?: (message: string) => void;
  killQuarantined?: boolean;
}

export interface RunningClusterCenter {
  /** http(s)://host:port/ (no secret in it), or null when no UI is served. */
  uiUrl: string | null;
  info: ClusterInfo;
  orchestrator: Orchestrator;
  close(): Promise<void>;
}

export async function startClusterCenter(options: ClusterCenterOptions): Promise<RunningClusterCenter> {
  const log = options.log ?? (() => {});
  const { url, realm, credentials, tlsFingerprint } = options.router;
  const info: ClusterInfo = { router: url, realm, center: options.center };
  // Best known lengths, kept with the city sets in the state directory: the gap of runs that come without a reference.
  const bestKnown = options.stateDir ? new BestKnownStore(options.stateDir) : null;
  const { client, session, orchestrator } = await joinAsCenter(options, (hash) => bestKnown?.get(hash) ?? undefined);
  const localWorker =
    options.threads > 0
      ? startWorker({
          url,
          realm,
          credentials,
          tlsFingerprint,
          rejoinAfterShutdown: true,
          threads: options.threads,
          workerId: `${options.center}-local`,
          log: (message) => log('info', message),
        })
      : null;
  const host = options.host ?? '127.0.0.1';
  const uiDir = options.uiDir === undefined ? DEFAULT_UI_DIR : options.uiDir;
  const clusterOrigin = new URL(url).origin;
  const files = uiDir
    ? serveStatic(uiDir, 'The UI is not built: run `npm run build:renderer` (npm run serve does it for you).\n', options.tls !== undefined, clusterOrigin)
    : null;
  const body = JSON.stringify(info);
  const handler: RequestListener = guardHost(hostPolicy(options.allowHosts ?? [], options.allowOrigins), (request, response) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname === CLUSTER_INFO_PATH && request.method === 'GET') {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' }).end(body);
    } else if (files) files(request, response);
    else response.writeHead(404).end();
  });
  const http = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler) : createServer(handler);
  // Everything started so far goes when a later step fails (a taken port included), as on close().
  let services: CenterServices | undefined;
  // Each step runs even if one before it throws (run-all.ts).
  const shutDown = (): Promise<void> =>
    runAll([
      // The runs end first, as failed with the reason, so their callers hear why; then the rest leaves.
      () => orchestrator.close(),
      () => services?.stop(),
      () => localWorker?.close(),
      () => client.close(),
    ]);
  let port: number;
  try {
    services = await startCenterServices(session, orchestrator, { stateDir: options.stateDir, bestKnown, log: (message) => log('warn', message) });
    port = await new Promise<number>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 0, host, () => {
        http.off('error', reject);
        resolve((http.address() as { port: number }).port);
      });
    });
  } catch (error) {
    // The error that stopped the start is the one to report; a cleanup step's own goes to the log.
    await shutDown().catch((cleanup: unknown) =>
      log('warn', `cleaning up after a failed start: ${cleanup instanceof Error ? cleanup.message : String(cleanup)}`),
    );
    throw error;
  }
  const displayHost = host.includes(':') ? `[${host}]` : host;
  return {
    uiUrl: uiDir ? `${options.tls ? 'https' : 'http'}://${displayHost}:${port}/` : null,
    info,
    orchestrator,
    close: async () => {
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      await shutDown();
    },
  };
}

/** Opens the orchestrator's session and registers the control center's procedures; says plainly when its name is taken. */
function joinAsCenter(
  options: ClusterCenterOptions,
  referenceLength: (problemHash: string) => number | undefined,
): Promise<{ client: WampClient; session: WampSession; orchestrator: Orchestrator }> {
  const { url, realm, credentials, tlsFingerprint } = options.router;
  return new Promise((resolve, reject) => {
    let opened = false;
    const client = openWampClient({
      url,
      realm,
      credentials,
      tlsFingerprint,
      onOpen: async (session) => {
        const orchestrator = new Orchestrator(session, makeWampError, {
          center: options.center,
          log: (message) => options.log?.('warn', message),
          killQuarantined: options.killQuarantined,
          referenceLength,
        });
        try {
          await orchestrator.start();
        } catch (error) {
          const { uri, message } = callErrorOf(error);
          if (uri === 'wamp.error.procedure_already_exists')
            throw new Error(`control center name '${options.center}' is taken on ${url} (realm ${realm}): give another with --center NAME`);
          throw new Error(`${message} (${uri})`);
        }
        opened = true;
        resolve({ client, session, orchestrator });
      },
      onClose: (reason, message) => {
        const why = `${reason}${message ? ` (${message})` : ''}`;
        if (!opened) reject(new Error(`the control center could not join ${url}: ${why}`));
        else options.onLost?.(`the control center lost its session on ${url}: ${why}`);
      },
    });
  });
}
