/**
 * The dealer: Remote Procedure Calls (spec, "Remote Procedure Calls", and the advanced profile's
 * shared and pattern-based registration, call canceling, call timeout, progressive call results and
 * caller identification), with Crossbar.io's per-callee `concurrency` and a bounded call queue.
 *
 * State is plain maps keyed by ID (registration ID -> registration, invocation ID -> invocation,
 * session ID -> its calls / its callee records / its invocations in flight), so that a leaving
 * session is removed with a few map operations. One public method per message type.
 */
import { afterVerdict, type RealmAuthorization } from './authorization.ts';
import { ApplicationError, ErrorUri, errorMessage } from './errors.ts';
import { SequentialIds } from './ids.ts';
import type { MetaEvents } from './meta-events.ts';
import { PatternIndex, type IdsByPolicy } from './pattern-index.ts';
import type { Session } from './session.ts';
import { MessageType, type Dict, type Limits, type MatchPolicy, type RegistrationPolicy, type WampMessage } from './types.ts';
import { isReservedUri, isValidPattern, isValidUri } from './uri.ts';
import type { CallMessage, CancelMessage, InvocationErrorMessage, RegisterMessage, UnregisterMessage, YieldMessage } from './validate.ts';

export type InvokePolicy = 'single' | 'roundrobin' | 'random' | 'first' | 'last' | 'leastloaded';
const INVOKE_POLICIES: readonly unknown[] = ['single', 'roundrobin', 'random', 'first', 'last', 'leastloaded'];
const MATCH_POLICIES: readonly unknown[] = ['exact', 'prefix', 'wildcard'];
type CancelMode = 'skip' | 'kill' | 'killnowait';
/** The longest delay a Node timer keeps (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
const CANCEL_MODES: readonly unknown[] = ['skip', 'kill', 'killnowait'];

/** A router-provided procedure (the meta API): answers synchronously or throws ApplicationError. */
export type RouterProcedure = (caller: Session, args: unknown[], kwargs: Dict) => { args?: unknown[]; kwargs?: Dict };

export interface Registration {
  readonly id: number;
  readonly uri: string;
  readonly match: MatchPolicy;
  readonly invoke: InvokePolicy;
  readonly created: string;
  /** The first callee's concurrency (0 = unlimited), reported in the meta API (see registrationDetails). */
  readonly concurrency: number;
  /** In registration order: first/last pick from its ends. */
  readonly callees: Callee[];
  /** Calls waiting for a callee with capacity, oldest first. */
  readonly queue: Call[];
  /** Round-robin (and least-loaded tie-break) position. */
  next: number;
  saturated: boolean;
  live: boolean;
}

interface Callee {
  readonly session: Session;
  readonly registration: Registration;
  /** Most invocations this callee holds at once; 0 = unlimited. */
  readonly concurrency: number;
  inFlight: number;
}

interface Call {
  readonly caller: Session;
  readonly request: number;
  readonly procedure: string;
  readonly message: CallMessage;
  readonly registration: Registration;
  readonly receiveProgress: boolean;
  readonly discloseCaller: boolean;
  invocation: Invocation | undefined;
  timer: NodeJS.Timeout | undefined;
}

interface Invocation {
  readonly id: number;
  readonly call: Call;
  readonly callee: Callee;
  /** CANCEL mode kill was sent: the callee's answer goes to the caller, later CANCELs are ignored. */
  killRequested: boolean;
}

function hasCapacity(callee: Callee): boolean {
  return callee.concurrency === 0 || callee.inFlight < callee.concurrency;
}

/** Load relative to capacity; an unlimited callee counts as concurrency 1, so it shares work rather than taking all of it. */
function load(callee: Callee): number {
  return callee.inFlight / (callee.concurrency || 1);
}

function outgoing(head: unknown[], args: unknown[] | undefined, kwargs: Dict | undefined): WampMessage {
  if (kwargs !== undefined) head.push(args ?? [], kwargs);
  else if (args !== undefined) head.push(args);
  return head;
}

export class Dealer {
  private readonly registrations = new Map<number, Registration>();
  private readonly index = new PatternIndex<Registration>();
  private readonly invocations = new Map<number, Invocation>();
  /** Caller session ID -> CALL request ID -> call (queued or invoked), for CANCEL and caller departure. */
  private readonly calls = new Map<number, Map<number, Call>>();
  /** Callee session ID -> registration ID -> its callee record. */
  private readonly callees = new Map<number, Map<number, Callee>>();
  /** Callee session ID -> invocations it holds (they outlive an UNREGISTER). */
  private readonly work = new Map<number, Set<Invocation>>();
  private readonly registrationIds = new SequentialIds();
  private readonly invocationIds = new SequentialIds();

