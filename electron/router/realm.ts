/**
 * One realm: its sessions by ID, the opening handshake (HELLO -> [CHALLENGE -> AUTHENTICATE] ->
 * WELCOME or ABORT) against the realm's authentication methods, authorization, and the broker and
 * dealer that serve its established sessions.
 */
import { RealmAuthorization } from './authorization.ts';
import { Broker } from './broker.ts';
import { Dealer, type RouterProcedure } from './dealer.ts';
import { ErrorUri } from './errors.ts';
import { metaProcedures } from './meta.ts';
import { MetaEvents } from './meta-events.ts';
import type { ClientRoles, Session } from './session.ts';
import { MessageType, type AuthIdentity, type AuthMethod, type Dict, type HelloContext, type Limits, type RealmConfig, type SessionIdentity } from './types.ts';
import type { ClientMessage } from './validate.ts';

/**
 * The roles and advanced-profile features this router really implements, announced in WELCOME.
 * Acknowledged publication is part of the basic profile and has no feature flag.
 */
export const ROUTER_ROLES: Dict = Object.freeze({
  broker: {
    features: {
      publisher_identification: true,
      publisher_exclusion: true,
      subscriber_blackwhite_listing: true,
      pattern_based_subscription: true,
      session_meta_api: true,
      subscription_meta_api: true,
    },
  },
  dealer: {
    features: {
      caller_identification: true,
      call_canceling: true,
      call_timeout: true,
      progressive_call_results: true,
      pattern_based_registration: true,
      shared_registration: true,
      registration_meta_api: true,
      session_meta_api: true,
    },
  },
});

/** What the realm tells its router. */
export interface RealmHost {
  joined(realm: Realm, session: Session): void;
  left(realm: Realm, session: Session): void;
}

/** The role a client must have announced in HELLO to send each established-session message. */
const REQUIRED_ROLE: Record<number, [keyof Pick<ClientRoles, 'caller' | 'callee' | 'publisher' | 'subscriber'>, string]> = {
  [MessageType.PUBLISH]: ['publisher', 'PUBLISH'],
  [MessageType.SUBSCRIBE]: ['subscriber', 'SUBSCRIBE'],
  [MessageType.UNSUBSCRIBE]: ['subscriber', 'UNSUBSCRIBE'],
  [MessageType.CALL]: ['caller', 'CALL'],
  [MessageType.CANCEL]: ['caller', 'CANCEL'],
  [MessageType.REGISTER]: ['callee', 'REGISTER'],
  [MessageType.UNREGISTER]: ['callee', 'UNREGISTER'],
  [MessageType.YIELD]: ['callee', 'YIELD'],
  [MessageType.ERROR]: ['callee', 'ERROR'],
};

/** State kept between CHALLENGE and AUTHENTICATE. */
interface PendingAuthentication {
  method: AuthMethod;
  state: unknown;
  context: HelloContext;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

export class Realm {
  readonly name: string;
  readonly sessions = new Map<number, Session>();
  readonly broker: Broker;
  readonly dealer: Dealer;
  readonly events: MetaEvents;
  private readonly authorization: RealmAuthorization;
  private readonly methods: ReadonlyMap<string, AuthMethod>;

  constructor(
    config: RealmConfig,
    limits: Limits,
    private readonly host: RealmHost,
  ) {
    this.name = config.name;
    this.methods = new Map(config.auth.map((method) => [method.name, method]));
    this.authorization = new RealmAuthorization(config);
    this.events = new MetaEvents((topic, args, kwargs) => this.broker.publishFromRouter(topic, args, kwargs));
    this.broker = new Broker(this.authorization, limits.uriCheck, this.events);
    // The meta procedures read the dealer they are handed to, so the map is filled once it exists.
    const procedures = new Map<string, RouterProcedure>();
    this.dealer = new Dealer(this.authorization, limits, this.events, procedures, config.registrationPolicy);
    for (const [uri, procedure] of metaProcedures(this)) procedures.set(uri, procedure);
  }

