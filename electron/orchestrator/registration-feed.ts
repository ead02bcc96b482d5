/**
 * The router's registration meta events for every part of an orchestrator that follows registrations
 * (its callees, workers.ts; the other orchestrators' markers, peers.ts), subscribed once per topic on
 * its session: wamp.registration.on_create, on_unregister, on_delete and wamp.session.on_leave, then
 * one scan of the registrations made before (the meta API's list, each looked up, handed on as on_create
 * would have: its one callee's session id and details). Events first, then the scan: a registration made
 * in between is seen twice, and each watcher counts it once (known).
 */
import type { WampSession } from '../../shared/wamp.ts';

export interface RegistrationWatcher {
  /** Whether registrations of `uri` concern it: the scan looks up only those. */
  wanted(uri: string): boolean;
  /** Whether it already counts the registration (the scan skips it). */
  known(registrationId: number): boolean;
  /** A registration was made (on_create, or found by the scan): its callee's session id and its details, unchecked. */
  created(calleeSession: unknown, details: unknown): void;
  /** A registration is gone (unregistered, or deleted with its last callee). */
  gone(registrationId: unknown): void;
  /** A session left the router. */
  left(sessionId: unknown): void;
}

/** Subscribes the meta events once for all `watchers`, then scans; resolves once the scan is done. */
export async function watchRegistrations(session: WampSession, watchers: RegistrationWatcher[]): Promise<void> {
  await session.subscribe('wamp.registration.on_create', (args) => {
    for (const watcher of watchers) watcher.created(args?.[0], args?.[1]);
  });
  const gone = (args: unknown[] | undefined): void => {
    for (const watcher of watchers) watcher.gone(args?.[1]);
  };
  await session.subscribe('wamp.registration.on_unregister', gone);
  await session.subscribe('wamp.registration.on_delete', gone);
  await session.subscribe('wamp.session.on_leave', (args) => {
    for (const watcher of watchers) watcher.left(args?.[0]);
  });
  await scanRegistrations(session, watchers);
}

async function scanRegistrations(session: WampSession, watchers: RegistrationWatcher[]): Promise<void> {
  const list = await session.call<{ exact?: unknown[] }>('wamp.registration.list');
  for (const id of Array.isArray(list?.exact) ? list.exact : []) {
    if (typeof id !== 'number' || watchers.some((watcher) => watcher.known(id))) continue;
    try {
      const details = await session.call<Record<string, unknown>>('wamp.registration.get', [id]);
      const uri = details?.uri;
      if (typeof uri !== 'string') continue;
      const concerned = watchers.filter((watcher) => watcher.wanted(uri));
      if (concerned.length === 0) continue;
      const callees = await session.call<unknown[]>('wamp.registration.list_callees', [id]);
      if (Array.isArray(callees) && callees.length === 1) for (const watcher of concerned) watcher.created(callees[0], details);
    } catch {
      // The registration went away while we asked: nothing to count.
    }
  }
}
