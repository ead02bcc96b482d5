/**
 * One Kiln instance, headless: the embedded router on an HTTP port that also serves the UI, the
 * orchestrator and the local compute, each a WAMP component connected over loopback with its own
 * per-launch credentials. `kiln serve`, `kiln solve` and the desktop shell all start it.
 */
import { createServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { fileURLToPath } from 'node:url';
import { REALM, Roles } from '../../shared/protocol/uris.ts';
import type { WampSession } from '../../shared/wamp.ts';
import { startWorker, type RunningWorker } from '../compute/worker.ts';
import { guardHost, hostPolicy } from '../http/host-policy.ts';
import { serveStatic } from '../http/static-files.ts';
import { ControlCenterLan } from '../lan/control-center.ts';
import type { ControlCenterKey } from '../lan/control-center-key.ts';
import { BestKnownStore } from '../runs/best-known-store.ts';
import { runAll } from './run-all.ts';
import { startCenterServices, type CenterServices } from './center-services.ts';
import { Orchestrator, type OrchestratorOptions } from '../orchestrator/orchestrator.ts';
import { ticketAuth } from '../router/auth/ticket.ts';
import { createRouter, type Router } from '../router/router.ts';
import { isLoopback, startRouterServer } from '../router/server.ts';
import { createLaunchCredentials, launchPrincipals, type LaunchCredentials } from '../security/credentials.ts';
import { computeMessageLimit } from '../security/message-limits.ts';
import { kilnRegistrationPolicy } from '../security/registration-policy.ts';
import { KILN_ROLES } from '../security/roles.ts';
import type { Limits } from '../router/types.ts';
import type { TlsIdentity } from '../tls/tls-identity.ts';
import { makeWampError, openWampClient, type WampClient } from '../wamp/client.ts';

export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../dist/renderer/', import.meta.url));

export interface KilnOptions {
  host?: string;
  port?: number;
  /** Local compute threads; 0 runs no local compute (remote workers only). */
  threads: number;
  /** Serve the UI from this directory; null serves no UI. */
  uiDir?: string | null;
  /**
   * LAN machines: invites (join links, WAMP-CRA) and invited workers (WAMP-Cryptosign) on the realm,
   * kiln.lan.* procedures; with `discover`, also mDNS advertising and discovery. Off by default.
   */
  lan?: { discover: boolean };
  /**
   * Serve HTTPS and wss:// with this (self-signed) certificate. Kiln's own components pin its
   * fingerprint, which also goes into invite links, invitations and the mDNS record.
   */
  tls?: TlsIdentity;
  /** Keep the run history (kiln.runs.*) in `<stateDir>/runs` and best known lengths in `<stateDir>/best-known`; without it neither is kept. */
  stateDir?: string;
  /** The key that signs invitations to discovered workers (the state directory's); without it, one for this launch. */
  identity?: ControlCenterKey;
  /** Host names (besides this machine's names and IP literals) and page origins to accept: a reverse proxy's. */
  allowHosts?: string[];
  allowOrigins?: string[];
  /** Router limits over the defaults (maxSessions from `--max-sessions`; `emulate` in tests). */
  routerLimits?: Partial<Limits>;
  /** The orchestrator joins over a loopback WebSocket instead of in-process: bench:crowd's baseline. */
  orchestratorOverWebSocket?: boolean;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** End the session of a callee that a run quarantined (see OrchestratorOptions.killQuarantined). */
  killQuarantined?: boolean;
  /** The orchestrator's candidate lists and how it computes them (see OrchestratorOptions.candidates). */
  candidates?: OrchestratorOptions['candidates'];
  computeCandidates?: OrchestratorOptions['computeCandidates'];
}

export interface RunningKiln {
  router: Router;
  /** ws://host:port/ws (wss:// with tls) */
  routerUrl: string;
  /** With tls: the SHA-256 fingerprint (hex) every client of routerUrl must pin. */
  tlsFingerprint: string | undefined;
  /** http(s)://host:port/#token=... — opens the UI signed in (null when no UI is served). */
  uiUrl: string | null;
  port: number;
  credentials: LaunchCredentials;
  orchestrator: Orchestrator;
  localWorker: RunningWorker | null;
  /** Set when options.lan was given. */
  lan: ControlCenterLan | null;
  close(): Promise<void>;
}

export async function startKiln(options: KilnOptions): Promise<RunningKiln> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const credentials = createLaunchCredentials();
  const tlsFingerprint = options.tls?.fingerprint;
  const lan = options.lan ? new ControlCenterLan(tlsFingerprint, options.identity) : null;
  // The router exists before the orchestrator that knows the problem sizes: it asks through this.
  const problems = { largestCities: (): number => 0 };
  const router = createRouter({
    realms: [
      {
        name: REALM,
        auth: [ticketAuth({ principals: launchPrincipals(credentials) }), ...(lan?.authMethods() ?? [])],
        roles: KILN_ROLES,
        registrationPolicy: kilnRegistrationPolicy,
      },
    ],
    limits: options.routerLimits,
    // Compute sessions send small messages and slice results: their limit follows the largest problem.
    messageLimit: (identity) => (identity.authrole === Roles.compute ? computeMessageLimit(problems.largestCities()) : 0),
    log: (level, message) => {
      if (level !== 'debug') log(level === 'warn' || level === 'error' ? level : 'info', message);
    },
  });
  const uiDir = options.uiDir === undefined ? DEFAULT_UI_DIR : options.uiDir;
  // The names the UI and router answer to: this machine's, its mDNS name when it advertises one, and the allow-list.
  const policy = hostPolicy([...(options.lan?.discover && lan ? [lan.mdnsHostName] : []), ...(options.allowHosts ?? [])], options.allowOrigins);
  const handler: RequestListener = guardHost(
    policy,
    uiDir
      ? serveStatic(uiDir, 'The UI is not built: run `npm run build:renderer` (npm run serve does it for you).\n', options.tls !== undefined)
      : (_request, response) => response.writeHead(404).end(),
  );
  const http = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler) : createServer(handler);
  // Everything started so far goes when a later step fails (a taken port, a LAN that cannot start), as on close():
  // the port is free again and no session, thread or timer is left behind.
  let server: Awaited<ReturnType<typeof startRouterServer>> | undefined;
  let localWorker: RunningWorker | null = null;
  let joined: Awaited<ReturnType<typeof connectOrchestrator>> | undefined;
  let services: CenterServices | undefined;
  // Each step runs even if one before it throws (run-all.ts).
  const shutDown = (): Promise<void> =>
    runAll([
      () => lan?.close(),
      // The runs end first, as failed with the reason, so their callers hear why; then the rest leaves.
      () => joined?.orchestrator.close(),
      () => services?.stop(),
      () => localWorker?.close(),
      () => joined?.client.close(),
      () => router.close(),
      () => server?.close(),
      () => new Promise<void>((resolve) => http.close(() => resolve())),
    ]);
  try {
    server = await startRouterServer({ router, host, port: options.port ?? 0, limits: router.limits, httpServer: http, hostPolicy: policy });
    const port = server.port;
    // This instance's own components and UI reach the router over loopback even when it listens on
    // every interface (connecting to 0.0.0.0 works on Linux only).
    const localHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
    const displayHost = localHost.includes(':') ? `[${localHost}]` : localHost;
    const routerUrl = `${options.tls ? 'wss' : 'ws'}://${displayHost}:${port}/ws`;
    // The local threads load while the orchestrator joins (the worker registers once they are ready).
    localWorker =
      options.threads > 0
        ? startWorker({
            url: routerUrl,
            credentials: { method: 'ticket', ...credentials.compute },
            tlsFingerprint,
            threads: options.threads,
            workerId: 'local',
            log: (message) => log('info', message),
          })
        : null;
    // Best known lengths, kept with the city sets in the state directory: the gap of runs that come without a reference.
    const bestKnown = options.stateDir ? new BestKnownStore(options.stateDir) : null;
    joined = await connectOrchestrator(options.orchestratorOverWebSocket ? { tlsFingerprint } : { router }, routerUrl, credentials, {
      log: (message) => log('warn', message),
      killQuarantined: options.killQuarantined,
      referenceLength: (hash) => bestKnown?.get(hash) ?? undefined,
      candidates: options.candidates,
      computeCandidates: options.computeCandidates,
    });
    const { orchestrator, session } = joined;
    problems.largestCities = () => orchestrator.largestProblemCities();
    services = await startCenterServices(session, orchestrator, { stateDir: options.stateDir, bestKnown, log: (message) => log('warn', message) });
    await lan?.start({
      router,
      session,
      makeError: makeWampError,
      host,
      port,
      discover: options.lan!.discover,
      tlsFingerprint,
      insecure: !isLoopback(host) && host !== 'localhost' && !options.tls,
      log: (message) => log('warn', message),
    });
    return {
      router,
      routerUrl,
      tlsFingerprint,
      uiUrl: uiDir ? `${options.tls ? 'https' : 'http'}://${displayHost}:${port}/#token=${credentials.ui.ticket}` : null,
      port,
      credentials,
      orchestrator,
      localWorker,
      lan,
      close: shutDown,
    };
  } catch (error) {
    // The error that stopped the start is the one to report; a cleanup step's own goes to the log.
    await shutDown().catch((cleanup: unknown) =>
      log('warn', `cleaning up after a failed start: ${cleanup instanceof Error ? cleanup.message : String(cleanup)}`),
    );
    throw error;
  }
}

/**
 * Opens the orchestrator's session and starts it; resolves once its procedures are registered. It joins
 * the router in this process directly (local-transport.ts): every slice passes through the orchestrator,
 * and a loopback WebSocket would encode, frame and decode each one a second time.
 */
function connectOrchestrator(
  via: { router: Router } | { tlsFingerprint: string | undefined },
  url: string,
  credentials: Pick<LaunchCredentials, 'orchestrator'>,
  orchestratorOptions?: OrchestratorOptions,
): Promise<{ client: WampClient; orchestrator: Orchestrator; session: WampSession }> {
  return new Promise((resolve, reject) => {
    const client = openWampClient({
      url,
      ...via,
      realm: REALM,
      credentials: { method: 'ticket', ...credentials.orchestrator },
      onOpen: async (session) => {
        const orchestrator = new Orchestrator(session, makeWampError, orchestratorOptions);
        await orchestrator.start();
        resolve({ client, orchestrator, session });
      },
      onClose: (reason, message) => {
        // Closed, or autobahn would go on retrying the connection after the start has failed.
        void Promise.resolve(client.close()).catch(() => undefined);
        reject(new Error(`orchestrator could not join the router: ${reason}${message ? ` (${message})` : ''}`));
      },
    });
  });
}