  constructor(
    private readonly authorization: RealmAuthorization,
    private readonly limits: Pick<Limits, 'maxCallQueue' | 'uriCheck' | 'emulate'>,
    private readonly events: MetaEvents,
    private readonly routerProcedures: ReadonlyMap<string, RouterProcedure>,
    private readonly registrationPolicy?: RegistrationPolicy,
  ) {}

  /**
   * REGISTER. Options: match (exact | prefix | wildcard), invoke (single | roundrobin | random | first |
   * last | leastloaded) and Crossbar.io's concurrency (positive integer). Spec, "Shared Registration":
   * a second REGISTER with a different invocation policy, or any second one under "single", fails
   * with wamp.error.procedure_already_exists. The wamp. namespace belongs to the router.
   */
  register(session: Session, message: RegisterMessage): void {
    const [, request, options, procedure] = message;
    const match = options.match ?? 'exact';
    const invoke = options.invoke ?? 'single';
    const concurrency = options.concurrency ?? 0;
    let problem: [string, string] | undefined;
    if (!MATCH_POLICIES.includes(match)) problem = [ErrorUri.INVALID_ARGUMENT, `unknown match policy ${JSON.stringify(match)}`];
    else if (!INVOKE_POLICIES.includes(invoke)) problem = [ErrorUri.INVALID_ARGUMENT, `unknown invocation policy ${JSON.stringify(invoke)}`];
    else if (!Number.isInteger(concurrency) || (concurrency as number) < 0) problem = [ErrorUri.INVALID_ARGUMENT, 'concurrency must be a positive integer'];
    else if (!isValidPattern(procedure, match as MatchPolicy, this.limits.uriCheck))
      problem = [ErrorUri.INVALID_URI, `invalid procedure ${JSON.stringify(procedure)}`];
    else if (isReservedUri(procedure)) problem = [ErrorUri.INVALID_URI, `${procedure}: the wamp. namespace is reserved for the router`];
    else {
      const refusal = this.registrationPolicy?.(session.authorizationIdentity!, procedure, options);
      if (refusal !== undefined) problem = [ErrorUri.NOT_AUTHORIZED, refusal];
    }
    if (problem !== undefined) {
      session.send(errorMessage(MessageType.REGISTER, request, problem[0], problem[1]));
      return;
    }
    const verdict = this.authorization.authorize(session, 'register', procedure, options);
    const proceed = (allowed: boolean): void =>
      this.registerAuthorized(session, request, procedure, match as MatchPolicy, invoke as InvokePolicy, concurrency as number, allowed);
    if (typeof verdict === 'boolean') proceed(verdict);
    else afterVerdict(verdict, session, proceed);
  }

  private registerAuthorized(
    session: Session,
    request: number,
    procedure: string,
    match: MatchPolicy,
    invoke: InvokePolicy,
    concurrency: number,
    allowed: boolean,
  ): void {
    if (!allowed) {
      session.send(errorMessage(MessageType.REGISTER, request, ErrorUri.NOT_AUTHORIZED, `not authorized to register ${procedure}`));
      return;
    }
    let registration = this.index.get(procedure, match);
    if (registration !== undefined) {
      const conflict =
        registration.invoke === 'single' || invoke !== registration.invoke
          ? `${procedure} is already registered with invocation policy ${registration.invoke}`
          : registration.callees.some((callee) => callee.session === session)
            ? `${procedure} is already registered by this session`
            : undefined;
      if (conflict !== undefined) {
        session.send(errorMessage(MessageType.REGISTER, request, ErrorUri.PROCEDURE_ALREADY_EXISTS, conflict));
        return;
      }
    }
    const created = registration === undefined;
    if (registration === undefined) {
      registration = {
        id: this.registrationIds.next(),
        uri: procedure,
        match,
        invoke,
        created: new Date().toISOString(),
        concurrency,
        callees: [],
        queue: [],
        next: 0,
        saturated: false,
        live: true,
      };
      this.registrations.set(registration.id, registration);
      this.index.add(registration);
    }
    // Nexus takes the option and ignores it: every callee is unlimited there.
    const callee: Callee = { session, registration, concurrency: this.limits.emulate === 'nexus' ? 0 : concurrency, inFlight: 0 };
    registration.callees.push(callee);
    let mine = this.callees.get(session.id);
    if (mine === undefined) this.callees.set(session.id, (mine = new Map()));
    mine.set(registration.id, callee);
    session.send([MessageType.REGISTERED, request, registration.id]);
    if (created) this.events.registrationCreated(session, registration);
    this.events.registered(session, registration.id);
    // A new callee is new capacity for calls that were waiting.
    this.drain(registration);
  }

