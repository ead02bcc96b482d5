import { connect, type Socket } from 'node:net';
import autobahn from 'autobahn';
import { afterEach, describe, expect, it } from 'vitest';
import { lengthCode } from '../../electron/router/rawsocket-transport.ts';
import { createRouter } from '../../electron/router/router.ts';
import { startRouterServer } from '../../electron/router/server.ts';
import type { Limits } from '../../electron/router/types.ts';
import { openRealm } from './autobahn-helpers.ts';
import { StubRouter, testLimits } from './fake-connection.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A raw TCP client that records every byte the router sends and whether the router closed the socket. */
class RawClient {
  received = Buffer.alloc(0);
  closed = false;
  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => (this.received = Buffer.concat([this.received, chunk])));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }

  static async open(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    cleanups.push(() => socket.destroy());
    await new Promise((resolve) => socket.once('connect', resolve));
    return new RawClient(socket);
  }

  async until(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out; received ${this.received.toString('hex')}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

function frame(type: number, payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length);
  header[0] = type;
  return Buffer.concat([header, body]);
}

async function start(limits: Partial<Limits> = {}): Promise<{ router: StubRouter; port: number }> {
  const router = new StubRouter();
  const server = await startRouterServer({
    router,
    host: '127.0.0.1',
    port: 0,
    rawSocketPort: 0,
    limits: testLimits({ maxMessageSize: 1024 * 1024, ...limits }),
  });
  cleanups.push(() => server.close());
  return { router, port: server.rawSocketPort as number };
}

/** Client handshake: 16 MiB receive limit (LENGTH 15) and the given serializer id. */
const HELLO_JSON = Buffer.from([0x7f, 0xf1, 0, 0]);

describe('RawSocket handshake', () => {
  it('accepts a supported serializer and announces the router limit (1 MiB = 2^(9+11))', async () => {
    const { router, port } = await start();
    const client = await RawClient.open(port);
    client.socket.write(Buffer.from([0x7f, 0xf2, 0, 0]));
    await client.until(() => client.received.length >= 4);
    expect(client.received.toString('hex')).toBe('7fb20000');
    const connection = await router.nextConnection(0);
    expect(connection.transport.info).toMatchObject({ kind: 'rawsocket', serializer: 'msgpack', loopback: true, headers: {} });
  });

  it.each([
    ['an unsupported serializer id', [0x7f, 0xf5, 0, 0], '7f100000'],
    ['the illegal serializer id 0', [0x7f, 0xf0, 0, 0], '7f100000'],
    ['a receive limit of 512 bytes', [0x7f, 0x01, 0, 0], '7f200000'],
    ['non-zero reserved octets', [0x7f, 0xf1, 0, 1], '7f300000'],
  ])('answers %s with the error reply and closes', async (_name, handshake, reply) => {
    const { router, port } = await start();
    const client = await RawClient.open(port);
    client.socket.write(Buffer.from(handshake));
    await client.until(() => client.closed);
    expect(client.received.toString('hex')).toBe(reply);
    expect(router.connections).toHaveLength(0);
  });

  it('fails the connection without a reply when the first octet is not 0x7F', async () => {
    const { port } = await start();
    const client = await RawClient.open(port);
    client.socket.write('GET / HTTP/1.1\r\n\r\n');
    await client.until(() => client.closed);
    expect(client.received.length).toBe(0);
  });

  it('drops a client that never completes the handshake', async () => {
    const { port } = await start({ helloTimeoutMs: 100 });
    const client = await RawClient.open(port);
    client.socket.write(Buffer.from([0x7f]));
    await client.until(() => client.closed, 1000);
  });

  it('maps byte limits to length codes', () => {
    expect([512, 1000, 1024, 65536, 2 ** 24, 2 ** 30].map(lengthCode)).toEqual([0, 0, 1, 7, 15, 15]);
  });
});

