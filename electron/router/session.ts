/**
 * One session: the connection's state machine from transport open to close (spec, "Session
 * Lifecycle"), its ID and identity, and its outgoing side.
 *
 *   awaiting-hello --HELLO--> authenticating --(CHALLENGE / AUTHENTICATE)--> established
 *   established --GOODBYE--> closed (we answer GOODBYE wamp.close.goodbye_and_out)
 *   established --router's GOODBYE--> closing --peer's GOODBYE (or grace timeout)--> closed
 *
 * A message that does not fit the state (CALL before WELCOME, a second HELLO) is a protocol violation:
 * ABORT wamp.error.protocol_violation and close, affecting no other session.
 */
import { CloseUri, ErrorUri, abortMessage } from './errors.ts';
import type { Realm } from './realm.ts';
import { MessageType, type AuthIdentity, type Connection, type Dict, type SessionIdentity, type Transport, type WampMessage } from './types.ts';
import { isDict, parseClientMessage, type HelloMessage } from './validate.ts';

/** What a session needs of its router. */
export interface SessionHost {
  /** Routes a HELLO: finds the realm, checks capacity, starts authentication. */
  hello(session: Session, message: HelloMessage): void;
  /** The session is over (for whatever reason); called exactly once. */
  ended(session: Session): void;
  /** The largest frame this session may send now: small before WELCOME, then by its role. */
  incomingLimit(session: Session): number;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}

/** The client roles and features from HELLO.Details.roles that the router acts on. */
export interface ClientRoles {
  caller: boolean;
  callee: boolean;
  publisher: boolean;
  subscriber: boolean;
  /** The callee announced call_canceling: it understands INTERRUPT. */
  calleeCanceling: boolean;
  /** The callee announced progressive_call_results: it may be asked for progress. */
  calleeProgress: boolean;
}

export type SessionState = 'awaiting-hello' | 'authenticating' | 'challenged' | 'established' | 'closing' | 'closed';

/** How long a peer has to answer the router's GOODBYE before its transport is closed anyway. */
const GOODBYE_GRACE_MS = 2000;

/** Reads HELLO.Details.roles; undefined when it names no role we know (a protocol violation). */
export function parseRoles(details: Dict): ClientRoles | undefined {
  const roles = details.roles;
  if (!isDict(roles)) return undefined;
  const has = (role: string): boolean => isDict(roles[role]);
  const feature = (role: string, name: string): boolean => {
    const entry = roles[role];
    return isDict(entry) && isDict(entry.features) && entry.features[name] === true;
  };
  const parsed: ClientRoles = {
    caller: has('caller'),
    callee: has('callee'),
    publisher: has('publisher'),
    subscriber: has('subscriber'),
    calleeCanceling: feature('callee', 'call_canceling'),
    calleeProgress: feature('callee', 'progressive_call_results'),
  };
  return parsed.caller || parsed.callee || parsed.publisher || parsed.subscriber ? parsed : undefined;
}

