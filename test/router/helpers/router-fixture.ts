/**
 * A real router on a loopback port: createRouter() behind startRouterServer(), and real autobahn-js
 * sessions over real WebSockets to it. Everything opened is closed by close().
 */
import autobahn from 'autobahn';
import { createRouter, type Router } from '../../../electron/router/router.ts';
import { startRouterServer, type RouterServer } from '../../../electron/router/server.ts';
import type { Limits, RealmConfig } from '../../../electron/router/types.ts';
import { openRealm } from './test-realm.ts';

type Dict = Record<string, unknown>;

/** INVOCATION.Details as autobahn hands them to an endpoint. */
export interface InvocationDetails {
  procedure?: string;
  caller?: number;
  caller_authid?: string;
  caller_authrole?: string;
  /** Present (a function) only when the caller asked for progressive results. */
  progress?: ((args: unknown[]) => void) | null;
}

/** EVENT.Details as autobahn hands them to a handler. */
export interface EventDetails {
  topic?: string;
  publisher?: number;
  publisher_authid?: string;
  publisher_authrole?: string;
}

/**
 * The part of autobahn's Session the tests use, typed for them (@types/autobahn's generics get in
 * the way more than they help). Calls return when.js promises: thenables, with cancel().
 */
export interface Session {
  readonly id: number;
  call(procedure: string, args?: unknown[], kwargs?: Dict, options?: Dict): PromiseLike<unknown> & { cancel(options?: Dict): void };
  register(procedure: string, endpoint: (args: unknown[], kwargs: Dict, details: InvocationDetails) => unknown, options?: Dict): Promise<{ id: number }>;
  unregister(registration: { id: number }): Promise<unknown>;
  subscribe(topic: string, handler: (args: unknown[], kwargs: Dict, details: EventDetails) => void, options?: Dict): Promise<{ id: number }>;
  unsubscribe(subscription: { id: number }): Promise<unknown>;
  publish(topic: string, args?: unknown[], kwargs?: Dict, options?: Dict): Promise<{ id: number } | undefined>;
}

export interface Client {
  session: Session;
  /** WELCOME.Details as autobahn saw them. */
  details: Record<string, unknown>;
  /** Resolves with (reason, details) when the connection closes. */
  closed: Promise<{ reason: string; details: Record<string, unknown> }>;
  /** Leaves with GOODBYE and waits for the connection to close. */
  leave(): Promise<void>;
}

export interface Fixture {
  router: Router;
  server: RouterServer;
  url: string;
  connect(options?: { realm?: string; authid?: string }): Promise<Client>;
  /** Waits until `predicate` holds (polling), for effects that cross the network. */
  until(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFixture(options: { realms?: RealmConfig[]; limits?: Partial<Limits> } = {}): Promise<Fixture> {
  const router = createRouter({ realms: options.realms ?? [openRealm()], limits: { pingIntervalMs: 0, ...options.limits } });
  const server = await startRouterServer({ router, host: '127.0.0.1', port: 0, limits: router.limits });
  const connections = new Set<autobahn.Connection>();

  const connect = ({ realm = 'realm1', authid }: { realm?: string; authid?: string } = {}): Promise<Client> =>
    new Promise((resolve, reject) => {
      const connection = new autobahn.Connection({ url: server.url, realm, authid, max_retries: 0, retry_if_unreachable: false });
      connections.add(connection);
      let markClosed: (value: { reason: string; details: Record<string, unknown> }) => void = () => {};
      const closed = new Promise<{ reason: string; details: Record<string, unknown> }>((done) => (markClosed = done));
      connection.onopen = (session, details) =>
        resolve({
          session: session as unknown as Session,
          details: details as Record<string, unknown>,
          closed,
          leave: async () => {
            if (connection.isOpen) connection.close();
            await closed;
          },
        });
      connection.onclose = (reason, details) => {
        connections.delete(connection);
        markClosed({ reason, details: details as Record<string, unknown> });
        reject(new Error(`connection closed before open: ${reason} ${JSON.stringify(details)}`));
        return true;
      };
      connection.open();
    });

  const until = async (predicate: () => boolean, timeoutMs = 3000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('condition not reached in time');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  return {
    router,
    server,
    url: server.url,
    connect,
    until,
    async close() {
      for (const connection of connections) if (connection.isOpen) connection.close();
      router.close();
      await server.close();
    },
  };
}

/** An autobahn call's rejection as { error, args }, for asserting on error URIs. */
export async function callError(promise: PromiseLike<unknown>): Promise<{ error: string; args: unknown[] }> {
  try {
    await promise;
  } catch (error) {
    const failure = error as { error?: string; args?: unknown[] };
    return { error: failure.error ?? String(error), args: failure.args ?? [] };
  }
  throw new Error('expected the call to fail');
}
