/**
 * Opening WAMP sessions from Node with autobahn-js: one place for serializer choice, credentials and
 * reconnect policy, shared by the orchestrator, the compute worker and `kiln solve`.
 */
import autobahn from 'autobahn';
import { createHmac, pbkdf2Sync, sign, type KeyObject } from 'node:crypto';
import { cryptosignAnswer } from '../../shared/cryptosign.ts';
import { craAnswer, quoted, type CraPrimitives } from '../../shared/wampcra.ts';
import { callErrorOf, guardSession, SessionEndedError, type ErrorFactory, type SessionGuard, type WampSession } from '../../shared/wamp.ts';
import type { Router } from '../router/router.ts';
import { pinnedAgent, type FingerprintMismatchError } from '../tls/pinned-agent.ts';
import { LOCAL_TRANSPORT } from './local-transport.ts';
import { describeUpgradeAnswer, isPermanentRefusal, reportingUpgradeStatus } from './upgrade-answer.ts';

export type Credentials =
  | { method: 'anonymous'; authid?: string }
  | { method: 'ticket'; authid: string; ticket: string }
  | { method: 'wampcra'; authid: string; secret: string }
  /** WAMP-Cryptosign: `publicKey` is the raw Ed25519 key as 64 hex characters, announced in HELLO. */
  | { method: 'cryptosign'; authid: string; publicKey: string; privateKey: KeyObject };

export interface ClientOptions {
  url: string;
  realm: string;
  credentials: Credentials;
  /**
   * With a wss:// url: the SHA-256 fingerprint (hex) of the router's certificate, trusted instead of
   * a CA (Kiln's self-signed one). Any other certificate is refused, and not retried.
   */
  tlsFingerprint?: string;
  /**
   * A router in this process to join directly, without a WebSocket (local-transport.ts); `url` is then
   * only a name for it in logs.
   */
  router?: Router;
  /** Keep reconnecting with backoff when the connection is lost (workers); default false. */
  reconnect?: boolean;
  /**
   * With reconnect: also come back when the router ends the session because it is shutting down
   * (`wamp.close.system_shutdown`, `wamp.close.close_realm`), which autobahn takes as final.
   */
  reconnectAfterShutdown?: boolean;
  /**
   * Called with every (re)opened session, whose calls, registrations and subscriptions still pending
   * when it ends then reject with a SessionEndedError naming the close reason (guardSession); `ended`
   * resolves with that error.
   */
  onOpen: (session: WampSession, ended: Promise<SessionEndedError>) => void | Promise<void>;
  /**
   * Called when a session closes: `reason` is the router's URI when it ended the session (GOODBYE or
   * ABORT: `wamp.close.killed`, `wamp.error.authentication_failed`, ...), else autobahn's `closed`,
   * `lost` or `unreachable`; `willRetry` says whether autobahn will reconnect.
   */
  onClose?: (reason: string, message: string | undefined, willRetry: boolean) => void;
}

export interface WampClient {
  close(): Promise<void>;
}

/**
 * autobahn warns on every close and retry, with an object dump ("connection closed", "auto-reconnect
 * disabled!"). Kiln's clients report those events themselves, in one line (onClose), so that chatter
 * is dropped; autobahn's other warnings (serializer errors) still print.
 */
const CONNECTION_CHATTER = /^(connection closed|auto-reconnect|giving up trying to auto-reconnect)/;
const autobahnLog = (autobahn as unknown as { log: { warn: (...args: unknown[]) => void } }).log;
const autobahnWarn = autobahnLog.warn;
autobahnLog.warn = (...args: unknown[]): void => {
  if (typeof args[0] !== 'string' || !CONNECTION_CHATTER.test(args[0])) autobahnWarn(...args);
};

/** Session ends that mean the router (or realm) is going away, not that this client was sent away. */
const ROUTER_GOING_AWAY = new Set(['wamp.close.system_shutdown', 'wamp.close.close_realm']);
/** Pause before reconnecting to a router that announced its shutdown (autobahn's backoff takes over after). */
const AFTER_SHUTDOWN_DELAY_MS = 500;

/** onClose's reason when the router's certificate is not the pinned one. */
const TLS_FINGERPRINT_MISMATCH = 'kiln.error.tls_fingerprint_mismatch';
/** onClose's reason when the router's address refuses the WebSocket upgrade for good (404, 401, 403). */
const UPGRADE_REFUSED = 'kiln.error.upgrade_refused';

/** Errors thrown by endpoints that callers must receive with a specific URI. */
export const makeWampError: ErrorFactory = (uri, message) => new autobahn.Error(uri, [message]);

/** autobahn's bundled serializers; @types/autobahn does not declare them. */
const { MsgpackSerializer } = (autobahn as unknown as { serializer: { MsgpackSerializer: new () => unknown } }).serializer;

/** WAMP-CRA's hashes for Node (shared/wampcra.ts reads the challenge and decides what to derive). */
export const nodeCra: CraPrimitives = {
  deriveKey: (password, salt, iterations, keylen) => pbkdf2Sync(password, salt, iterations, keylen, 'sha256').toString('base64'),
  hmacSha256: (key, message) => createHmac('sha256', key).update(message).digest('base64'),
};