  /**
   * UNREGISTER. Invocations the callee already holds run to completion (its YIELD or ERROR still
   * reaches the caller); calls still queued fail if this was the registration's last callee.
   */
  unregister(session: Session, message: UnregisterMessage): void {
    const [, request, registrationId] = message;
    const callee = this.callees.get(session.id)?.get(registrationId);
    if (callee === undefined) {
      session.send(errorMessage(MessageType.UNREGISTER, request, ErrorUri.NO_SUCH_REGISTRATION, `no registration ${registrationId} held by this session`));
      return;
    }
    this.removeCallee(callee);
    session.send([MessageType.UNREGISTERED, request]);
  }

  /**
   * CALL. Options: timeout (ms, counted from arrival, queued or not), receive_progress, disclose_me.
   * Procedures in wamp. are the router's own (the meta API) and never reach a client callee.
   */
  call(session: Session, message: CallMessage): void {
    const [, request, options, procedure] = message;
    if (!isValidUri(procedure, this.limits.uriCheck)) {
      session.send(errorMessage(MessageType.CALL, request, ErrorUri.INVALID_URI, `invalid procedure ${JSON.stringify(procedure)}`));
      return;
    }
    if (this.calls.get(session.id)?.has(request)) {
      session.violation(`CALL request ID ${request} is already in use`);
      return;
    }
    const verdict = this.authorization.authorize(session, 'call', procedure, options);
    if (typeof verdict === 'boolean') this.callAuthorized(session, message, verdict);
    else afterVerdict(verdict, session, (allowed) => this.callAuthorized(session, message, allowed));
  }

  private callAuthorized(caller: Session, message: CallMessage, allowed: boolean): void {
    const [, request, options, procedure, args, kwargs] = message;
    if (!allowed) {
      caller.send(errorMessage(MessageType.CALL, request, ErrorUri.NOT_AUTHORIZED, `not authorized to call ${procedure}`));
      return;
    }
    if (isReservedUri(procedure)) {
      this.callRouterProcedure(caller, request, procedure, args ?? [], kwargs ?? {});
      return;
    }
    const registration = this.index.best(procedure);
    if (registration === undefined) {
      caller.send(errorMessage(MessageType.CALL, request, ErrorUri.NO_SUCH_PROCEDURE, `no callee registered for ${procedure}`));
      return;
    }
    const call: Call = {
      caller,
      request,
      procedure,
      message,
      registration,
      receiveProgress: options.receive_progress === true,
      discloseCaller: options.disclose_me === true && this.authorization.mayDisclose(caller, 'call', procedure),
      invocation: undefined,
      timer: undefined,
    };
    const callee = this.pick(registration);
    // Crossbar.io has no call queue: a call no callee can take now is rejected.
    const queueLimit = this.limits.emulate === 'crossbar' ? 0 : this.limits.maxCallQueue;
    if (callee === undefined && registration.queue.length >= queueLimit) {
      caller.send(
        errorMessage(
          MessageType.CALL,
          request,
          ErrorUri.MAX_CONCURRENCY_REACHED,
          `every callee of ${registration.uri} is at its concurrency and the call queue is full`,
        ),
      );
      return;
    }
    let mine = this.calls.get(caller.id);
    if (mine === undefined) this.calls.set(caller.id, (mine = new Map()));
    mine.set(request, call);
    const timeout = options.timeout;
    // Crossbar.io 21.3.1 ignores the option (the caller waits for the callee however long it takes).
    if (typeof timeout === 'number' && timeout > 0 && this.limits.emulate !== 'crossbar') {
      // Node fires a timer of 2^31 ms or more after 1 ms (with a warning): such a timeout is 24.8 days.
      call.timer = setTimeout(() => this.timedOut(call), Math.min(timeout, MAX_TIMER_MS));
    }
    if (callee !== undefined) this.invoke(call, callee);
    else {
      registration.queue.push(call);
      this.events.queueDepth(registration.id, registration.uri, registration.queue.length);
    }
  }

