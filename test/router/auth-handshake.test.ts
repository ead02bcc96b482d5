/**
 * Authentication end to end: a real router behind a real WebSocket server, real autobahn-js clients.
 * A good credential must reach onopen with the right WELCOME.Details; a bad one must reach onclose
 * with the ABORT's error URI as details.reason. (Unit tests of each method, with malformed inputs,
 * are in auth-<method>.test.ts; these prove the methods, the realm and the wire agree.)
 */
import autobahn from 'autobahn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousAuth, cryptosignAuth, deriveCraKey, ticketAuth, wampcraAuth } from '../../electron/router/auth/index.ts';
import { createRouter } from '../../electron/router/router.ts';
import { startRouterServer } from '../../electron/router/server.ts';
import type { RealmConfig, RoleConfig } from '../../electron/router/types.ts';
import { cryptosignClient, naclKeyPair, type NaclKeyPair } from './auth-fixtures.ts';
import { join, leave, type JoinResult } from './auth-wamp-client.ts';
import { createVethAddress, unavailableReason } from '../helpers/test-network.ts';
import { startFixture, type Fixture } from './helpers/router-fixture.ts';

const role = (name: string): RoleConfig => ({ name, permissions: [{ uri: 'kiln.', match: 'prefix', allow: { call: true, subscribe: true } }] });

const workerKey = naclKeyPair();
const strangerKey = naclKeyPair();

function kilnRealm(): RealmConfig {
  return {
    name: 'kiln',
    auth: [
      anonymousAuth({ role: 'viewer' }),
      ticketAuth({
        principals: { ui: { ticket: 'ui-ticket', role: 'controller' } },
        verify: (authid, ticket) => {
          if (authid === 'broken') throw new Error(`backend down (ticket ${ticket})`);
          if (authid === 'roleless') return { role: 'no-such-role' };
          return null;
        },
      }),
      wampcraAuth({
        principals: {
          laptop: { secret: 'laptop-secret', role: 'viewer' },
          worker: { secret: deriveCraKey('worker-password', 'pepper', 500, 32), salt: 'pepper', iterations: 500, keylen: 32, role: 'compute' },
        },
      }),
      cryptosignAuth({ principals: { 'worker-7': { authorizedKeys: [cryptosignClient.public_key(workerKey)], role: 'compute' } } }),
    ],
    roles: [role('controller'), role('compute'), role('viewer')],
  };
}

function expectWelcome(result: JoinResult, identity: Record<string, string>): void {
  if (result.kind !== 'joined') throw new Error(`expected WELCOME, got onclose ${JSON.stringify(result.details)}`);
  expect(result.details).toMatchObject(identity);
}

function expectAbort(result: JoinResult, error: string, message?: RegExp): void {
  if (result.kind !== 'closed') throw new Error(`expected ABORT ${error}, got WELCOME ${JSON.stringify(result.details)}`);
  expect(result.details.reason).toBe(error);
  if (message !== undefined) expect(result.details.message).toMatch(message);
}

let fixture: Fixture;
const open = (options: Omit<Parameters<typeof join>[0], 'url' | 'realm'>): Promise<JoinResult> => join({ url: fixture.url, realm: 'kiln', ...options });

beforeAll(async () => {
  fixture = await startFixture({ realms: [kilnRealm()] });
});
afterAll(async () => {
  await fixture.close();
});

describe('anonymous over a real WebSocket', () => {
  it('welcomes a loopback client under the configured role with a router-chosen authid', async () => {
    const result = await open({ authmethods: ['anonymous'], authid: 'orchestrator' });
    expectWelcome(result, { authrole: 'viewer', authmethod: 'anonymous' });
    if (result.kind === 'joined') {
      expect(result.details.authid).not.toBe('orchestrator');
      await leave(result);
    }
  });

  // The server binds to a non-loopback address that this test creates (a veth pair into a throwaway
  // namespace) and the client connects to it there, so the transport really reports loopback: false.
  it('refuses a client that reaches the router over a non-loopback interface', async (context) => {
    const reason = unavailableReason();
    if (reason) return context.skip(reason);
    const lan = createVethAddress();
    const router = createRouter({ realms: [kilnRealm()], limits: { pingIntervalMs: 0 } });
    const server = await startRouterServer({ router, host: lan.hostAddress, port: 0, limits: router.limits });
    try {
      const result = await join({ url: server.url, realm: 'kiln', authmethods: ['anonymous'] });
      expectAbort(result, 'wamp.error.not_authorized', /loopback/);
      // The same router still authenticates that peer by ticket.
      const ticket = await join({ url: server.url, realm: 'kiln', authmethods: ['ticket'], authid: 'ui', onchallenge: () => 'ui-ticket' });
      expectWelcome(ticket, { authid: 'ui', authrole: 'controller', authmethod: 'ticket' });
      if (ticket.kind === 'joined') await leave(ticket);
    } finally {
      router.close();
      await server.close();
      lan.close();
    }
  });
});

