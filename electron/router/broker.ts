/**
 * The broker: Publish & Subscribe (spec, "Publish and Subscribe", and the advanced profile's
 * publisher identification, publisher exclusion, subscriber black- and whitelisting and
 * pattern-based subscriptions). One public method per message type a subscriber or publisher sends.
 */
import { afterVerdict, type RealmAuthorization } from './authorization.ts';
import { ErrorUri, errorMessage } from './errors.ts';
import { randomId, SequentialIds } from './ids.ts';
import type { MetaEvents } from './meta-events.ts';
import { PatternIndex, type IdsByPolicy } from './pattern-index.ts';
import type { Session } from './session.ts';
import { MessageType, type Dict, type MatchPolicy, type WampMessage } from './types.ts';
import { isReservedUri, isValidPattern, isValidUri, type UriCheck } from './uri.ts';
import type { PublishMessage, SubscribeMessage, UnsubscribeMessage } from './validate.ts';
import { isId } from './validate.ts';

export interface Subscription {
  readonly id: number;
  readonly uri: string;
  readonly match: MatchPolicy;
  readonly created: string;
  readonly subscribers: Set<Session>;
}

/** Who a publication goes to (PUBLISH.Options: exclude_me, exclude/eligible by session, authid, authrole). */
interface Audience {
  publisher: Session | undefined;
  excludeMe: boolean;
  /** True when any exclude/eligible list is given. */
  filtered: boolean;
  exclude?: Set<unknown>;
  eligible?: Set<unknown>;
  excludeAuthid?: Set<unknown>;
  eligibleAuthid?: Set<unknown>;
  excludeAuthrole?: Set<unknown>;
  eligibleAuthrole?: Set<unknown>;
}

const MATCH_POLICIES: readonly unknown[] = ['exact', 'prefix', 'wildcard'];
// Shared EVENT.Details for exact subscriptions without disclosure: no per-event allocation.
const NO_DETAILS: Dict = Object.freeze({}) as Dict;

export class Broker {
  private readonly subscriptions = new Map<number, Subscription>();
  private readonly index = new PatternIndex<Subscription>();
  /** Session ID -> the subscriptions it holds, so that a leaving session is removed in a few steps. */
  private readonly bySession = new Map<number, Set<Subscription>>();
  private readonly ids = new SequentialIds();

  constructor(
    private readonly authorization: RealmAuthorization,
    private readonly uriCheck: UriCheck,
    private readonly events: MetaEvents,
  ) {}

  /**
   * SUBSCRIBE: "If the Subscriber is already subscribed [to the topic with the same match policy],
   * the Broker returns the existing subscription ID": one subscription per (topic, match), shared
   * by all its subscribers. Pattern subscriptions are authorized on the pattern itself.
   */
  subscribe(session: Session, message: SubscribeMessage): void {
    const [, request, options, topic] = message;
    const match = options.match ?? 'exact';
    if (!MATCH_POLICIES.includes(match)) {
      session.send(errorMessage(MessageType.SUBSCRIBE, request, ErrorUri.INVALID_ARGUMENT, `unknown match policy ${JSON.stringify(match)}`));
      return;
    }
    if (!isValidPattern(topic, match as MatchPolicy, this.uriCheck)) {
      session.send(errorMessage(MessageType.SUBSCRIBE, request, ErrorUri.INVALID_URI, `invalid topic ${JSON.stringify(topic)}`));
      return;
    }
    const verdict = this.authorization.authorize(session, 'subscribe', topic, options);
    if (typeof verdict === 'boolean') this.subscribeAuthorized(session, request, topic, match as MatchPolicy, verdict);
    else afterVerdict(verdict, session, (allowed) => this.subscribeAuthorized(session, request, topic, match as MatchPolicy, allowed));
  }

