/**
 * Subscriptions and registrations indexed by (URI, match policy): the broker asks for every entry
 * matching a topic, the dealer for the one that wins under the spec's precedence.
 */
import type { MatchPolicy } from './types.ts';
import { matchesWildcard } from './uri.ts';

export interface Patterned {
  readonly id: number;
  readonly uri: string;
  readonly match: MatchPolicy;
}

interface WildcardEntry<T> {
  entry: T;
  components: string[];
  /** Non-empty components before the first empty one. */
  leading: number;
  /** Non-empty components in all. */
  literal: number;
}

export interface IdsByPolicy {
  exact: number[];
  prefix: number[];
  wildcard: number[];
}

export class PatternIndex<T extends Patterned> {
  private readonly exact = new Map<string, T>();
  private readonly prefix = new Map<string, T>();
  private readonly wildcard = new Map<string, WildcardEntry<T>>();

  get size(): number {
    return this.exact.size + this.prefix.size + this.wildcard.size;
  }

  get(uri: string, match: MatchPolicy): T | undefined {
    if (match === 'exact') return this.exact.get(uri);
    if (match === 'prefix') return this.prefix.get(uri);
    return this.wildcard.get(uri)?.entry;
  }

  add(entry: T): void {
    if (entry.match === 'exact') this.exact.set(entry.uri, entry);
    else if (entry.match === 'prefix') this.prefix.set(entry.uri, entry);
    else {
      const components = entry.uri.split('.');
      const firstEmpty = components.indexOf('');
      this.wildcard.set(entry.uri, {
        entry,
        components,
        leading: firstEmpty === -1 ? components.length : firstEmpty,
        literal: components.filter((c) => c !== '').length,
      });
    }
  }

  remove(entry: T): void {
    if (entry.match === 'exact') this.exact.delete(entry.uri);
    else if (entry.match === 'prefix') this.prefix.delete(entry.uri);
    else this.wildcard.delete(entry.uri);
  }

  /** Every entry whose pattern matches `uri` (the broker delivers to all of them). */
  matching(uri: string): T[] {
    const found: T[] = [];
    const exact = this.exact.get(uri);
    if (exact !== undefined) found.push(exact);
    for (const entry of this.prefix.values()) if (uri.startsWith(entry.uri)) found.push(entry);
    for (const { entry, components } of this.wildcard.values()) if (matchesWildcard(components, uri)) found.push(entry);
    return found;
  }

  /**
   * The entry that handles `uri` (spec, "Pattern-based Registrations"): an exact match, else the
   * longest matching prefix, else a matching wildcard. Among wildcards the spec leaves the choice
   * open; we take the one with the most leading non-empty components ("a.b..d" beats "a...d"), then
   * the most non-empty components in all, then the oldest (lowest ID), so the choice is stable.
   */
  best(uri: string): T | undefined {
    const exact = this.exact.get(uri);
    if (exact !== undefined) return exact;
    let prefix: T | undefined;
    for (const entry of this.prefix.values()) {
      if (uri.startsWith(entry.uri) && (prefix === undefined || entry.uri.length > prefix.uri.length)) prefix = entry;
    }
    if (prefix !== undefined) return prefix;
    let best: WildcardEntry<T> | undefined;
    for (const candidate of this.wildcard.values()) {
      if (!matchesWildcard(candidate.components, uri)) continue;
      if (best === undefined || outranks(candidate, best)) best = candidate;
    }
    return best?.entry;
  }

  ids(): IdsByPolicy {
    const ids = (entries: Iterable<T>): number[] => Array.from(entries, (entry) => entry.id);
    return {
      exact: ids(this.exact.values()),
      prefix: ids(this.prefix.values()),
      wildcard: Array.from(this.wildcard.values(), ({ entry }) => entry.id),
    };
  }
}

function outranks<T extends Patterned>(a: WildcardEntry<T>, b: WildcardEntry<T>): boolean {
  if (a.leading !== b.leading) return a.leading > b.leading;
  if (a.literal !== b.literal) return a.literal > b.literal;
  return a.entry.id < b.entry.id;
}