describe('ticket over a real WebSocket', () => {
  it('welcomes the right ticket', async () => {
    const result = await open({
      authmethods: ['ticket'],
      authid: 'ui',
      onchallenge: (_s, method, extra) => (method === 'ticket' && Object.keys(extra).length === 0 ? 'ui-ticket' : 'unexpected challenge'),
    });
    expectWelcome(result, { authid: 'ui', authrole: 'controller', authmethod: 'ticket', authprovider: 'static' });
    if (result.kind === 'joined') await leave(result);
  });

  it('aborts a wrong ticket with not_authorized, not echoing it', async () => {
    const result = await open({ authmethods: ['ticket'], authid: 'ui', onchallenge: () => 'ui-tickeT' });
    expectAbort(result, 'wamp.error.not_authorized', /^(?!.*ui-ticke)/);
  });

  it('aborts an authid nobody vouches for with not_authorized', async () => {
    expectAbort(await open({ authmethods: ['ticket'], authid: 'mallory', onchallenge: () => 'x' }), 'wamp.error.not_authorized');
  });

  it('aborts with authentication_failed when the verify hook throws, without its message', async () => {
    const result = await open({ authmethods: ['ticket'], authid: 'broken', onchallenge: () => 'secret-t' });
    expectAbort(result, 'wamp.error.authentication_failed', /^(?!.*(secret-t|backend))/);
  });

  it('aborts with no_such_role when a principal maps to a role the realm lacks', async () => {
    expectAbort(await open({ authmethods: ['ticket'], authid: 'roleless', onchallenge: () => 'x' }), 'wamp.error.no_such_role');
  });
});

describe('WAMP-CRA over a real WebSocket', () => {
  const craAnswer =
    (password: string) =>
    (_session: autobahn.Session, method: string, extra: Record<string, unknown>): string => {
      if (method !== 'wampcra') throw new Error(`unexpected ${method}`);
      const key =
        extra.salt === undefined ? password : autobahn.auth_cra.derive_key(password, extra.salt as string, extra.iterations as number, extra.keylen as number);
      return autobahn.auth_cra.sign(key, extra.challenge as string);
    };

  it('welcomes a plain secret and aborts a wrong one', async () => {
    let challenge: Record<string, unknown> = {};
    const answer = craAnswer('laptop-secret');
    const good = await open({
      authmethods: ['wampcra'],
      authid: 'laptop',
      onchallenge: (session, method, extra) => {
        challenge = JSON.parse(extra.challenge as string);
        return answer(session, method, extra);
      },
    });
    expectWelcome(good, { authid: 'laptop', authrole: 'viewer', authmethod: 'wampcra' });
    // The challenge names the session the router then welcomes.
    if (good.kind === 'joined') {
      expect(challenge).toMatchObject({ authid: 'laptop', authmethod: 'wampcra', session: good.session.id });
      await leave(good);
    }
    expectAbort(await open({ authmethods: ['wampcra'], authid: 'laptop', onchallenge: craAnswer('laptop-secreT') }), 'wamp.error.not_authorized');
  });

  it('welcomes a salted password and aborts a wrong one', async () => {
    const good = await open({ authmethods: ['wampcra'], authid: 'worker', onchallenge: craAnswer('worker-password') });
    expectWelcome(good, { authid: 'worker', authrole: 'compute', authmethod: 'wampcra' });
    if (good.kind === 'joined') await leave(good);
    expectAbort(await open({ authmethods: ['wampcra'], authid: 'worker', onchallenge: craAnswer('worker-passworD') }), 'wamp.error.not_authorized');
  });
});

describe('WAMP-cryptosign over a real WebSocket', () => {
  const withKey = (announce: NaclKeyPair, sign: NaclKeyPair, authid?: string) => ({
    authmethods: ['cryptosign'],
    ...(authid === undefined ? {} : { authid }),
    // What autobahn's cryptosignClient.create_connection puts in HELLO.
    authextra: { pubkey: cryptosignClient.public_key(announce), trustroot: null, challenge: null, channel_binding: null },
    onchallenge: (_s: autobahn.Session, method: string, extra: Record<string, unknown>) => {
      if (method !== 'cryptosign') throw new Error(`unexpected ${method}`);
      return cryptosignClient.sign_challenge(sign, extra);
    },
  });

  it('welcomes the authorized key, the authid found from it', async () => {
    const result = await open(withKey(workerKey, workerKey));
    expectWelcome(result, { authid: 'worker-7', authrole: 'compute', authmethod: 'cryptosign' });
    if (result.kind === 'joined') await leave(result);
  });

  it('aborts a signature by another key, an unknown key, and a mismatched authid', async () => {
    expectAbort(await open(withKey(workerKey, strangerKey)), 'wamp.error.not_authorized');
    expectAbort(await open(withKey(strangerKey, strangerKey)), 'wamp.error.not_authorized');
    expectAbort(await open(withKey(workerKey, workerKey, 'someone-else')), 'wamp.error.not_authorized');
  });

  it('aborts a HELLO whose authextra.pubkey is not hex, with a clear message', async () => {
    const result = await open({ authmethods: ['cryptosign'], authextra: { pubkey: 'not-a-key'.repeat(1000) }, onchallenge: () => '' });
    expectAbort(result, 'wamp.error.not_authorized', /authextra\.pubkey/);
  });
});

describe('method selection', () => {
  it('uses the first method the client lists that the realm offers', async () => {
    const result = await open({ authmethods: ['scram', 'ticket', 'anonymous'], authid: 'ui', onchallenge: () => 'ui-ticket' });
    expectWelcome(result, { authid: 'ui', authmethod: 'ticket' });
    if (result.kind === 'joined') await leave(result);
  });
});