describe('RawSocket framing', () => {
  async function handshaken(limits: Partial<Limits> = {}) {
    const { router, port } = await start(limits);
    router.onMessage = (message, transport) => transport.send(message as unknown[]);
    const client = await RawClient.open(port);
    client.socket.write(HELLO_JSON);
    await client.until(() => client.received.length >= 4);
    client.received = Buffer.alloc(0);
    return { router, client, connection: await router.nextConnection(0) };
  }

  it('reassembles frames split across writes and separates frames sharing one write', async () => {
    const { client, connection } = await handshaken();
    const bytes = Buffer.concat([frame(0, '[1,"realm1",{}]'), frame(0, '[6,{},"wamp.close.normal"]')]);
    for (const byte of bytes.subarray(0, 7)) {
      client.socket.write(Buffer.from([byte]));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    client.socket.write(bytes.subarray(7));
    await connection.until(() => connection.received.length === 2);
    expect(connection.received).toEqual([
      [1, 'realm1', {}],
      [6, {}, 'wamp.close.normal'],
    ]);
    // Answers are framed the same way.
    await client.until(() => client.received.length >= bytes.length);
    expect(client.received.equals(bytes)).toBe(true);
  });

  it('answers a PING with a PONG echoing its payload', async () => {
    const { client, connection } = await handshaken();
    client.socket.write(frame(1, 'are you there'));
    await client.until(() => client.received.length >= 17);
    expect(client.received.equals(frame(2, 'are you there'))).toBe(true);
    expect(connection.received).toEqual([]);
  });

  it.each([
    ['a frame over the announced limit', Buffer.from([0, 0x10, 0, 1])], // declares 1 MiB + 1 byte
    ['a reserved frame type', frame(3, '[1]')],
    ['reserved bits set', frame(0x80, '[1]')],
  ])('fails the connection on %s', async (_name, bytes) => {
    const { client, connection } = await handshaken();
    client.socket.write(bytes);
    await client.until(() => client.closed);
    await connection.until(() => connection.closedCalls === 1);
    expect(connection.received).toEqual([]);
  });

  it('answers a payload that does not decode with ABORT protocol_violation, then closes', async () => {
    const { client, connection } = await handshaken();
    client.socket.write(frame(0, '[1, "realm1", {'));
    await client.until(() => client.closed);
    const length = client.received.readUInt32BE(0);
    expect(JSON.parse(client.received.subarray(4, 4 + length).toString())).toEqual([
      3,
      { message: expect.stringMatching(/invalid JSON/) },
      'wamp.error.protocol_violation',
    ]);
    expect(connection.closedCalls).toBe(1);
  });

  it('pings the peer and evicts it when no PONG comes back', async () => {
    const { client, connection } = await handshaken({ pingIntervalMs: 50, pingTimeoutMs: 100 });
    await client.until(() => client.received.length >= 4);
    expect(client.received[0]).toBe(1); // a PING frame
    await connection.until(() => connection.closedCalls === 1);
    await client.until(() => client.closed);
  });

  it('keeps a peer that answers PINGs', async () => {
    const { client, connection } = await handshaken({ pingIntervalMs: 50, pingTimeoutMs: 100 });
    let offset = 0;
    let answered = 0;
    client.socket.on('data', () => {
      // Answer each complete PING frame in what has arrived.
      while (client.received.length - offset >= 4) {
        const length = client.received.readUInt32BE(offset) & 0xffffff;
        if (client.received.length - offset < 4 + length) break;
        if (client.received[offset] === 1) {
          client.socket.write(frame(2, client.received.subarray(offset + 4, offset + 4 + length)));
          answered++;
        }
        offset += 4 + length;
      }
    });
    // Six ping rounds: each would have evicted a peer that did not answer.
    await client.until(() => answered >= 6);
    expect(connection.closedCalls).toBe(0);
    expect(client.closed).toBe(false);
  });

  it('disconnects a peer that does not read once its queue passes maxOutgoingBuffer', async () => {
    const { client, connection } = await handshaken({ maxOutgoingBuffer: 256 * 1024 });
    client.socket.pause();
    const event = [36, 1, 2, {}, ['x'.repeat(16 * 1024)]];
    let sent = 0;
    while (connection.closedCalls === 0 && sent < 10_000) {
      for (let i = 0; i < 64; i++) connection.transport.send(event);
      sent += 64;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(connection.closedCalls).toBe(1);
    expect(sent).toBeLessThan(10_000);
  });
});

describe('RawSocket with a real client', () => {
  it('serves autobahn-js over RawSocket (JSON): register and call through the router', async () => {
    const limits = testLimits({ maxMessageSize: 1024 * 1024 });
    const server = await startRouterServer({
      router: createRouter({ realms: [openRealm()], limits }),
      host: '127.0.0.1',
      port: 0,
      rawSocketPort: 0,
      limits,
    });
    cleanups.push(() => server.close());
    const connection = new autobahn.Connection({
      realm: 'realm1',
      transports: [{ type: 'rawsocket', host: '127.0.0.1', port: server.rawSocketPort }],
      max_retries: 0,
    } as unknown as autobahn.IConnectionOptions);
    const session = await new Promise<autobahn.Session>((resolve, reject) => {
      connection.onopen = resolve;
      connection.onclose = (reason) => {
        reject(new Error(reason));
        return true;
      };
      connection.open();
    });
    cleanups.push(() => connection.close());
    await session.register('com.example.upper', (args?: unknown[]) => String(args?.[0]).toUpperCase());
    expect(await session.call('com.example.upper', ['kiln'])).toBe('KILN');
  });
});
