/**
 * The seams of the router: what a transport gives the router, what an authentication method
 * and an authorizer must implement, and the router's configuration. Each concern's code lives in
 * its own module (router.ts, realm.ts, session.ts, broker.ts, dealer.ts, auth/*, transports);
 * this file only names what crosses between them.
 */

/** A WAMP message as it travels: an array whose first element is the message type code. */
export type WampMessage = unknown[];

export type Dict = Record<string, unknown>;

/** Message type codes from the WAMP spec (basic and advanced profile). */
export const MessageType = {
  HELLO: 1,
  WELCOME: 2,
  ABORT: 3,
  CHALLENGE: 4,
  AUTHENTICATE: 5,
  GOODBYE: 6,
  ERROR: 8,
  PUBLISH: 16,
  PUBLISHED: 17,
  SUBSCRIBE: 32,
  SUBSCRIBED: 33,
  UNSUBSCRIBE: 34,
  UNSUBSCRIBED: 35,
  EVENT: 36,
  CALL: 48,
  CANCEL: 49,
  RESULT: 50,
  REGISTER: 64,
  REGISTERED: 65,
  UNREGISTER: 66,
  UNREGISTERED: 67,
  INVOCATION: 68,
  INTERRUPT: 69,
  YIELD: 70,
} as const;

/**
 * A serializer turns messages into frames and back. Binary payload values are Uint8Array in memory;
 * the JSON serializer maps them to the spec's "\u0000" + base64 strings on the wire and back.
 * decode() throws SerializationError on malformed input; the transport then closes the connection.
 */
export interface Serializer {
  readonly name: 'json' | 'msgpack' | 'cbor';
  /** WebSocket subprotocol, e.g. "wamp.2.json". */
  readonly subprotocol: string;
  /** RawSocket serializer id (1 = JSON, 2 = MessagePack, 3 = CBOR). */
  readonly rawSocketId: number;
  /** True when frames are binary (WebSocket binary frames). */
  readonly binary: boolean;
  encode(message: WampMessage): Uint8Array | string;
  decode(frame: Uint8Array | string): unknown;
}

export class SerializationError extends Error {}

