/**
 * The router: realms by name, and the entry point for transports. Embeddable like aedes' broker:
 * createRouter() gives an object that a WebSocket/RawSocket server (server.ts), a test, or the
 * Electron main process attaches transports to.
 */
import { CloseUri, ErrorUri } from './errors.ts';
import { randomId } from './ids.ts';
import { resolveLimits } from './limits.ts';
import { Realm, type RealmHost } from './realm.ts';
import { parseRoles, Session, type SessionHost } from './session.ts';
import type { Connection, Limits, RouterConfig, Transport } from './types.ts';
import type { HelloMessage } from './validate.ts';

/** What in-process code (logging, the UI's status line) hears about sessions. */
export type RouterEvent =
  | { type: 'join'; realm: string; session: number; authid: string; authrole: string; authmethod: string }
  | { type: 'leave'; realm: string; session: number; authid: string; authrole: string };

export interface RouterStats {
  /** Established sessions. */
  sessions: number;
  /** Connections accepted and not yet ended (established or still in the handshake). */
  connections: number;
  /** Per realm: its sessions, subscriptions, registrations, invocations in flight, queued calls, and per-session bookkeeping. */
  realms: Record<string, Record<string, unknown>>;
}

export interface Router {
  readonly limits: Limits;
  /** Established sessions on all realms. */
  readonly sessionCount: number;
  accept(transport: Transport): Connection;
  /** Subscribes to join/leave events; returns the unsubscribe function. */
  onEvent(listener: (event: RouterEvent) => void): () => void;
  /** Internal counts, for tests and diagnostics: every one returns to zero when all sessions leave. */
  stats(): RouterStats;
  /** Ends every session (GOODBYE wamp.close.system_shutdown; ABORT for those still in the handshake) and refuses new ones. */
  close(): void;
}

export function createRouter(config: RouterConfig): Router {
  const limits = resolveLimits(config.limits);
  const log = config.log ?? (() => {});
  const listeners = new Set<(event: RouterEvent) => void>();
  const connections = new Set<Session>();
  /** Session IDs in use on any realm (they are global scope), including sessions still authenticating. */
  const sessionIds = new Set<number>();
  let established = 0;
  let closed = false;

  const emit = (event: RouterEvent): void => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        log('error', `router event listener failed: ${(error as Error).message}`);
      }
    }
  };

  const realmHost: RealmHost = {
    joined(realm, session) {
      established++;
      const { authid, authrole, authmethod } = session.identity!;
      log('info', `session ${session.id} joined realm ${realm.name} as ${authid} (${authrole}, ${authmethod})`);
      emit({ type: 'join', realm: realm.name, session: session.id, authid, authrole, authmethod });
    },
    left(realm, session) {
      established--;
      const { authid, authrole } = session.identity!;
      log('info', `session ${session.id} left realm ${realm.name}`);
      emit({ type: 'leave', realm: realm.name, session: session.id, authid, authrole });
    },
  };

  const realms = new Map<string, Realm>();
  for (const realmConfig of config.realms) {
    if (realms.has(realmConfig.name)) throw new TypeError(`realm ${JSON.stringify(realmConfig.name)} is configured twice`);
    realms.set(realmConfig.name, new Realm(realmConfig, limits, realmHost));
  }

  const newSessionId = (): number => {
    let id = randomId();
    while (sessionIds.has(id)) id = randomId();
    sessionIds.add(id);
    return id;
  };

  const sessionHost: SessionHost = {
    hello(session: Session, [, realmName, details]: HelloMessage) {
      const roles = parseRoles(details);
      if (roles === undefined) {
        session.violation('HELLO.Details.roles must announce at least one of caller, callee, publisher, subscriber');
        return;
      }
      const realm = realms.get(realmName);
      if (realm === undefined) {
        session.abort(ErrorUri.NO_SUCH_REALM, `no realm ${JSON.stringify(realmName)} on this router`);
        return;
      }
      // Counted at HELLO, so that sessions still authenticating cannot be used to exceed the limit.
      if (sessionIds.size >= limits.maxSessions) {
        session.abort(ErrorUri.MAX_SESSIONS_REACHED, `this router serves at most ${limits.maxSessions} sessions`);
        return;
      }
      session.id = newSessionId();
      session.realm = realm;
      session.roles = roles;
      realm.hello(session, details);
    },
    ended(session: Session) {
      connections.delete(session);
      sessionIds.delete(session.id);
    },
    incomingLimit(session: Session) {
      if (session.identity === undefined) return limits.maxHelloSize;
      const byRole = config.messageLimit?.(session.identity);
      return byRole !== undefined && byRole > 0 ? Math.min(byRole, limits.maxMessageSize) : limits.maxMessageSize;
    },
    log,
  };

  return {
    limits,
    get sessionCount() {
      return established;
    },
    accept(transport: Transport): Connection {
      const session = new Session(transport, sessionHost, limits.helloTimeoutMs);
      connections.add(session);
      if (closed) session.abort(CloseUri.SYSTEM_SHUTDOWN, 'the router is shutting down');
      return session;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stats() {
      const perRealm: RouterStats['realms'] = {};
      for (const [name, realm] of realms) perRealm[name] = realm.stats();
      return { sessions: established, connections: connections.size, realms: perRealm };
    },
    close() {
      closed = true;
      for (const session of [...connections]) session.goodbye(CloseUri.SYSTEM_SHUTDOWN, 'the router is shutting down');
      for (const realm of realms.values()) realm.close();
    },
  };
}
