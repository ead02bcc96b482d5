import { describe, expect, it } from 'vitest';
import { isValidPattern, isValidUri, matchesUri } from '../../electron/router/uri.ts';

describe('URI validation', () => {
  it('accepts strict URIs and rejects loose characters in strict mode', () => {
    expect(isValidUri('kiln.anneal', 'strict')).toBe(true);
    expect(isValidUri('Kiln.Anneal', 'strict')).toBe(false);
    expect(isValidUri('Kiln.Anneal', 'loose')).toBe(true);
    expect(isValidUri('kiln..anneal', 'loose')).toBe(false);
    expect(isValidUri('kiln. anneal', 'loose')).toBe(false);
    expect(isValidUri('kiln#anneal', 'loose')).toBe(false);
    expect(isValidUri('', 'loose')).toBe(false);
    expect(isValidUri(42, 'loose')).toBe(false);
  });

  it('allows empty components only in wildcard patterns', () => {
    expect(isValidPattern('kiln..progress', 'wildcard', 'strict')).toBe(true);
    expect(isValidPattern('kiln..progress', 'exact', 'strict')).toBe(false);
    expect(isValidPattern('kiln.run.', 'prefix', 'strict')).toBe(true);
    expect(isValidPattern('.', 'prefix', 'strict')).toBe(false);
  });
});

describe('URI matching', () => {
  it('matches prefixes as plain strings', () => {
    expect(matchesUri('kiln.run', 'prefix', 'kiln.run.7.progress')).toBe(true);
    expect(matchesUri('kiln.run.', 'prefix', 'kiln.runs')).toBe(false);
  });

  it('matches wildcards component by component', () => {
    expect(matchesUri('kiln.run..progress', 'wildcard', 'kiln.run.7.progress')).toBe(true);
    expect(matchesUri('kiln.run..progress', 'wildcard', 'kiln.run.7.8.progress')).toBe(false);
    expect(matchesUri('kiln.run..progress', 'wildcard', 'kiln.run.7')).toBe(false);
    expect(matchesUri('..', 'wildcard', 'a.b.c')).toBe(true);
    expect(matchesUri('a..c', 'wildcard', 'a.b.d')).toBe(false);
  });
});
