/**
 * Registrations made before a component subscribed to the registration meta events: the meta API's
 * list, each looked up, handed on as on_create would have (its one callee's session id and details).
 */
import type { WampSession } from '../../shared/wamp.ts';

export async function scanRegistrations(
  session: WampSession,
  wanted: (uri: string) => boolean,
  found: (calleeSession: unknown, details: Record<string, unknown>) => void,
  known: (registrationId: number) => boolean = () => false,
): Promise<void> {
  const list = await session.call<{ exact?: unknown[] }>('wamp.registration.list');
  for (const id of Array.isArray(list?.exact) ? list.exact : []) {
    if (typeof id !== 'number' || known(id)) continue;
    try {
      const details = await session.call<Record<string, unknown>>('wamp.registration.get', [id]);
      if (typeof details?.uri !== 'string' || !wanted(details.uri)) continue;
      const callees = await session.call<unknown[]>('wamp.registration.list_callees', [id]);
      if (Array.isArray(callees) && callees.length === 1) found(callees[0], details);
    } catch {
      // The registration went away while we asked: nothing to count.
    }
  }
}