  private callRouterProcedure(caller: Session, request: number, procedure: string, args: unknown[], kwargs: Dict): void {
    const run = this.routerProcedures.get(procedure);
    if (run === undefined) {
      caller.send(errorMessage(MessageType.CALL, request, ErrorUri.NO_SUCH_PROCEDURE, `no router procedure ${procedure}`));
      return;
    }
    try {
      const result = run(caller, args, kwargs);
      caller.send(outgoing([MessageType.RESULT, request, {}], result.args, result.kwargs));
    } catch (error) {
      if (error instanceof ApplicationError) caller.send(errorMessage(MessageType.CALL, request, error.uri, error.message));
      else caller.send(errorMessage(MessageType.CALL, request, ErrorUri.INVALID_ARGUMENT, `${procedure} failed`));
    }
  }

  /**
   * CANCEL (spec, "Call Canceling"). A call still queued is simply answered wamp.error.canceled. For
   * one already invoked, Options.mode (default killnowait):
   *  - skip: "The pending call is canceled and ERROR is sent immediately back to the caller. No
   *    INTERRUPT is sent to the callee and the result is discarded when received."
   *  - kill: "INTERRUPT is sent to the callee, but ERROR is not returned to the caller until after the
   *    callee has responded to the canceled call." The callee's answer is what the caller gets.
   *  - killnowait: "The pending call is canceled and ERROR is sent immediately back to the caller.
   *    INTERRUPT is sent to the callee and any response to the call is discarded when received."
   * INTERRUPT only goes to callees that announced call_canceling; for others (autobahn-js) kill
   * degrades to skip, since waiting for an answer that the callee was never asked for could hang the
   * caller. Every mode frees the callee's concurrency slot, except kill, whose slot is freed by the
   * callee's answer (the invocation really is still running until then).
   */
  cancel(session: Session, message: CancelMessage): void {
    const [, request, options] = message;
    const mode = options.mode ?? 'killnowait';
    if (!CANCEL_MODES.includes(mode)) {
      session.send(errorMessage(MessageType.CANCEL, request, ErrorUri.INVALID_ARGUMENT, `unknown cancel mode ${JSON.stringify(mode)}`));
      return;
    }
    const call = this.calls.get(session.id)?.get(request);
    // Spec: a CANCEL for a call that has already completed is ignored.
    if (call === undefined) return;
    const invocation = call.invocation;
    if (invocation === undefined) {
      this.unqueue(call);
      this.forgetCall(call);
      session.send(errorMessage(MessageType.CALL, request, ErrorUri.CANCELED, 'canceled while waiting for a callee'));
      return;
    }
    if (invocation.killRequested) return;
    const interruptible = invocation.callee.session.roles!.calleeCanceling;
    if ((mode as CancelMode) === 'kill' && interruptible) {
      invocation.killRequested = true;
      invocation.callee.session.send([MessageType.INTERRUPT, invocation.id, { mode: 'kill' }]);
      return;
    }
    if ((mode as CancelMode) === 'killnowait' && interruptible) invocation.callee.session.send([MessageType.INTERRUPT, invocation.id, { mode: 'killnowait' }]);
    this.endInvocation(invocation);
    session.send(errorMessage(MessageType.CALL, request, ErrorUri.CANCELED, 'canceled'));
    this.afterCapacityFreed(invocation.callee.registration);
  }

  /**
   * YIELD. With Options.progress = true it is a progressive result (spec, "Progressive Call
   * Results"), forwarded only if the caller asked for progress; the invocation stays open. A YIELD
   * for an unknown invocation, or another session's, is ignored: the spec lets the dealer drop it,
   * and it happens legitimately after a cancel or timeout.
   */
  yield(session: Session, message: YieldMessage): void {
    const [, invocationId, options, args, kwargs] = message;
    const invocation = this.invocations.get(invocationId);
    if (invocation === undefined || invocation.callee.session !== session) return;
    const { call } = invocation;
    if (options.progress === true) {
      if (call.receiveProgress) call.caller.send(outgoing([MessageType.RESULT, call.request, { progress: true }], args, kwargs));
      return;
    }
    this.endInvocation(invocation);
    call.caller.send(outgoing([MessageType.RESULT, call.request, {}], args, kwargs));
    this.afterCapacityFreed(invocation.callee.registration);
  }

