import { describe, expect, it } from 'vitest';
import { createStaticAuthorizer } from '../../electron/router/auth/static-authorizer.ts';
import { KILN_ROLES } from '../../electron/security/roles.ts';
import { Procedures, Roles, Topics } from '../../shared/protocol/uris.ts';
import type { Action, Permission, RoleConfig, SessionIdentity } from '../../electron/router/types.ts';
import { loopbackTransport } from './auth-fixtures.ts';

const as = (authrole: string): SessionIdentity => ({
  session: 1,
  realm: 'kiln',
  authid: 'someone',
  authrole,
  authmethod: 'ticket',
  transport: loopbackTransport,
});

const perm = (uri: string, match: Permission['match'], allow: Permission['allow'], disclose?: Permission['disclose']): Permission =>
  disclose === undefined ? { uri, match, allow } : { uri, match, allow, disclose };

/** One role whose permissions each allow exactly one action, so the answer names the governing permission. */
function governing(permissions: Permission[], uri: string): Action | 'none' {
  const authorizer = createStaticAuthorizer([{ name: 'r', permissions }]);
  const actions: Action[] = ['call', 'register', 'publish', 'subscribe'];
  const allowed = actions.filter((action) => authorizer.authorize(as('r'), action, uri));
  if (allowed.length > 1) throw new Error(`several permissions answered: ${allowed.join(', ')}`);
  return allowed[0] ?? 'none';
}

describe('static authorizer precedence', () => {
  it('lets an exact permission beat any prefix and wildcard', () => {
    const permissions = [
      perm('kiln.', 'prefix', { call: true }),
      perm('kiln..status', 'wildcard', { publish: true }),
      perm('kiln.solve.status', 'exact', { register: true }),
    ];
    expect(governing(permissions, 'kiln.solve.status')).toBe('register');
  });

  it('lets the longest matching prefix win, in any configured order', () => {
    const permissions = [
      perm('kiln.', 'prefix', { call: true }),
      perm('kiln.run.', 'prefix', { subscribe: true }),
      perm('kiln.run.7.', 'prefix', { publish: true }),
    ];
    expect(governing(permissions, 'kiln.run.7.progress')).toBe('publish');
    expect(governing(permissions.reverse(), 'kiln.run.8.progress')).toBe('subscribe');
    expect(governing(permissions, 'kiln.solve')).toBe('call');
  });

  it('matches prefixes as plain strings, as the spec does', () => {
    expect(governing([perm('kiln.run', 'prefix', { call: true })], 'kiln.runaway')).toBe('call');
    expect(governing([perm('kiln.run.', 'prefix', { call: true })], 'kiln.runaway')).toBe('none');
  });

  it('lets a prefix beat a wildcard', () => {
    const permissions = [perm('kiln.run..state', 'wildcard', { subscribe: true }), perm('kiln.', 'prefix', { call: true })];
    expect(governing(permissions, 'kiln.run.7.state')).toBe('call');
  });

  it('prefers the wildcard with the most non-empty components, then the longer literal head, then the first listed', () => {
    const byComponents = [perm('kiln...state', 'wildcard', { call: true }), perm('kiln.run..state', 'wildcard', { publish: true })];
    expect(governing(byComponents, 'kiln.run.7.state')).toBe('publish');
    const byHead = [perm('kiln..7.state', 'wildcard', { call: true }), perm('kiln.run..state', 'wildcard', { subscribe: true })];
    expect(governing(byHead, 'kiln.run.7.state')).toBe('subscribe');
    const byOrder = [perm('a..c.', 'wildcard', { register: true }), perm('a...d', 'wildcard', { call: true })];
    expect(governing(byOrder, 'a.b.c.d')).toBe('register');
  });

  it('wildcards match whole components and the same number of them', () => {
    const permissions = [perm('kiln.run..state', 'wildcard', { subscribe: true })];
    expect(governing(permissions, 'kiln.run.7.state')).toBe('subscribe');
    expect(governing(permissions, 'kiln.run.7.8.state')).toBe('none');
    expect(governing(permissions, 'kiln.runs.7.state')).toBe('none');
  });

  it('treats the empty prefix as "every URI"', () => {
    expect(governing([perm('', 'prefix', { call: true })], 'anything.at.all')).toBe('call');
  });

  it('authorizes pattern subscriptions on the pattern string itself', () => {
    const authorizer = createStaticAuthorizer(KILN_ROLES);
    expect(authorizer.authorize(as(Roles.compute), 'subscribe', Topics.anyRunState)).toBe(true);
    expect(authorizer.authorize(as(Roles.compute), 'subscribe', 'kiln..state')).toBe(false);
  });
});

