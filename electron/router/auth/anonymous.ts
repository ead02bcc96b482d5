/**
 * WAMP-Anonymous: the client proves nothing and joins under a configured role. Kiln offers it only
 * to peers on this machine by default (the desktop UI, local compute workers): a LAN peer must use
 * a real method unless the operator turns loopbackOnly off.
 */
import { randomUUID } from 'node:crypto';
import type { AuthMethod, HelloContext, HelloOutcome } from '../types.ts';
import { NOT_AUTHORIZED, reject } from './common.ts';

export interface AnonymousOptions {
  /** The authrole anonymous sessions get. Default "anonymous". */
  role?: string;
  /** Refuse sessions whose transport is not loopback. Default true. */
  loopbackOnly?: boolean;
}

export function anonymousAuth({ role = 'anonymous', loopbackOnly = true }: AnonymousOptions = {}): AuthMethod {
  if (role.length === 0) throw new TypeError('anonymousAuth: role must be a non-empty string');
  return {
    name: 'anonymous',
    hello({ transport }: HelloContext): HelloOutcome {
      if (loopbackOnly && !transport.loopback) {
        return reject(
          NOT_AUTHORIZED,
          `anonymous authentication is accepted only over loopback connections (peer ${transport.peerAddress}); use ticket, wampcra or cryptosign`,
        );
      }
      // The authid is always ours, never the one requested (Crossbar.io would take the requested
      // one): an unauthenticated peer must not appear as, say, "orchestrator" in caller/publisher
      // disclosure and session meta events.
      return {
        kind: 'welcome',
        identity: { authid: randomUUID(), authrole: role, authmethod: 'anonymous', authprovider: 'static' },
      };
    },
  };
}
