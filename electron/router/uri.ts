/**
 * WAMP URI validation and pattern matching (spec: "URIs", "Pattern-based Subscriptions/Registrations").
 * Used by the broker and dealer for subscriptions/registrations and by static authorization rules.
 */
import type { MatchPolicy } from './types.ts';

// Strict URIs: components of lower-case letters, digits and underscore. Loose: anything but
// whitespace, '.' and '#'. The "empty" variants allow empty components, needed by wildcard patterns.
const STRICT = /^([0-9a-z_]+\.)*[0-9a-z_]+$/;
const STRICT_EMPTY = /^(([0-9a-z_]+\.)|\.)*([0-9a-z_]+)?$/;
const LOOSE = /^([^\s.#]+\.)*[^\s.#]+$/;
const LOOSE_EMPTY = /^(([^\s.#]+\.)|\.)*([^\s.#]+)?$/;

export type UriCheck = 'strict' | 'loose';

/** True when `uri` is a valid URI; `allowEmptyComponents` for wildcard patterns. */
export function isValidUri(uri: unknown, check: UriCheck, allowEmptyComponents = false): uri is string {
  if (typeof uri !== 'string' || uri.length === 0) return false;
  const re = check === 'strict' ? (allowEmptyComponents ? STRICT_EMPTY : STRICT) : allowEmptyComponents ? LOOSE_EMPTY : LOOSE;
  return re.test(uri);
}

/**
 * Validates a subscription/registration/permission pattern for its match policy: exact patterns are
 * ordinary URIs, prefix patterns may be any non-empty string of URI characters (the spec matches
 * prefixes as plain strings), wildcard patterns may have empty components.
 */
export function isValidPattern(pattern: unknown, match: MatchPolicy, check: UriCheck): pattern is string {
  if (match === 'wildcard') return isValidUri(pattern, check, true);
  if (match === 'prefix') {
    // A prefix such as "com.example." ends in a dot; validate it with its final dot dropped.
    if (typeof pattern !== 'string' || pattern.length === 0) return false;
    const trimmed = pattern.endsWith('.') ? pattern.slice(0, -1) : pattern;
    return trimmed.length > 0 && isValidUri(trimmed, check, false);
  }
  return isValidUri(pattern, check, false);
}

/** True when `uri` matches `pattern` under the policy. */
export function matchesUri(pattern: string, match: MatchPolicy, uri: string): boolean {
  switch (match) {
    case 'exact':
      return pattern === uri;
    case 'prefix':
      return uri.startsWith(pattern);
    case 'wildcard':
      return matchesWildcard(pattern.split('.'), uri);
  }
}

/** Wildcard match on pre-split pattern components: same component count, empty ones match any. */
export function matchesWildcard(patternComponents: readonly string[], uri: string): boolean {
  let start = 0;
  for (let i = 0; i < patternComponents.length; i++) {
    const dot = uri.indexOf('.', start);
    const last = i === patternComponents.length - 1;
    if (last ? dot !== -1 : dot === -1) return false;
    const end = last ? uri.length : dot;
    const component = patternComponents[i];
    if (component !== '' && (end - start !== component.length || !uri.startsWith(component, start))) return false;
    start = end + 1;
  }
  return true;
}

/** True for URIs in the reserved `wamp.` namespace, which only the router itself may use. */
export function isReservedUri(uri: string): boolean {
  return uri.startsWith('wamp.');
}