describe('static authorizer denials', () => {
  const authorizer = createStaticAuthorizer([
    { name: 'admin', permissions: [perm('', 'prefix', { call: true, register: true, publish: true, subscribe: true })] },
    { name: 'reader', permissions: [perm('kiln.', 'prefix', { subscribe: true })] },
    { name: 'nothing', permissions: [] },
  ]);

  it('denies actions a governing permission does not mention', () => {
    expect(authorizer.authorize(as('reader'), 'subscribe', 'kiln.worker.load')).toBe(true);
    for (const action of ['call', 'register', 'publish'] as const) expect(authorizer.authorize(as('reader'), action, 'kiln.worker.load')).toBe(false);
  });

  it('denies URIs no permission governs, and everything to roles without permissions', () => {
    expect(authorizer.authorize(as('reader'), 'subscribe', 'other.topic')).toBe(false);
    expect(authorizer.authorize(as('nothing'), 'subscribe', 'kiln.worker.load')).toBe(false);
  });

  it('denies everything to an unknown role, including Object.prototype names', () => {
    for (const role of ['ghost', '', 'constructor', '__proto__', 'hasOwnProperty']) {
      for (const action of ['call', 'register', 'publish', 'subscribe'] as const) expect(authorizer.authorize(as(role), action, 'kiln.x')).toBe(false);
      expect(authorizer.hasRole(role)).toBe(false);
    }
    expect(authorizer.hasRole('reader')).toBe(true);
  });

  it('reserves wamp. for the router: no role registers or publishes there, even with an allow-all permission', () => {
    expect(authorizer.authorize(as('admin'), 'register', 'wamp.session.count')).toBe(false);
    expect(authorizer.authorize(as('admin'), 'publish', 'wamp.session.on_join')).toBe(false);
    expect(authorizer.authorize(as('admin'), 'call', 'wamp.session.count')).toBe(true);
    expect(authorizer.authorize(as('admin'), 'subscribe', 'wamp.session.on_join')).toBe(true);
  });

  it('keeps answering correctly past its cache bound and for very long URIs', () => {
    for (let i = 0; i < 3000; i++) {
      expect(authorizer.authorize(as('reader'), 'subscribe', `kiln.run.${i}.progress`)).toBe(true);
      expect(authorizer.authorize(as('reader'), 'subscribe', `elsewhere.${i}`)).toBe(false);
    }
    const long = `kiln.${'x'.repeat(100_000)}`;
    expect(authorizer.authorize(as('reader'), 'subscribe', long)).toBe(true);
    expect(authorizer.authorize(as('reader'), 'call', long)).toBe(false);
  });
});

describe('static authorizer disclosure', () => {
  it('reports the governing permission disclose flags, default false', () => {
    const authorizer = createStaticAuthorizer([
      {
        name: 'r',
        permissions: [
          perm('kiln.', 'prefix', { call: true, publish: true }, { caller: true }),
          perm('kiln.worker.', 'prefix', { publish: true }, { publisher: true }),
        ],
      },
    ]);
    expect(authorizer.discloses('r', 'call', 'kiln.solve')).toBe(true);
    expect(authorizer.discloses('r', 'publish', 'kiln.solve')).toBe(false);
    expect(authorizer.discloses('r', 'publish', 'kiln.worker.load')).toBe(true);
    expect(authorizer.discloses('r', 'call', 'kiln.worker.load')).toBe(false);
    expect(authorizer.discloses('ghost', 'call', 'kiln.solve')).toBe(false);
  });
});

describe('static authorizer configuration', () => {
  const reject = (roles: RoleConfig[]): void => void expect(() => createStaticAuthorizer(roles)).toThrow(TypeError);

  it('rejects invalid permission URIs and match policies', () => {
    reject([{ name: 'r', permissions: [perm('kiln run', 'exact', {})] }]);
    reject([{ name: 'r', permissions: [perm('', 'exact', {})] }]);
    reject([{ name: 'r', permissions: [perm('kiln#', 'wildcard', {})] }]);
    reject([{ name: 'r', permissions: [perm('.', 'prefix', {})] }]);
    reject([{ name: 'r', permissions: [perm('kiln.', 'glob' as never, {})] }]);
  });

  it('rejects a role configured twice and a permission listed twice', () => {
    reject([
      { name: 'r', permissions: [] },
      { name: 'r', permissions: [] },
    ]);
    reject([{ name: 'r', permissions: [perm('kiln.', 'prefix', { call: true }), perm('kiln.', 'prefix', { publish: true })] }]);
  });

  it("compiles Kiln's own roles and answers as they intend", () => {
    const authorizer = createStaticAuthorizer(KILN_ROLES);
    // The prefix kiln.anneal.*; the realm's registration policy narrows it to the session's own procedure.
    expect(authorizer.authorize(as(Roles.compute), 'register', `${Procedures.anneal}.12345`)).toBe(true);
    expect(authorizer.authorize(as(Roles.compute), 'register', Procedures.anneal)).toBe(false);
    expect(authorizer.authorize(as(Roles.compute), 'call', `${Procedures.anneal}.12345`)).toBe(false);
    expect(authorizer.authorize(as(Roles.compute), 'publish', Topics.workerGone)).toBe(false);
    expect(authorizer.authorize(as(Roles.viewer), 'subscribe', Topics.machinesSummary)).toBe(true);
    expect(authorizer.authorize(as(Roles.viewer), 'subscribe', Topics.workerLoad)).toBe(false);
    expect(authorizer.authorize(as(Roles.viewer), 'publish', Topics.workerLoad)).toBe(false);
    expect(authorizer.authorize(as(Roles.controller), 'register', 'kiln.anything')).toBe(true);
    expect(authorizer.authorize(as(Roles.controller), 'register', 'wamp.anything')).toBe(false);
  });
});