export class Session implements Connection {
  /** Allocated when HELLO is accepted (WAMP-CRA quotes it in its challenge), 0 before. */
  id = 0;
  state: SessionState = 'awaiting-hello';
  realm: Realm | undefined;
  roles: ClientRoles | undefined;
  /** Set at WELCOME. */
  identity: AuthIdentity | undefined;
  /** What the authorizer sees; built once at WELCOME so that authorizing allocates nothing. */
  authorizationIdentity: SessionIdentity | undefined;
  /** Pending authentication state between CHALLENGE and AUTHENTICATE (owned by the realm). */
  pendingAuth: unknown;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly transport: Transport,
    private readonly host: SessionHost,
    helloTimeoutMs: number,
  ) {
    if (helloTimeoutMs > 0) {
      this.timer = setTimeout(() => this.abort(ErrorUri.TIMEOUT, `no WELCOME within ${helloTimeoutMs} ms of connecting`), helloTimeoutMs);
      this.timer.unref();
    }
  }

  get established(): boolean {
    return this.state === 'established';
  }

  incomingLimit(): number {
    return this.host.incomingLimit(this);
  }

  send(message: WampMessage): void {
    // GOODBYE is the last word to a closing session: its own leaving (the meta events of its registrations
    // going) must not reach it, which autobahn-js would take for a protocol violation, and throw.
    if (this.state !== 'closed' && this.state !== 'closing') this.transport.send(message);
  }

  receive(raw: unknown): void {
    if (this.state === 'closed') return;
    const message = parseClientMessage(raw);
    if (typeof message === 'string') {
      this.violation(message);
      return;
    }
    switch (this.state) {
      case 'awaiting-hello':
        if (message[0] === MessageType.HELLO) this.host.hello(this, message);
        else if (message[0] === MessageType.ABORT) this.end();
        else this.violation(`message type ${message[0]} before HELLO`);
        return;
      case 'authenticating':
        if (message[0] === MessageType.ABORT) this.end();
        else this.violation(`message type ${message[0]} while authentication is in progress`);
        return;
      case 'challenged':
        if (message[0] === MessageType.AUTHENTICATE) this.realm?.authenticate(this, message[1], message[2]);
        else if (message[0] === MessageType.ABORT) this.end();
        else this.violation(`message type ${message[0]} in answer to CHALLENGE`);
        return;
      case 'established':
        if (message[0] === MessageType.GOODBYE) {
          this.send([MessageType.GOODBYE, {}, CloseUri.GOODBYE_AND_OUT]);
          this.end();
        } else if (message[0] === MessageType.ABORT) this.end();
        else if (message[0] === MessageType.HELLO || message[0] === MessageType.AUTHENTICATE)
          this.violation(`message type ${message[0]} in an established session`);
        else this.realm?.dispatch(this, message);
        return;
      case 'closing':
        // Only the peer's GOODBYE matters now; whatever else was in flight is moot.
        if (message[0] === MessageType.GOODBYE || message[0] === MessageType.ABORT) this.end();
        return;
    }
  }

  /**
   * Before WELCOME, a frame over the limit (an oversized ticket, say) gets an ABORT saying so ahead of
   * the transport's close (WebSocket 1009); after WELCOME there is no ABORT to send.
   */
  oversized(limit: number): void {
    if (this.state === 'established' || this.state === 'closing' || this.state === 'closed') return;
    const message = `a message over ${limit} bytes before the session was established: HELLO and AUTHENTICATE are far smaller (no ticket or secret is that long)`;
    this.host.log('info', `session ${this.id || '(no id)'}: ABORT ${ErrorUri.MESSAGE_TOO_BIG}: ${message}`);
    this.send(abortMessage(ErrorUri.MESSAGE_TOO_BIG, message));
  }

  /** The transport is gone. */
  closed(): void {
    if (this.state === 'closed') return;
    this.finish();
  }

  /** Marks the session as welcomed; the realm has sent WELCOME. */
  welcomed(identity: AuthIdentity, authorizationIdentity: SessionIdentity): void {
    this.identity = identity;
    this.authorizationIdentity = authorizationIdentity;
    this.pendingAuth = undefined;
    this.state = 'established';
    this.clearTimer();
  }

  /** Ends the session with ABORT (handshake failures, protocol violations, limits). */
  abort(reason: string, message: string): void {
    if (this.state === 'closed') return;
    this.host.log(reason === ErrorUri.PROTOCOL_VIOLATION ? 'warn' : 'info', `session ${this.id || '(no id)'}: ABORT ${reason}: ${message}`);
    this.send(abortMessage(reason, message));
    this.end();
  }

  violation(message: string): void {
    this.abort(ErrorUri.PROTOCOL_VIOLATION, message);
  }

  /**
   * Router-initiated close of an established session (meta kill, router shutdown): the spec's
   * GOODBYE exchange. The session leaves its realm at once; the transport closes when the peer
   * answers GOODBYE, or after a grace period if it never does.
   */
  goodbye(reason: string, message?: string): void {
    if (this.state !== 'established') {
      this.abort(reason, message ?? reason);
      return;
    }
    this.send([MessageType.GOODBYE, message === undefined ? {} : { message }, reason]);
    this.state = 'closing';
    this.realm?.leave(this);
    this.timer = setTimeout(() => this.end(), GOODBYE_GRACE_MS);
    this.timer.unref();
  }

  /** Closes the transport and releases everything the session holds. */
  private end(): void {
    if (this.state === 'closed') return;
    this.finish();
    this.transport.close();
  }

  private finish(): void {
    const wasEstablished = this.state === 'established';
    this.state = 'closed';
    this.clearTimer();
    if (wasEstablished) this.realm?.leave(this);
    this.host.ended(this);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