  /** ERROR in answer to an INVOCATION: forwarded to the caller as ERROR for its CALL. */
  error(session: Session, message: InvocationErrorMessage): void {
    const [, , invocationId, details, error, args, kwargs] = message;
    const invocation = this.invocations.get(invocationId);
    if (invocation === undefined || invocation.callee.session !== session) return;
    this.endInvocation(invocation);
    invocation.call.caller.send(outgoing([MessageType.ERROR, MessageType.CALL, invocation.call.request, details, error], args, kwargs));
    this.afterCapacityFreed(invocation.callee.registration);
  }

  /**
   * A session left. As caller: its queued calls are dropped and its invocations interrupted (the
   * answer has nowhere to go). As callee: each caller waiting on it gets wamp.error.canceled at once,
   * and its registrations lose it (the last callee leaving deletes the registration).
   */
  removeSession(session: Session): void {
    const touched = new Set<Registration>();
    const calls = this.calls.get(session.id);
    if (calls !== undefined) {
      for (const call of calls.values()) {
        if (call.invocation === undefined) this.unqueue(call);
        else {
          const { callee } = call.invocation;
          if (callee.session.roles!.calleeCanceling) callee.session.send([MessageType.INTERRUPT, call.invocation.id, { mode: 'killnowait' }]);
          this.endInvocation(call.invocation);
          touched.add(callee.registration);
        }
        if (call.timer !== undefined) clearTimeout(call.timer);
      }
      this.calls.delete(session.id);
    }
    const work = this.work.get(session.id);
    if (work !== undefined) {
      for (const invocation of work) {
        this.endInvocation(invocation);
        invocation.call.caller.send(errorMessage(MessageType.CALL, invocation.call.request, ErrorUri.CANCELED, 'the callee left before answering'));
      }
      this.work.delete(session.id);
    }
    const mine = this.callees.get(session.id);
    if (mine !== undefined) for (const callee of mine.values()) this.removeCallee(callee);
    for (const registration of touched) this.afterCapacityFreed(registration);
  }

  // Invocation life cycle.

  private invoke(call: Call, callee: Callee): void {
    const { registration, caller } = call;
    const invocation: Invocation = { id: this.invocationIds.next(), call, callee, killRequested: false };
    call.invocation = invocation;
    callee.inFlight++;
    this.invocations.set(invocation.id, invocation);
    let work = this.work.get(callee.session.id);
    if (work === undefined) this.work.set(callee.session.id, (work = new Set()));
    work.add(invocation);

    const details: Dict = {};
    if (registration.match !== 'exact') details.procedure = call.procedure;
    if (call.receiveProgress && callee.session.roles!.calleeProgress) details.receive_progress = true;
    if (call.discloseCaller) {
      details.caller = caller.id;
      details.caller_authid = caller.identity!.authid;
      details.caller_authrole = caller.identity!.authrole;
    }
    callee.session.send(outgoing([MessageType.INVOCATION, invocation.id, registration.id, details], call.message[4], call.message[5]));
    if (!registration.saturated && this.isSaturated(registration)) {
      registration.saturated = true;
      this.events.saturated(registration.id, registration.uri, registration.callees.length);
    }
  }

  /** The invocation is over for the dealer: its slot is free and the call forgotten. */
  private endInvocation(invocation: Invocation): void {
    if (!this.invocations.delete(invocation.id)) return;
    invocation.callee.inFlight--;
    const work = this.work.get(invocation.callee.session.id);
    work?.delete(invocation);
    if (work?.size === 0) this.work.delete(invocation.callee.session.id);
    this.forgetCall(invocation.call);
  }

  private forgetCall(call: Call): void {
    if (call.timer !== undefined) clearTimeout(call.timer);
    call.timer = undefined;
    const calls = this.calls.get(call.caller.id);
    calls?.delete(call.request);
    if (calls?.size === 0) this.calls.delete(call.caller.id);
  }

  /**
   * Spec, "Call Timeouts": the dealer cancels the call when its timeout expires. The caller gets
   * wamp.error.timeout whether or not it announced call_canceling; a callee that did gets INTERRUPT.
   */
  private timedOut(call: Call): void {
    call.timer = undefined;
    const invocation = call.invocation;
    if (invocation === undefined) {
      this.unqueue(call);
      this.forgetCall(call);
    } else {
      if (invocation.callee.session.roles!.calleeCanceling)
        invocation.callee.session.send([MessageType.INTERRUPT, invocation.id, { mode: 'killnowait', reason: ErrorUri.TIMEOUT }]);
      this.endInvocation(invocation);
    }
    call.caller.send(errorMessage(MessageType.CALL, call.request, ErrorUri.TIMEOUT, `no result within ${String(call.message[2].timeout)} ms`));
    if (invocation !== undefined) this.afterCapacityFreed(invocation.callee.registration);
  }

