import autobahn, { type CloseDetails, type Connection, type Session } from 'autobahn-browser';
import { REALM } from '../../../../shared/protocol/uris.ts';
import { guardSession, type SessionGuard, type WampSession } from '../../../../shared/wamp.ts';
import { signChallenge } from './cryptosign.ts';
import { signCraChallenge } from './cra.ts';
import type { RouterEndpoint } from './endpoint.ts';

/**
 * An autobahn connection to Kiln's realm as the control center's sessions make it (the page's, and its
 * run feed worker's): MessagePack where the bundle has it (tours travel as bytes), else JSON; the
 * endpoint's realm and ticket (or WAMP-CRA secret, or Ed25519 key); reconnecting forever, backing off from 1 s to 10 s, since the router may be
 * restarting with the app.
 */
export function createConnection(endpoint: RouterEndpoint): Connection {
  const { url, authmethods, authid, ticket, key } = endpoint;
  const serializers = autobahn.serializer.MsgpackSerializer
    ? [new autobahn.serializer.MsgpackSerializer(), new autobahn.serializer.JSONSerializer()]
    : [new autobahn.serializer.JSONSerializer()];
  return new autobahn.Connection({
    realm: endpoint.realm ?? REALM,
    transports: [{ type: 'websocket', url, serializers }],
    authmethods,
    authid,
    // WAMP-Cryptosign: the router finds the principal by the public key announced here.
    authextra: key ? { pubkey: key.publicKey } : undefined,
    onchallenge: (_session, method, extra) => {
      if (method === 'ticket' && ticket) return ticket;
      // A cluster's router (kiln serve --router) may ask the user's WAMP-CRA secret instead.
      if (method === 'wampcra' && ticket && authmethods.includes('wampcra')) return signCraChallenge(ticket, extra);
      if (method === 'cryptosign' && key) return signChallenge(key, extra);
      throw new Error(`the router asked for ${method}, which this page cannot answer`);
    },
    max_retries: -1,
    initial_retry_delay: 1,
    max_retry_delay: 10,
    retry_delay_growth: 1.5,
    retry_delay_jitter: 0.1,
  });
}

/**
 * Sets the connection's handlers so that each session reaches `onopen` as a guardSession view (its raw
 * autobahn session beside it): whatever is pending on it when it ends (a Start's call, a donor's
 * problem fetch) rejects then with the close reason, where autobahn would leave it pending for ever.
 */
export function onSessions(
  connection: Connection,
  url: string,
  onopen: (session: WampSession, raw: Session) => void,
  onclose: (reason: string, details: CloseDetails) => boolean,
): void {
  let guard: SessionGuard | null = null;
  connection.onopen = (session) => {
    guard = guardSession(session as unknown as WampSession, url);
    onopen(guard.session, session);
  };
  connection.onclose = (reason, details) => {
    guard?.end(details.reason || reason, details.message ?? undefined);
    guard = null;
    return onclose(reason, details);
  };
}
