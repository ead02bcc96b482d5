/**
 * A realm's authorization: its Authorizer (the dynamic one it was given, else the static one built
 * from its roles), made fail-secure, plus the disclosure rules of static roles.
 */
import { createStaticAuthorizer, type StaticAuthorizer } from './auth/static-authorizer.ts';
import type { Action, Authorizer, Dict, RealmConfig } from './types.ts';
import type { Session } from './session.ts';

export type Verdict = boolean | Promise<boolean>;

export class RealmAuthorization {
  private readonly authorizer: Authorizer;
  /** Present when the realm authorizes from static roles; they also decide role existence and disclosure. */
  private readonly staticRoles: StaticAuthorizer | undefined;

  constructor(config: RealmConfig) {
    this.staticRoles = config.authorizer === undefined ? createStaticAuthorizer(config.roles) : undefined;
    this.authorizer = config.authorizer ?? (this.staticRoles as StaticAuthorizer);
  }

  /**
   * Whether the session may do `action` on `uri`. A synchronous authorizer's answer comes back as is
   * (no promise on the hot path); an asynchronous one's rejection counts as a denial (fail secure).
   */
  authorize(session: Session, action: Action, uri: string, options: Dict): Verdict {
    let verdict: Verdict;
    try {
      verdict = this.authorizer.authorize(session.authorizationIdentity!, action, uri, options);
    } catch {
      return false;
    }
    if (typeof verdict === 'boolean') return verdict;
    return Promise.resolve(verdict).then(
      (allowed) => allowed === true,
      () => false,
    );
  }

  /** Static realms welcome only configured roles; a dynamic authorizer decides for itself. */
  knowsRole(authrole: string): boolean {
    return this.staticRoles === undefined || this.staticRoles.hasRole(authrole);
  }

  /**
   * Whether a caller/publisher that asked for disclosure (disclose_me) may be disclosed: static roles
   * must allow it in the governing permission; with a dynamic authorizer the client's request stands.
   */
  mayDisclose(session: Session, action: 'call' | 'publish', uri: string): boolean {
    return this.staticRoles === undefined || this.staticRoles.discloses(session.identity!.authrole, action, uri);
  }
}

/**
 * Continues after an asynchronous verdict, only if the session is still established by then. The
 * synchronous case is handled inline by callers, so that it allocates no closure.
 */
export function afterVerdict(verdict: Promise<boolean>, session: Session, proceed: (allowed: boolean) => void): void {
  void verdict.then((allowed) => {
    if (session.established) proceed(allowed);
  });
}