/** What the router knows of the connection underneath a session. */
export interface TransportInfo {
  readonly kind: 'websocket' | 'rawsocket' | 'local';
  /** Remote address without port ("127.0.0.1", "::1", "192.0.2.4"). */
  readonly peerAddress: string;
  readonly peerPort: number;
  /** True when the peer connected over a loopback interface. */
  readonly loopback: boolean;
  readonly serializer: Serializer['name'];
  /** HTTP headers of the WebSocket upgrade request, lower-cased names (empty for RawSocket). */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The transport side of one connection, handed to Router.accept(). The transport owns framing,
 * serialization and the per-connection outgoing queue limit (a peer that does not read is closed).
 */
export interface Transport {
  readonly info: TransportInfo;
  /**
   * Serializes and writes one message. Never throws; a dead or congested transport closes itself.
   * The message must not be changed after it is sent: serializers encode a message shared by many
   * recipients (an EVENT to every subscriber) once and reuse the bytes.
   */
  send(message: WampMessage): void;
  /** Closes the underlying connection (after flushing what was already sent, where possible). */
  close(code?: number, reason?: string): void;
}

/** What the router returns for an accepted transport: the transport feeds decoded messages into it. */
export interface Connection {
  /** A decoded (not yet validated) message from the peer. */
  receive(message: unknown): void;
  /**
   * The largest frame the peer may send now (it depends on the session's phase and role); transports
   * check it against a frame's length before reading or decoding it.
   */
  incomingLimit?(): number;
  /**
   * The peer sent a frame over `limit` (incomingLimit's answer); the transport closes the connection
   * right after, so only a message said now can tell the peer why.
   */
  oversized?(limit: number): void;
  /** The transport has gone away (closed by either side, or failed). Idempotent. */
  closed(): void;
}

/** Identity established by authentication; carried in WELCOME and in session meta data. */
export interface AuthIdentity {
  authid: string;
  authrole: string;
  authmethod: string;
  authprovider: string;
  authextra?: Dict;
}

/** What an authentication method answers to a HELLO. */
export type HelloOutcome =
  { kind: 'welcome'; identity: AuthIdentity } | { kind: 'challenge'; extra: Dict; state: unknown } | { kind: 'reject'; error: string; message: string };

export interface HelloContext {
  realm: string;
  /** HELLO.Details as sent by the client (authid, authextra, authmethods, roles, ...). */
  details: Dict;
  transport: TransportInfo;
  /** The session ID the router will announce in WELCOME, when already allocated (WAMP-CRA puts it in its challenge). */
  session?: number;
}

/**
 * One authentication method (auth/anonymous.ts, ticket.ts, wampcra.ts, cryptosign.ts, or a custom one).
 * A method either welcomes directly (anonymous), or challenges and then verifies the AUTHENTICATE reply.
 */
export interface AuthMethod {
  /** The authmethod name clients ask for: "anonymous", "ticket", "wampcra", "cryptosign", ... */
  readonly name: string;
  hello(context: HelloContext): Promise<HelloOutcome> | HelloOutcome;
  /**
   * Verifies AUTHENTICATE.Signature against the state kept from hello(). Returns the identity on
   * success, or a reject outcome (the router then sends ABORT with its error URI).
   */
  authenticate?(
    signature: string,
    extra: Dict,
    state: unknown,
    context: HelloContext,
  ): Promise<AuthIdentity | Extract<HelloOutcome, { kind: 'reject' }>> | AuthIdentity | Extract<HelloOutcome, { kind: 'reject' }>;
}

export type Action = 'call' | 'register' | 'publish' | 'subscribe';

/** The session facts an authorizer sees. */
export interface SessionIdentity {
  session: number;
  realm: string;
  authid: string;
  authrole: string;
  authmethod: string;
  transport: TransportInfo;
}

/**
 * Decides whether a session may perform an action on a URI. Synchronous answers keep the hot path
 * free of promise allocations; a dynamic authorizer may answer asynchronously.
 */
export interface Authorizer {
  authorize(session: SessionIdentity, action: Action, uri: string, options: Dict): boolean | Promise<boolean>;
}

export type MatchPolicy = 'exact' | 'prefix' | 'wildcard';

/** One static permission rule of a role (Crossbar.io's static authorization, same shape). */
export interface Permission {
  uri: string;
  match: MatchPolicy;
  allow: Partial<Record<Action, boolean>>;
  /** Whether the router discloses the caller/publisher to this role's peers when asked. Default false. */
  disclose?: { caller?: boolean; publisher?: boolean };
}

export interface RoleConfig {
  name: string;
  permissions: Permission[];
}

/**
 * A realm's rule for REGISTER beyond permissions: given the registering session, the procedure and the
 * REGISTER options, the reason to refuse it (sent with wamp.error.not_authorized), or undefined to allow.
 */
export type RegistrationPolicy = (session: SessionIdentity, procedure: string, options: Dict) => string | undefined;

export interface RealmConfig {
  name: string;
  /** Authentication methods offered on this realm, in the router's order of preference. */
  auth: AuthMethod[];
  /** Static roles; a session's authrole must name one of these unless an authorizer is given. */
  roles: RoleConfig[];
  /** Dynamic authorizer consulted instead of the static roles, when given. */
  authorizer?: Authorizer;
  /** Checked at every REGISTER after the permissions allowed it (see RegistrationPolicy). */
  registrationPolicy?: RegistrationPolicy;
}

/** Limits, each with a safe default (see router/limits.ts). */
export interface Limits {
  /** Largest accepted incoming frame in bytes; larger ones close the connection (WebSocket 1009). */
  maxMessageSize: number;
  /**
   * Largest incoming frame before WELCOME (HELLO, AUTHENTICATE are small): refused from the frame's
   * length header, before it is buffered or decoded, so unauthenticated peers cannot make the router
   * read or decode large messages.
   */
  maxHelloSize: number;
  /** Most concurrent sessions per router. */
  maxSessions: number;
  /** Bytes queued for a peer that does not read before it is disconnected. */
  maxOutgoingBuffer: number;
  /** Per-registration queue of calls waiting for callee capacity (0 = reject at once, as Crossbar.io). */
  maxCallQueue: number;
  /** WebSocket ping interval and the deadline for its pong, in ms; 0 disables. */
  pingIntervalMs: number;
  pingTimeoutMs: number;
  /** Time allowed between transport open and WELCOME, in ms. */
  helloTimeoutMs: number;
  /** URI check: 'strict' (letters, digits, _ only) or 'loose' (no whitespace, '.' or '#'). */
  uriCheck: 'strict' | 'loose';
  /**
   * For tests of Kiln's components against the routers users run, where those differ from Kiln's:
   * 'crossbar' (Crossbar.io 21.3.1: a call beyond every callee's concurrency is rejected with
   * crossbar.error.max_concurrency_reached, never queued; CALL.Options.timeout is ignored) or
   * 'nexus' (Nexus 3.2.2: REGISTER's concurrency is ignored). Default 'kiln'.
   */
  emulate: RouterEmulation;
}

export type RouterEmulation = 'kiln' | 'crossbar' | 'nexus';

export interface RouterConfig {
  realms: RealmConfig[];
  limits?: Partial<Limits>;
  /**
   * Largest incoming frame of an established session, by its identity (per role, say); asked for each
   * frame's length header, so it may change while the session lives. Default: limits.maxMessageSize.
   * Never more than maxMessageSize.
   */
  messageLimit?: (identity: AuthIdentity) => number;
  /** Receives one line per notable event; never receives secrets. Defaults to silence. */
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}