  /**
   * HELLO: the method is the first of the client's HELLO.Details.authmethods (default ["anonymous"])
   * that this realm offers. A method may welcome at once or challenge; anything it throws fails
   * secure (ABORT wamp.error.authentication_failed).
   */
  hello(session: Session, details: Dict): void {
    const requested = details.authmethods ?? ['anonymous'];
    if (!Array.isArray(requested) || !requested.every((name) => typeof name === 'string')) {
      session.violation('HELLO.Details.authmethods must be a list of strings');
      return;
    }
    const method = requested.map((name) => this.methods.get(name)).find((found) => found !== undefined);
    if (method === undefined) {
      session.abort(
        ErrorUri.NO_AUTH_METHOD,
        `realm ${this.name} offers ${[...this.methods.keys()].join(', ') || 'no method'}; the client asked for ${requested.join(', ')}`,
      );
      return;
    }
    const context: HelloContext = { realm: this.name, details, transport: session.transport.info, session: session.id };
    session.state = 'authenticating';
    this.settle(
      session,
      () => method.hello(context),
      (outcome) => {
        if (outcome.kind === 'welcome') this.welcome(session, outcome.identity);
        else if (outcome.kind === 'reject') session.abort(outcome.error, outcome.message);
        else if (method.authenticate === undefined) session.abort(ErrorUri.AUTHENTICATION_FAILED, `method ${method.name} challenged but cannot verify`);
        else {
          session.pendingAuth = { method, state: outcome.state, context } satisfies PendingAuthentication;
          session.state = 'challenged';
          session.send([MessageType.CHALLENGE, method.name, outcome.extra]);
        }
      },
    );
  }

  /** AUTHENTICATE in answer to our CHALLENGE. */
  authenticate(session: Session, signature: string, extra: Dict): void {
    const { method, state, context } = session.pendingAuth as PendingAuthentication;
    session.state = 'authenticating';
    this.settle(
      session,
      () => method.authenticate!(signature, extra, state, context),
      (outcome) => {
        if ('kind' in outcome) session.abort(outcome.error, outcome.message);
        else this.welcome(session, outcome);
      },
    );
  }

  /** Runs one authentication step, sync or async, and continues only if the session is still waiting for it. */
  private settle<T>(session: Session, step: () => T | Promise<T>, next: (outcome: T) => void): void {
    const failed = (): void => session.abort(ErrorUri.AUTHENTICATION_FAILED, 'authentication could not be completed');
    let result: T | Promise<T>;
    try {
      result = step();
    } catch {
      failed();
      return;
    }
    if (!isPromise(result)) {
      next(result);
      return;
    }
    result.then(
      (outcome) => {
        if (session.state === 'authenticating') next(outcome);
      },
      () => {
        if (session.state === 'authenticating') failed();
      },
    );
  }

  private welcome(session: Session, identity: AuthIdentity): void {
    if (!this.authorization.knowsRole(identity.authrole)) {
      session.abort(ErrorUri.NO_SUCH_ROLE, `authrole ${JSON.stringify(identity.authrole)} is not configured on realm ${this.name}`);
      return;
    }
    const authorizationIdentity: SessionIdentity = {
      session: session.id,
      realm: this.name,
      authid: identity.authid,
      authrole: identity.authrole,
      authmethod: identity.authmethod,
      transport: session.transport.info,
    };
    const details: Dict = {
      authid: identity.authid,
      authrole: identity.authrole,
      authmethod: identity.authmethod,
      authprovider: identity.authprovider,
      roles: ROUTER_ROLES,
    };
    if (identity.authextra !== undefined) details.authextra = identity.authextra;
    session.send([MessageType.WELCOME, session.id, details]);
    session.welcomed(identity, authorizationIdentity);
    this.sessions.set(session.id, session);
    this.events.sessionJoined(session);
    this.host.joined(this, session);
  }

  /**
   * An established message, routed to the broker or dealer. A message for a role the client did not
   * announce in HELLO (a YIELD from a session that is no callee) is a protocol violation.
   */
  dispatch(session: Session, message: ClientMessage): void {
    const required = REQUIRED_ROLE[message[0]];
    if (required === undefined || !session.roles![required[0]]) {
      session.violation(
        required === undefined
          ? `message type ${message[0]} in an established session`
          : `${required[1]} from a session that did not announce the ${required[0]} role`,
      );
      return;
    }
    switch (message[0]) {
      case MessageType.PUBLISH:
        return this.broker.publish(session, message);
      case MessageType.SUBSCRIBE:
        return this.broker.subscribe(session, message);
      case MessageType.UNSUBSCRIBE:
        return this.broker.unsubscribe(session, message);
      case MessageType.CALL:
        return this.dealer.call(session, message);
      case MessageType.CANCEL:
        return this.dealer.cancel(session, message);
      case MessageType.REGISTER:
        return this.dealer.register(session, message);
      case MessageType.UNREGISTER:
        return this.dealer.unregister(session, message);
      case MessageType.YIELD:
        return this.dealer.yield(session, message);
      case MessageType.ERROR:
        return this.dealer.error(session, message);
    }
  }

  /** The session left (GOODBYE, ABORT, kill, transport gone): remove every trace of it. */
  leave(session: Session): void {
    if (!this.sessions.delete(session.id)) return;
    this.dealer.removeSession(session);
    this.broker.removeSession(session);
    this.events.sessionLeft(session);
    this.host.left(this, session);
  }

  stats(): Dict {
    return { sessions: this.sessions.size, ...this.broker.stats(), ...this.dealer.stats() };
  }

  close(): void {
    this.events.dispose();
  }
}