  private subscribeAuthorized(session: Session, request: number, topic: string, match: MatchPolicy, allowed: boolean): void {
    if (!allowed) {
      session.send(errorMessage(MessageType.SUBSCRIBE, request, ErrorUri.NOT_AUTHORIZED, `not authorized to subscribe to ${topic}`));
      return;
    }
    let subscription = this.index.get(topic, match);
    if (subscription?.subscribers.has(session)) {
      session.send([MessageType.SUBSCRIBED, request, subscription.id]);
      return;
    }
    const created = subscription === undefined;
    if (subscription === undefined) {
      subscription = { id: this.ids.next(), uri: topic, match, created: new Date().toISOString(), subscribers: new Set() };
      this.subscriptions.set(subscription.id, subscription);
      this.index.add(subscription);
    }
    subscription.subscribers.add(session);
    let mine = this.bySession.get(session.id);
    if (mine === undefined) this.bySession.set(session.id, (mine = new Set()));
    mine.add(subscription);
    session.send([MessageType.SUBSCRIBED, request, subscription.id]);
    if (created) this.events.subscriptionCreated(session, subscription);
    this.events.subscribed(session, subscription.id);
  }

  /** UNSUBSCRIBE: unknown subscription, or one this session does not hold -> wamp.error.no_such_subscription. */
  unsubscribe(session: Session, message: UnsubscribeMessage): void {
    const [, request, subscriptionId] = message;
    const subscription = this.subscriptions.get(subscriptionId);
    if (subscription === undefined || !subscription.subscribers.has(session)) {
      session.send(errorMessage(MessageType.UNSUBSCRIBE, request, ErrorUri.NO_SUCH_SUBSCRIPTION, `no subscription ${subscriptionId} held by this session`));
      return;
    }
    this.drop(session, subscription);
    session.send([MessageType.UNSUBSCRIBED, request]);
  }

  /**
   * PUBLISH. The Broker answers (PUBLISHED or ERROR) only when Options.acknowledge is true, as the
   * spec prescribes: "a Publisher can request acknowledgement". The publisher is excluded unless
   * exclude_me is false.
   */
  publish(session: Session, message: PublishMessage): void {
    const [, request, options, topic] = message;
    const acknowledge = options.acknowledge === true;
    let error: string | undefined;
    let text = '';
    if (!isValidUri(topic, this.uriCheck) || isReservedUri(topic)) {
      error = ErrorUri.INVALID_URI;
      text = isReservedUri(topic) ? `${topic}: the wamp. namespace is reserved for the router` : `invalid topic ${JSON.stringify(topic)}`;
    } else if (!validAudienceOptions(options)) {
      error = ErrorUri.INVALID_ARGUMENT;
      text = 'exclude/eligible options must be lists (of session IDs, authids or authroles)';
    }
    if (error !== undefined) {
      if (acknowledge) session.send(errorMessage(MessageType.PUBLISH, request, error, text));
      return;
    }
    const verdict = this.authorization.authorize(session, 'publish', topic, options);
    if (typeof verdict === 'boolean') this.publishAuthorized(session, message, verdict);
    else afterVerdict(verdict, session, (allowed) => this.publishAuthorized(session, message, allowed));
  }

  private publishAuthorized(session: Session, message: PublishMessage, allowed: boolean): void {
    const [, request, options, topic, args, kwargs] = message;
    if (!allowed) {
      if (options.acknowledge === true)
        session.send(errorMessage(MessageType.PUBLISH, request, ErrorUri.NOT_AUTHORIZED, `not authorized to publish to ${topic}`));
      return;
    }
    const publication = randomId();
    const disclose = options.disclose_me === true && this.authorization.mayDisclose(session, 'publish', topic);
    const identity = session.identity!;
    const details = disclose ? { publisher: session.id, publisher_authid: identity.authid, publisher_authrole: identity.authrole } : NO_DETAILS;
    this.deliver(topic, publication, details, audienceOf(session, options), args, kwargs);
    if (options.acknowledge === true) session.send([MessageType.PUBLISHED, request, publication]);
  }

  /** Publishes a meta event from the router itself: no publisher, so nobody is excluded. */
  publishFromRouter(topic: string, args: unknown[], kwargs?: Dict): void {
    this.deliver(topic, randomId(), NO_DETAILS, { publisher: undefined, excludeMe: false, filtered: false }, args, kwargs);
  }

