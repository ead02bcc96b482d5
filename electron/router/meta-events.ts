/**
 * Meta events (spec, "Session Meta API", "Registration Meta API", "Subscription Meta API"), plus
 * Kiln's own registration load events. The realm, broker and dealer call these at the very place
 * where they change the state an event reports, so events and state cannot drift apart. The router
 * is the publisher; subscribing to them is authorized like any subscription.
 */
import type { Session } from './session.ts';
import type { Dict, MatchPolicy } from './types.ts';

export type PublishFromRouter = (topic: string, args: unknown[], kwargs?: Dict) => void;

export interface PatternDetails {
  id: number;
  uri: string;
  match: MatchPolicy;
  created: string;
}

/** Kiln's registration load topics: not under wamp., which the spec reserves for itself. */
export const KilnTopic = {
  SATURATED: 'kiln.router.registration.on_saturated',
  QUEUE_DEPTH: 'kiln.router.registration.on_queue_depth',
} as const;

/** Queue depth events per registration: at most one per this interval, except 0 <-> non-0 changes. */
export const QUEUE_DEPTH_INTERVAL_MS = 100;

interface DepthReport {
  sentDepth: number;
  sentAt: number;
  depth: number;
  timer: NodeJS.Timeout | undefined;
}

/** SessionDetails as wamp.session.on_join and wamp.session.get give them. */
export function sessionDetails(session: Session): Dict {
  const identity = session.identity!;
  const { transport } = session;
  return {
    session: session.id,
    authid: identity.authid,
    authrole: identity.authrole,
    authmethod: identity.authmethod,
    authprovider: identity.authprovider,
    transport: { type: transport.info.kind, peer: `${transport.info.peerAddress}:${transport.info.peerPort}`, serializer: transport.info.serializer },
  };
}

export class MetaEvents {
  private readonly depthReports = new Map<number, DepthReport>();

  constructor(private readonly publish: PublishFromRouter) {}

  sessionJoined(session: Session): void {
    this.publish('wamp.session.on_join', [sessionDetails(session)]);
  }

  sessionLeft(session: Session): void {
    const identity = session.identity!;
    this.publish('wamp.session.on_leave', [session.id, identity.authid, identity.authrole]);
  }

  subscriptionCreated(session: Session, subscription: PatternDetails): void {
    this.publish('wamp.subscription.on_create', [session.id, patternDetails(subscription)]);
  }

  subscribed(session: Session, subscriptionId: number): void {
    this.publish('wamp.subscription.on_subscribe', [session.id, subscriptionId]);
  }

  unsubscribed(session: Session, subscriptionId: number): void {
    this.publish('wamp.subscription.on_unsubscribe', [session.id, subscriptionId]);
  }

  subscriptionDeleted(session: Session, subscriptionId: number): void {
    this.publish('wamp.subscription.on_delete', [session.id, subscriptionId]);
  }

  /**
   * Beyond the spec's details, Kiln's router adds `concurrency`: that of the callee whose REGISTER
   * created the registration (Crossbar.io's option; 0 = unlimited), so a caller dealing work to
   * one-callee registrations knows what each callee registered, not what it claims elsewhere.
   */
  registrationCreated(session: Session, registration: PatternDetails & { invoke: string; concurrency: number }): void {
    this.publish('wamp.registration.on_create', [
      session.id,
      { ...patternDetails(registration), invoke: registration.invoke, concurrency: registration.concurrency },
    ]);
  }

  registered(session: Session, registrationId: number): void {
    this.publish('wamp.registration.on_register', [session.id, registrationId]);
  }

  unregistered(session: Session, registrationId: number): void {
    this.publish('wamp.registration.on_unregister', [session.id, registrationId]);
  }

  registrationDeleted(session: Session, registrationId: number): void {
    this.publish('wamp.registration.on_delete', [session.id, registrationId]);
    const report = this.depthReports.get(registrationId);
    if (report?.timer !== undefined) clearTimeout(report.timer);
    this.depthReports.delete(registrationId);
  }

  /** Every callee of the registration now holds as many invocations as its concurrency allows. */
  saturated(registrationId: number, procedure: string, callees: number): void {
    this.publish(KilnTopic.SATURATED, [registrationId], { procedure, callees });
  }

  /**
   * The registration's call queue changed length. Sent at once when it becomes empty or non-empty;
   * otherwise at most every QUEUE_DEPTH_INTERVAL_MS, the last depth winning, so a busy queue cannot
   * flood the subscribers.
   */
  queueDepth(registrationId: number, procedure: string, depth: number): void {
    let report = this.depthReports.get(registrationId);
    if (report === undefined) {
      report = { sentDepth: 0, sentAt: 0, depth, timer: undefined };
      this.depthReports.set(registrationId, report);
    }
    report.depth = depth;
    const now = Date.now();
    const transition = (depth === 0) !== (report.sentDepth === 0);
    if (transition || now - report.sentAt >= QUEUE_DEPTH_INTERVAL_MS) {
      this.sendDepth(registrationId, procedure, report, now);
    } else if (report.timer === undefined && depth !== report.sentDepth) {
      const pending = report;
      pending.timer = setTimeout(
        () => {
          pending.timer = undefined;
          if (pending.depth !== pending.sentDepth) this.sendDepth(registrationId, procedure, pending, Date.now());
        },
        QUEUE_DEPTH_INTERVAL_MS - (now - report.sentAt),
      );
      pending.timer.unref();
    }
  }

  /** Stops pending timers (router shutdown). */
  dispose(): void {
    for (const report of this.depthReports.values()) if (report.timer !== undefined) clearTimeout(report.timer);
    this.depthReports.clear();
  }

  private sendDepth(registrationId: number, procedure: string, report: DepthReport, now: number): void {
    if (report.timer !== undefined) clearTimeout(report.timer);
    report.timer = undefined;
    report.sentDepth = report.depth;
    report.sentAt = now;
    this.publish(KilnTopic.QUEUE_DEPTH, [registrationId, report.depth], { procedure });
  }
}

function patternDetails({ id, uri, match, created }: PatternDetails): Dict {
  return { id, created, uri, match };
}
