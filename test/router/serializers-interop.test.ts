import autobahn from 'autobahn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter } from '../../electron/router/router.ts';
import { startRouterServer, type RouterServer } from '../../electron/router/server.ts';
import { autobahnSession, openRealm, type SerializerName } from './autobahn-helpers.ts';
import { testLimits } from './fake-connection.ts';

/** Real autobahn-js 22.11 sessions (JSON, msgpack5, node-cbor) against the router, mixed across serializers. */

let server: RouterServer;
const open: Array<() => Promise<void>> = [];

beforeAll(async () => {
  const limits = testLimits();
  server = await startRouterServer({ router: createRouter({ realms: [openRealm()], limits }), host: '127.0.0.1', port: 0, limits });
});

afterAll(async () => {
  for (const close of open.splice(0)) await close();
  await server.close();
});

async function session(serializer: SerializerName) {
  const opened = await autobahnSession(server.url, serializer);
  open.push(opened.close);
  return opened.session;
}

const serializers: SerializerName[] = ['json', 'msgpack', 'cbor'];
const bytes = Buffer.from([0, 1, 2, 127, 128, 254, 255]);
/** The WAMP spec's JSON form of binary; autobahn-js's JSON serializer leaves the conversion to the application. */
const jsonBinary = (b: Buffer): string => `\u0000${b.toString('base64')}`;

describe.each(serializers)('autobahn-js over %s', (name) => {
  it('gets a random session id in [1, 2^53] and can call, register, publish and subscribe', async () => {
    const s = await session(name);
    expect(Number.isSafeInteger(s.id)).toBe(true);
    expect(s.id).toBeGreaterThan(0);
    await s.register(`com.example.${name}.echo`, (args?: unknown[], kwargs?: Record<string, unknown>) => new autobahn.Result(args, kwargs));
    const result = (await s.call(`com.example.${name}.echo`, [1, 'two', { three: [3] }], { four: 4.5 })) as { args: unknown[]; kwargs: unknown };
    expect(result.args).toEqual([1, 'two', { three: [3] }]);
    expect(result.kwargs).toEqual({ four: 4.5 });
  });
});

describe('across serializers', () => {
  it('a JSON caller and a MessagePack callee exchange binary arguments', async () => {
    const callee = await session('msgpack');
    const caller = await session('json');
    let seen: unknown;
    await callee.register('com.example.binary', (args?: unknown[]) => {
      seen = args?.[0];
      return Buffer.from((args?.[0] as Buffer).reverse());
    });
    const result = await caller.call('com.example.binary', [jsonBinary(bytes)]);
    expect(Buffer.isBuffer(seen)).toBe(true);
    expect(result).toBe(jsonBinary(Buffer.from(bytes).reverse()));
  });

  it('a CBOR caller and a MessagePack callee exchange binary arguments natively', async () => {
    const callee = await session('msgpack');
    const caller = await session('cbor');
    await callee.register('com.example.binary2', (args?: unknown[]) => args?.[0]);
    const result = await caller.call('com.example.binary2', [bytes]);
    expect(Buffer.from(result as Uint8Array).equals(bytes)).toBe(true);
  });

  it.each([
    ['json', 'msgpack'],
    ['msgpack', 'cbor'],
    ['cbor', 'json'],
  ] as const)('a %s callee sees the exact (53-bit) session id of a %s caller', async (calleeName, callerName) => {
    const callee = await session(calleeName);
    const caller = await session(callerName);
    const procedure = `com.example.whoami.${calleeName}.${callerName}`;
    await callee.register(procedure, (_args, _kwargs, details) => (details as { caller?: number }).caller);
    expect(await caller.call(procedure, [], {}, { disclose_me: true })).toBe(caller.id);
    // Uniformly random ids in [1, 2^53] (as the spec requires) lie beyond 2^32 with near certainty,
    // so this crossed the 64-bit integer encodings of MessagePack and CBOR.
    expect(caller.id).toBeGreaterThan(2 ** 32);
  });

  it('a JSON publisher reaches MessagePack and CBOR subscribers', async () => {
    const subscribers = [await session('msgpack'), await session('cbor')];
    const received: unknown[][] = [[], []];
    for (const [i, s] of subscribers.entries()) await s.subscribe('com.example.topic', (args?: unknown[]) => received[i].push(args));
    const publisher = await session('json');
    await publisher.publish('com.example.topic', [1, 'x', { y: [2 ** 40] }], {}, { acknowledge: true });
    const deadline = Date.now() + 3000;
    while (received.some((r) => r.length === 0) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received).toEqual([[[1, 'x', { y: [2 ** 40] }]], [[1, 'x', { y: [2 ** 40] }]]]);
  });
});