  /**
   * Sends one EVENT per matching subscription to each of its eligible subscribers. All subscribers
   * of a subscription share the EVENT array and its Details (only pattern subscriptions need one of
   * their own, for Details.topic); transports serialize per peer.
   */
  private deliver(topic: string, publication: number, details: Dict, audience: Audience, args: unknown[] | undefined, kwargs: Dict | undefined): void {
    for (const subscription of this.index.matching(topic)) {
      const eventDetails = subscription.match === 'exact' ? details : { ...details, topic };
      const event: WampMessage =
        kwargs !== undefined
          ? [MessageType.EVENT, subscription.id, publication, eventDetails, args ?? [], kwargs]
          : args !== undefined
            ? [MessageType.EVENT, subscription.id, publication, eventDetails, args]
            : [MessageType.EVENT, subscription.id, publication, eventDetails];
      for (const subscriber of subscription.subscribers) {
        if (isEligible(subscriber, audience)) subscriber.send(event);
      }
    }
  }

  /** Removes everything a leaving session holds. */
  removeSession(session: Session): void {
    const mine = this.bySession.get(session.id);
    if (mine === undefined) return;
    for (const subscription of mine) this.drop(session, subscription);
    this.bySession.delete(session.id);
  }

  private drop(session: Session, subscription: Subscription): void {
    subscription.subscribers.delete(session);
    const mine = this.bySession.get(session.id);
    mine?.delete(subscription);
    if (mine?.size === 0) this.bySession.delete(session.id);
    this.events.unsubscribed(session, subscription.id);
    if (subscription.subscribers.size === 0) {
      this.subscriptions.delete(subscription.id);
      this.index.remove(subscription);
      this.events.subscriptionDeleted(session, subscription.id);
    }
  }

  // Queries for the subscription meta API (wamp.subscription.*).

  list(): IdsByPolicy {
    return this.index.ids();
  }

  lookup(topic: string, match: MatchPolicy): Subscription | undefined {
    return this.index.get(topic, match);
  }

  matching(topic: string): Subscription[] {
    return this.index.matching(topic);
  }

  get(id: number): Subscription | undefined {
    return this.subscriptions.get(id);
  }

  stats(): { subscriptions: number; subscriberSessions: number } {
    return { subscriptions: this.subscriptions.size, subscriberSessions: this.bySession.size };
  }
}

const AUDIENCE_OPTIONS = ['exclude', 'eligible', 'exclude_authid', 'eligible_authid', 'exclude_authrole', 'eligible_authrole'] as const;

function validAudienceOptions(options: Dict): boolean {
  for (const key of AUDIENCE_OPTIONS) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Array.isArray(value)) return false;
    const valid = key === 'exclude' || key === 'eligible' ? value.every(isId) : value.every((v) => typeof v === 'string');
    if (!valid) return false;
  }
  return true;
}

function hasAudienceOptions(options: Dict): boolean {
  for (const key of AUDIENCE_OPTIONS) if (options[key] !== undefined) return true;
  return false;
}

function audienceOf(publisher: Session, options: Dict): Audience {
  const set = (key: (typeof AUDIENCE_OPTIONS)[number]): Set<unknown> | undefined => {
    const value = options[key];
    return Array.isArray(value) ? new Set(value) : undefined;
  };
  const filtered = hasAudienceOptions(options);
  const audience: Audience = { publisher, excludeMe: options.exclude_me !== false, filtered };
  // The common publication has none of these options: no lookups to build.
  if (!filtered) return audience;
  audience.exclude = set('exclude');
  audience.eligible = set('eligible');
  audience.excludeAuthid = set('exclude_authid');
  audience.eligibleAuthid = set('eligible_authid');
  audience.excludeAuthrole = set('exclude_authrole');
  audience.eligibleAuthrole = set('eligible_authrole');
  return audience;
}

/**
 * Spec, "Subscriber Black- and Whitelisting": a subscriber receives the event only if it passes
 * every whitelist given (eligible*) and no blacklist (exclude*); blacklists win.
 */
function isEligible(subscriber: Session, audience: Audience): boolean {
  if (audience.excludeMe && subscriber === audience.publisher) return false;
  if (!audience.filtered) return true;
  const { authid, authrole } = subscriber.identity!;
  if (audience.exclude?.has(subscriber.id) || audience.excludeAuthid?.has(authid) || audience.excludeAuthrole?.has(authrole)) return false;
  if (audience.eligible !== undefined && !audience.eligible.has(subscriber.id)) return false;
  if (audience.eligibleAuthid !== undefined && !audience.eligibleAuthid.has(authid)) return false;
  if (audience.eligibleAuthrole !== undefined && !audience.eligibleAuthrole.has(authrole)) return false;
  return true;
}
