/**
 * WAMP-Ticket: the client names an authid in HELLO, the router sends CHALLENGE("ticket", {}), and
 * the client answers with the ticket itself as AUTHENTICATE.Signature. The ticket travels in the
 * clear, so it belongs on TLS or loopback; WAMP-CRA and cryptosign never send their secret.
 *
 * Principals come from a static map, from an async verify hook, or both: a static principal's
 * ticket is authoritative for its authid, other authids go to the hook.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthIdentity, AuthMethod, Dict, HelloContext, HelloOutcome } from '../types.ts';
import { AUTHENTICATION_FAILED, NOT_AUTHORIZED, type Reject, failSecure, quote, reject, requestedAuthid } from './common.ts';

export interface TicketPrincipal {
  ticket: string;
  role: string;
}

/** What a verify hook grants; null (or false) refuses the ticket. */
export interface TicketGrant {
  role: string;
  authextra?: Dict;
}

export type TicketVerify = (authid: string, ticket: string, context: HelloContext) => Promise<TicketGrant | null | false> | TicketGrant | null | false;

export interface TicketOptions {
  /** authid -> principal. */
  principals?: Record<string, TicketPrincipal>;
  /** Decides tickets of authids not in `principals`. A throw fails the handshake with authentication_failed. */
  verify?: TicketVerify;
}

/** Longest ticket looked at; longer signatures are refused without hashing them. */
const MAX_TICKET_LENGTH = 4096;

interface StoredPrincipal {
  digest: Buffer;
  role: string;
}

interface TicketState {
  authid: string;
}

export function ticketAuth({ principals = {}, verify }: TicketOptions): AuthMethod {
  // Tickets are kept only as HMACs under a key that lives and dies with this method: the process
  // holds no plaintext after construction, and equal-length digests make the comparison constant-time.
  const key = randomBytes(32);
  const digest = (ticket: string): Buffer => createHmac('sha256', key).update(ticket, 'utf8').digest();

  const stored = new Map<string, StoredPrincipal>();
  for (const [authid, principal] of Object.entries(principals)) {
    if (typeof principal.ticket !== 'string' || principal.ticket.length === 0) {
      throw new TypeError(`ticketAuth: principal ${quote(authid)} needs a non-empty ticket`);
    }
    if (typeof principal.role !== 'string' || principal.role.length === 0) {
      throw new TypeError(`ticketAuth: principal ${quote(authid)} needs a role`);
    }
    stored.set(authid, { digest: digest(principal.ticket), role: principal.role });
  }

  const identity = (authid: string, role: string, authprovider: string, authextra?: Dict): AuthIdentity =>
    authextra === undefined
      ? { authid, authrole: role, authmethod: 'ticket', authprovider }
      : { authid, authrole: role, authmethod: 'ticket', authprovider, authextra };

  return {
    name: 'ticket',

    hello({ details }: HelloContext): HelloOutcome {
      const authid = requestedAuthid(details);
      if (authid === undefined) return reject(NOT_AUTHORIZED, 'ticket authentication requires an authid in HELLO');
      if (authid === null) return reject(NOT_AUTHORIZED, 'HELLO.Details.authid is not a usable authid');
      // Unknown authids are refused at once, as Crossbar.io does: authids are not secret, tickets are.
      if (!stored.has(authid) && verify === undefined) {
        return reject(NOT_AUTHORIZED, `no principal with authid ${quote(authid)} exists`);
      }
      const state: TicketState = { authid };
      return { kind: 'challenge', extra: {}, state };
    },

    async authenticate(signature: string, _extra: Dict, state: unknown, context: HelloContext): Promise<AuthIdentity | Reject> {
      const { authid } = state as TicketState;
      const invalid = reject(NOT_AUTHORIZED, `invalid ticket for authid ${quote(authid)}`);
      if (typeof signature !== 'string' || signature.length === 0 || signature.length > MAX_TICKET_LENGTH) return invalid;

      const principal = stored.get(authid);
      if (principal !== undefined) {
        return timingSafeEqual(digest(signature), principal.digest) ? identity(authid, principal.role, 'static') : invalid;
      }
      if (verify === undefined) return invalid;

      const outcome = await failSecure('ticket verification', () => verify(authid, signature, context));
      if (!outcome.ok) return outcome.reject;
      const grant: unknown = outcome.value;
      if (grant === null || grant === false) return invalid;
      if (!isGrant(grant)) {
        return reject(AUTHENTICATION_FAILED, 'ticket verification returned neither a grant nor a refusal');
      }
      return identity(authid, grant.role, 'dynamic', grant.authextra);
    },
  };
}

function isGrant(value: unknown): value is TicketGrant {
  if (typeof value !== 'object' || value === null) return false;
  const { role, authextra } = value as Dict;
  return (
    typeof role === 'string' &&
    role.length > 0 &&
    (authextra === undefined || (typeof authextra === 'object' && authextra !== null && !Array.isArray(authextra)))
  );
}
