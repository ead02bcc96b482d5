/**
 * The meta API's procedures (spec, "Session Meta API", "Registration Meta API", "Subscription Meta
 * API"), answered by the router itself from the realm's live state. Calling them is authorized like
 * any call (the caller needs `call` on e.g. wamp.session.list). The meta events are in meta-events.ts.
 */
import type { Broker } from './broker.ts';
import type { Dealer, RouterProcedure } from './dealer.ts';
import { ApplicationError, CloseUri, ErrorUri } from './errors.ts';
import { sessionDetails } from './meta-events.ts';
import type { Session } from './session.ts';
import type { Dict, MatchPolicy } from './types.ts';
import { isValidUri } from './uri.ts';
import { isDict, isId } from './validate.ts';

export interface MetaSource {
  readonly sessions: ReadonlyMap<number, Session>;
  readonly broker: Broker;
  readonly dealer: Dealer;
}

function idArgument(args: unknown[], what: string): number {
  if (!isId(args[0])) throw new ApplicationError(ErrorUri.INVALID_ARGUMENT, `expected a ${what} ID as the first argument`);
  return args[0];
}

function stringArgument(args: unknown[], what: string): string {
  if (typeof args[0] !== 'string') throw new ApplicationError(ErrorUri.INVALID_ARGUMENT, `expected ${what} as the first argument`);
  return args[0];
}

function matchOption(args: unknown[]): MatchPolicy {
  const options = args[1];
  const match = isDict(options) ? (options.match ?? 'exact') : 'exact';
  if (match !== 'exact' && match !== 'prefix' && match !== 'wildcard')
    throw new ApplicationError(ErrorUri.INVALID_ARGUMENT, `unknown match policy ${JSON.stringify(match)}`);
  return match;
}

/** The optional filter_authroles list of wamp.session.count / list. */
function roleFilter(args: unknown[]): (session: Session) => boolean {
  const roles = args[0];
  if (roles === undefined || roles === null) return () => true;
  if (!Array.isArray(roles)) throw new ApplicationError(ErrorUri.INVALID_ARGUMENT, 'filter_authroles must be a list of authroles');
  return (session) => roles.includes(session.identity!.authrole);
}

const one = (value: unknown): { args: unknown[] } => ({ args: [value] });

function sessionProcedures(realm: MetaSource): Record<string, RouterProcedure> {
  const target = (args: unknown[]): Session => {
    const session = realm.sessions.get(idArgument(args, 'session'));
    if (session === undefined) throw new ApplicationError(ErrorUri.NO_SUCH_SESSION, `no session ${String(args[0])} on this realm`);
    return session;
  };
  /** kwargs.reason (a URI, default wamp.close.killed) and kwargs.message, for the GOODBYE the victim gets. */
  const goodbyeOf = (kwargs: Dict): [string, string | undefined] => {
    const reason = kwargs.reason ?? CloseUri.KILLED;
    if (!isValidUri(reason, 'loose')) throw new ApplicationError(ErrorUri.INVALID_URI, 'reason must be a URI');
    const message = kwargs.message;
    return [reason, typeof message === 'string' ? message : undefined];
  };
  /** Kills every session selected, except the caller (who would have no answer to read). */
  const killAll = (caller: Session, kwargs: Dict, selected: (session: Session) => boolean): { args: unknown[] } => {
    const [reason, message] = goodbyeOf(kwargs);
    const victims = [...realm.sessions.values()].filter((session) => session !== caller && selected(session));
    for (const victim of victims) victim.goodbye(reason, message);
    return one(victims.map((victim) => victim.id));
  };
  return {
    'wamp.session.count': (_caller, args) => {
      const selected = roleFilter(args);
      let count = 0;
      for (const session of realm.sessions.values()) if (selected(session)) count++;
      return one(count);
    },
    'wamp.session.list': (_caller, args) => {
      const selected = roleFilter(args);
      return one([...realm.sessions.values()].filter(selected).map((session) => session.id));
    },
    'wamp.session.get': (_caller, args) => one(sessionDetails(target(args))),
    'wamp.session.kill': (caller, args, kwargs) => {
      const victim = target(args);
      if (victim === caller) throw new ApplicationError(ErrorUri.INVALID_ARGUMENT, 'a session cannot kill itself; send GOODBYE instead');
      const [reason, message] = goodbyeOf(kwargs);
      victim.goodbye(reason, message);
      return {};
    },
    'wamp.session.kill_by_authid': (caller, args, kwargs) => {
      const authid = stringArgument(args, 'an authid');
      return killAll(caller, kwargs, (session) => session.identity!.authid === authid);
    },
    'wamp.session.kill_by_authrole': (caller, args, kwargs) => {
      const authrole = stringArgument(args, 'an authrole');
      return killAll(caller, kwargs, (session) => session.identity!.authrole === authrole);
    },
  };
}

function registrationProcedures({ dealer }: MetaSource): Record<string, RouterProcedure> {
  const registration = (args: unknown[]) => {
    const found = dealer.get(idArgument(args, 'registration'));
    if (found === undefined) throw new ApplicationError(ErrorUri.NO_SUCH_REGISTRATION, `no registration ${String(args[0])}`);
    return found;
  };
  return {
    'wamp.registration.list': () => one(dealer.list()),
    'wamp.registration.lookup': (_caller, args) => one(dealer.lookup(stringArgument(args, 'a procedure URI'), matchOption(args))?.id ?? null),
    'wamp.registration.match': (_caller, args) => one(dealer.best(stringArgument(args, 'a procedure URI'))?.id ?? null),
    'wamp.registration.get': (_caller, args) => {
      const { id, created, uri, match, invoke, concurrency } = registration(args);
      return one({ id, created, uri, match, invoke, concurrency });
    },
    'wamp.registration.list_callees': (_caller, args) => one(registration(args).callees.map((callee) => callee.session.id)),
    'wamp.registration.count_callees': (_caller, args) => one(registration(args).callees.length),
  };
}

function subscriptionProcedures({ broker }: MetaSource): Record<string, RouterProcedure> {
  const subscription = (args: unknown[]) => {
    const found = broker.get(idArgument(args, 'subscription'));
    if (found === undefined) throw new ApplicationError(ErrorUri.NO_SUCH_SUBSCRIPTION, `no subscription ${String(args[0])}`);
    return found;
  };
  return {
    'wamp.subscription.list': () => one(broker.list()),
    'wamp.subscription.lookup': (_caller, args) => one(broker.lookup(stringArgument(args, 'a topic URI'), matchOption(args))?.id ?? null),
    'wamp.subscription.match': (_caller, args) => {
      const found = broker.matching(stringArgument(args, 'a topic URI'));
      return one(found.length === 0 ? null : found.map((entry) => entry.id));
    },
    'wamp.subscription.get': (_caller, args) => {
      const { id, created, uri, match } = subscription(args);
      return one({ id, created, uri, match });
    },
    'wamp.subscription.list_subscribers': (_caller, args) => one([...subscription(args).subscribers].map((session) => session.id)),
    'wamp.subscription.count_subscribers': (_caller, args) => one(subscription(args).subscribers.size),
  };
}

/** Every meta procedure of a realm, by URI. */
export function metaProcedures(realm: MetaSource): Map<string, RouterProcedure> {
  return new Map(Object.entries({ ...sessionProcedures(realm), ...registrationProcedures(realm), ...subscriptionProcedures(realm) }));
}
