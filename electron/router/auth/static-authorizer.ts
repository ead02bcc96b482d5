/**
 * Static authorization, as Crossbar.io's: each role lists permissions (a URI pattern, its match
 * policy, and which of call/register/publish/subscribe it allows). For an action on a URI, the one
 * permission that governs the URI decides; no permission, or an unknown role, means deny.
 *
 * Which permission governs when several match:
 *   1. an exact permission;
 *   2. else the longest matching prefix (the empty prefix "" matches every URI);
 *   3. else the wildcard with the most non-empty components, then the one with the longer literal
 *      head (the text before its first empty component, which is Crossbar.io's own criterion), then
 *      the one listed first.
 * This is the spec's precedence for pattern-based registrations; Crossbar.io's implementation
 * differs in letting a matching wildcard win over a prefix.
 *
 * Pattern subscriptions and registrations are authorized on the pattern string itself, as in
 * Crossbar.io: subscribing to "kiln.run..state" with match "wildcard" needs a permission that
 * matches the URI "kiln.run..state". Registering or publishing in the reserved wamp. namespace is
 * denied to every role: only the router registers meta procedures and publishes meta events.
 *
 * authorize() runs on every CALL, REGISTER, PUBLISH and SUBSCRIBE, so it answers synchronously from
 * precompiled tables, and remembers per role which permission governs a URI (bounded).
 */
import type { Action, Authorizer, MatchPolicy, Permission, RoleConfig, SessionIdentity } from '../types.ts';
import { isReservedUri, isValidPattern, isValidUri, matchesWildcard } from '../uri.ts';

export interface StaticAuthorizer extends Authorizer {
  authorize(session: SessionIdentity, action: Action, uri: string): boolean;
  /** True when `authrole` is configured; the realm refuses to welcome a session under any other role. */
  hasRole(authrole: string): boolean;
  /**
   * Whether the router discloses the caller (action "call") or publisher ("publish") of `uri` to
   * its peers, for a session under `authrole`: the governing permission's disclose flag, default false.
   */
  discloses(authrole: string, action: 'call' | 'publish', uri: string): boolean;
}

/** Most URIs whose governing permission one role remembers; the memory is dropped when full. */
const CACHE_ENTRIES = 1024;
/** Longer URIs are looked up every time, so a peer cannot pin large strings in the cache. */
const CACHE_URI_LENGTH = 256;

interface Wildcard {
  permission: Permission;
  components: string[];
  nonEmpty: number;
  head: number;
}

class CompiledRole {
  private readonly exact = new Map<string, Permission>();
  private readonly prefixes: Permission[];
  private readonly wildcards: Wildcard[];
  private readonly cache = new Map<string, Permission | null>();

  constructor(role: RoleConfig) {
    const prefixes: Permission[] = [];
    const wildcards: Wildcard[] = [];
    const seen = new Set<string>();
    for (const permission of role.permissions) {
      checkPermission(role.name, permission);
      const key = `${permission.match} ${permission.uri}`;
      if (seen.has(key)) throw new TypeError(`role ${JSON.stringify(role.name)}: two ${permission.match} permissions for ${JSON.stringify(permission.uri)}`);
      seen.add(key);
      if (permission.match === 'exact') this.exact.set(permission.uri, permission);
      else if (permission.match === 'prefix') prefixes.push(permission);
      else {
        const components = permission.uri.split('.');
        const firstEmpty = components.indexOf('');
        wildcards.push({
          permission,
          components,
          nonEmpty: components.filter((c) => c !== '').length,
          head: firstEmpty === -1 ? permission.uri.length : components.slice(0, firstEmpty).join('.').length,
        });
      }
    }
    // Sorted once so that the first match is the governing one (Array.prototype.sort is stable).
    this.prefixes = prefixes.sort((a, b) => b.uri.length - a.uri.length);
    this.wildcards = wildcards.sort((a, b) => b.nonEmpty - a.nonEmpty || b.head - a.head);
  }

  governing(uri: string): Permission | null {
    const cached = this.cache.get(uri);
    if (cached !== undefined) return cached;
    const permission = this.lookup(uri);
    if (uri.length <= CACHE_URI_LENGTH) {
      if (this.cache.size >= CACHE_ENTRIES) this.cache.clear();
      this.cache.set(uri, permission);
    }
    return permission;
  }

  private lookup(uri: string): Permission | null {
    const exact = this.exact.get(uri);
    if (exact !== undefined) return exact;
    for (const permission of this.prefixes) if (uri.startsWith(permission.uri)) return permission;
    for (const wildcard of this.wildcards) if (matchesWildcard(wildcard.components, uri)) return wildcard.permission;
    return null;
  }
}

function checkPermission(role: string, { uri, match }: Permission): void {
  if (!isValidPermissionUri(uri, match)) {
    throw new TypeError(`role ${JSON.stringify(role)}: invalid permission ${JSON.stringify(uri)} (match ${JSON.stringify(match)})`);
  }
}

function isValidPermissionUri(uri: string, match: MatchPolicy): boolean {
  switch (match) {
    case 'exact':
      // Exact permissions may name pattern strings (empty components), since patterns are authorized literally.
      return isValidUri(uri, 'loose', true);
    case 'prefix':
      return uri === '' || isValidPattern(uri, 'prefix', 'loose');
    case 'wildcard':
      return isValidPattern(uri, 'wildcard', 'loose');
    default:
      // Configuration may come from JSON, where the match policy is whatever was written.
      return false;
  }
}

export function createStaticAuthorizer(roles: RoleConfig[]): StaticAuthorizer {
  const compiled = new Map<string, CompiledRole>();
  for (const role of roles) {
    if (compiled.has(role.name)) throw new TypeError(`role ${JSON.stringify(role.name)} is configured twice`);
    compiled.set(role.name, new CompiledRole(role));
  }

  return {
    authorize(session: SessionIdentity, action: Action, uri: string): boolean {
      if ((action === 'register' || action === 'publish') && isReservedUri(uri)) return false;
      const permission = compiled.get(session.authrole)?.governing(uri);
      return permission?.allow[action] === true;
    },
    hasRole(authrole: string): boolean {
      return compiled.has(authrole);
    },
    discloses(authrole: string, action: 'call' | 'publish', uri: string): boolean {
      const disclose = compiled.get(authrole)?.governing(uri)?.disclose;
      return (action === 'call' ? disclose?.caller : disclose?.publisher) === true;
    },
  };
}