export function openWampClient(options: ClientOptions): WampClient {
  const { credentials, tlsFingerprint } = options;
  if (tlsFingerprint !== undefined && !options.url.startsWith('wss://')) throw new Error(`a TLS fingerprint needs a wss:// router URL, not ${options.url}`);
  let mismatch: FingerprintMismatchError | null = null;
  /** The HTTP status the latest connection's upgrade was answered with (null: none yet). */
  let upgradeStatus: number | null = null;
  const connection = new autobahn.Connection({
    url: options.url,
    // autobahn hands a transport's `agent` to ws, which opens its connections through it.
    transports: [
      options.router !== undefined
        ? { type: LOCAL_TRANSPORT, url: options.url, router: options.router }
        : {
            type: 'websocket',
            url: options.url,
            agent: reportingUpgradeStatus(
              options.url,
              (status) => (upgradeStatus = status),
              tlsFingerprint === undefined ? undefined : pinnedAgent(tlsFingerprint, (error) => (mismatch = error)),
            ),
          },
    ],
    realm: options.realm,
    // MessagePack carries tours and coordinates as bytes; autobahn's JSON cannot.
    serializers: [new MsgpackSerializer()],
    authmethods: [credentials.method],
    authid: credentials.authid,
    authextra: credentials.method === 'cryptosign' ? { pubkey: credentials.publicKey } : undefined,
    onchallenge: (_session: unknown, method: string, extra: Record<string, unknown>) => {
      if (method === 'ticket' && credentials.method === 'ticket') return credentials.ticket;
      if (method === 'wampcra' && credentials.method === 'wampcra') return craAnswer(extra, credentials.secret, nodeCra);
      if (method === 'cryptosign' && credentials.method === 'cryptosign') {
        return cryptosignAnswer(extra, (message) => sign(null, message, credentials.privateKey));
      }
      throw new Error(`router asked for ${quoted(method)}, which these credentials cannot answer`);
    },
    // autobahn prints each error an endpoint throws with a multi-line dump: a stranger calling with bad
    // arguments (answered with a WAMP error, which is the point) must not fill the log. Anything else
    // thrown in Kiln's handlers is a bug, reported in one line.
    on_user_error: (error: unknown, context: string) => {
      if (error instanceof autobahn.Error) return;
      console.error(`${context} ${error instanceof Error ? error.message : String(error)}`.replace(/\s+/g, ' '));
    },
    max_retries: options.reconnect ? -1 : 0,
    initial_retry_delay: 0.5,
    max_retry_delay: 10,
    retry_delay_growth: 1.5,
  } as unknown as autobahn.IConnectionOptions);

  let closing = false;
  let reopenTimer: NodeJS.Timeout | undefined;
  /** The open session's guard: its end is told to what still waits on it. */
  let guard: SessionGuard | null = null;
  connection.onopen = (session) => {
    // autobahn's close() does not cancel a pending retry: a session that opens after close() leaves at once.
    if (closing) {
      connection.close();
      return;
    }
    const opened = (guard = guardSession(session as unknown as WampSession, options.url));
    Promise.resolve(options.onOpen(opened.session, opened.ended)).catch((error: unknown) => {
      // A start cut short by close() (a worker closed while its threads loaded), or by the session's end
      // (reported by onclose, and retried if it may be), is no failure of the start's own.
      if (closing || error instanceof SessionEndedError) return;
      // A refused REGISTER or SUBSCRIBE rejects with the router's {error, args}, not an Error.
      const { uri, message } = callErrorOf(error);
      options.onClose?.('kiln.error.start_failed', uri === 'wamp.error.runtime_error' ? message : `${message} (${uri})`, false);
      if (connection.isOpen) connection.close();
    });
  };
  let gaveUp = false;
  /** Ends for good with `reason`, once: ws reports a failed connection twice (error, then close). */
  const giveUp = (reason: string, message: string): boolean => {
    if (!gaveUp) options.onClose?.(reason, message, false);
    gaveUp = true;
    return true;
  };
  connection.onclose = (reason, details) => {
    // Another certificate will not turn into the pinned one by retrying: stop, and say why.
    if (mismatch !== null) return giveUp(TLS_FINGERPRINT_MISMATCH, (mismatch as FingerprintMismatchError).message);
    const refusedWith = upgradeStatus === 101 ? null : upgradeStatus;
    // A wrong path or a proxy's refusal stays so: stop, and say what the address answered.
    if (refusedWith !== null && isPermanentRefusal(refusedWith)) return giveUp(UPGRADE_REFUSED, describeUpgradeAnswer(refusedWith));
    const { will_retry: retrying, reason: uri, message: closeMessage } = details as { will_retry?: boolean; reason?: string | null; message?: string };
    // A proxy's 502 or 503 while the router is down: retried, but said instead of autobahn's bare 'unreachable'.
    const message = closeMessage || (refusedWith === null ? undefined : describeUpgradeAnswer(refusedWith));
    const comeBack = !closing && options.reconnect === true && options.reconnectAfterShutdown === true && ROUTER_GOING_AWAY.has(uri ?? '');
    guard?.end(uri || reason, message);
    guard = null;
    options.onClose?.(uri || reason, message || undefined, (!closing && Boolean(retrying)) || comeBack);
    if (comeBack) {
      reopenTimer = setTimeout(() => {
        reopenTimer = undefined;
        if (!closing) connection.open();
      }, AFTER_SHUTDOWN_DELAY_MS);
    }
    return false;
  };
  connection.open();

  return {
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        clearTimeout(reopenTimer);
        if (!connection.isOpen) {
          // Stops a pending retry; autobahn throws "connection already closed" once it has given up.
          try {
            connection.close();
          } catch {
            // Nothing left to close.
          }
          resolve();
          return;
        }
        const previous = connection.onclose;
        connection.onclose = (reason, details) => {
          previous.call(connection, reason, details);
          resolve();
          return true;
        };
        connection.close();
      }),
  };
}