  // Callee choice, saturation and the call queue.

  /** The callee that gets the next invocation under the registration's policy, among those with capacity. */
  private pick(registration: Registration): Callee | undefined {
    const { callees } = registration;
    const count = callees.length;
    switch (registration.invoke) {
      case 'single':
      case 'first':
        // first: hot standby; later callees only take over when earlier ones are gone or saturated.
        return callees.find(hasCapacity);
      case 'last':
        return callees.findLast(hasCapacity);
      case 'roundrobin':
        for (let i = 0; i < count; i++) {
          const index = (registration.next + i) % count;
          if (hasCapacity(callees[index])) {
            registration.next = index + 1;
            return callees[index];
          }
        }
        return undefined;
      case 'random': {
        let available = 0;
        for (const callee of callees) if (hasCapacity(callee)) available++;
        let chosen = Math.floor(Math.random() * available);
        for (const callee of callees) if (hasCapacity(callee) && chosen-- === 0) return callee;
        return undefined;
      }
      case 'leastloaded': {
        // Ties go to the callee after the last one chosen, so equally loaded callees take turns.
        let best = -1;
        for (let i = 0; i < count; i++) {
          const index = (registration.next + i) % count;
          if (hasCapacity(callees[index]) && (best === -1 || load(callees[index]) < load(callees[best]))) best = index;
        }
        if (best === -1) return undefined;
        registration.next = best + 1;
        return callees[best];
      }
    }
  }

  private isSaturated(registration: Registration): boolean {
    return registration.callees.length > 0 && registration.callees.every((callee) => !hasCapacity(callee));
  }

  /** A slot was freed (or a callee left): update saturation and hand waiting calls to free callees. */
  private afterCapacityFreed(registration: Registration): void {
    if (registration.saturated && !this.isSaturated(registration)) registration.saturated = false;
    this.drain(registration);
  }

  private drain(registration: Registration): void {
    if (!registration.live || registration.queue.length === 0) return;
    let moved = false;
    while (registration.queue.length > 0) {
      const callee = this.pick(registration);
      if (callee === undefined) break;
      this.invoke(registration.queue.shift()!, callee);
      moved = true;
    }
    if (moved) this.events.queueDepth(registration.id, registration.uri, registration.queue.length);
  }

  private unqueue(call: Call): void {
    const { queue } = call.registration;
    const index = queue.indexOf(call);
    if (index === -1) return;
    queue.splice(index, 1);
    if (call.registration.live) this.events.queueDepth(call.registration.id, call.registration.uri, queue.length);
  }

  private removeCallee(callee: Callee): void {
    const { registration, session } = callee;
    const index = registration.callees.indexOf(callee);
    registration.callees.splice(index, 1);
    // Keep the round-robin position on the callee that was next.
    if (registration.next > index) registration.next--;
    const mine = this.callees.get(session.id);
    mine?.delete(registration.id);
    if (mine?.size === 0) this.callees.delete(session.id);
    this.events.unregistered(session, registration.id);
    if (registration.callees.length > 0) {
      this.afterCapacityFreed(registration);
      return;
    }
    registration.live = false;
    this.registrations.delete(registration.id);
    this.index.remove(registration);
    this.events.registrationDeleted(session, registration.id);
    for (const call of registration.queue.splice(0)) {
      this.forgetCall(call);
      call.caller.send(errorMessage(MessageType.CALL, call.request, ErrorUri.NO_SUCH_PROCEDURE, `${registration.uri} was unregistered while the call waited`));
    }
  }

  // Queries for the registration meta API (wamp.registration.*).

  list(): IdsByPolicy {
    return this.index.ids();
  }

  lookup(procedure: string, match: MatchPolicy): Registration | undefined {
    return this.index.get(procedure, match);
  }

  best(procedure: string): Registration | undefined {
    return this.index.best(procedure);
  }

  get(id: number): Registration | undefined {
    return this.registrations.get(id);
  }

  stats(): { registrations: number; invocations: number; queuedCalls: number; callerSessions: number; calleeSessions: number; busyCallees: number } {
    let queuedCalls = 0;
    for (const registration of this.registrations.values()) queuedCalls += registration.queue.length;
    return {
      registrations: this.registrations.size,
      invocations: this.invocations.size,
      queuedCalls,
      callerSessions: this.calls.size,
      calleeSessions: this.callees.size,
      busyCallees: this.work.size,
    };
  }
}
