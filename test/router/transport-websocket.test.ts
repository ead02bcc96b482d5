import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { isLoopback, startRouterServer, type RouterServer } from '../../electron/router/server.ts';
import type { Limits } from '../../electron/router/types.ts';
import { StubRouter, testLimits } from './fake-connection.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(limits: Partial<Limits> = {}, httpServer?: Server): Promise<{ router: StubRouter; server: RouterServer }> {
  const router = new StubRouter();
  const server = await startRouterServer({ router, host: '127.0.0.1', port: 0, limits: testLimits(limits), httpServer });
  cleanups.push(() => server.close());
  return { router, server };
}

function client(url: string, protocols: string[] = ['wamp.2.json'], headers: Record<string, string> = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, protocols, { headers });
  cleanups.push(() => ws.terminate());
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

function nextMessage(ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve) => ws.once('message', (data: Buffer, isBinary) => resolve({ data, isBinary })));
}

/** The HTTP status and body a refused upgrade gets. */
function refusedUpgrade(url: string, protocols: string[]): Promise<{ status: number; body: string }> {
  const ws = new WebSocket(url, protocols);
  return new Promise((resolve) => {
    ws.on('error', () => {});
    ws.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
  });
}

describe('WebSocket subprotocol negotiation', () => {
  it.each([
    [['wamp.2.cbor'], 'wamp.2.cbor', 'cbor'],
    [['wamp.2.msgpack', 'wamp.2.json'], 'wamp.2.msgpack', 'msgpack'],
    [['mqtt', 'wamp.2.json', 'wamp.2.msgpack'], 'wamp.2.json', 'json'],
  ])('offered %j → %s', async (offered, subprotocol, serializer) => {
    const { router, server } = await start();
    const ws = await client(server.url, offered);
    expect(ws.protocol).toBe(subprotocol);
    const connection = await router.nextConnection(0);
    expect(connection.transport.info.serializer).toBe(serializer);
  });

  it('refuses an upgrade without a WAMP subprotocol with 400 and a reason', async () => {
    const { router, server } = await start();
    const refused = await refusedUpgrade(server.url, ['mqtt']);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatch(/no supported WAMP subprotocol/);
    expect((await refusedUpgrade(server.url, [])).status).toBe(400);
    expect(router.connections).toHaveLength(0);
  });

  it('answers 404 for upgrades on other paths', async () => {
    const { server } = await start();
    const refused = await refusedUpgrade(server.url.replace('/ws', '/other'), ['wamp.2.json']);
    expect(refused.status).toBe(404);
  });

  it('describes the peer in TransportInfo', async () => {
    const { router, server } = await start();
    await client(server.url, ['wamp.2.json'], { 'X-Kiln-Test': 'yes' });
    const { info } = (await router.nextConnection(0)).transport;
    expect(info).toMatchObject({ kind: 'websocket', peerAddress: '127.0.0.1', loopback: true, serializer: 'json' });
    expect(info.peerPort).toBeGreaterThan(0);
    expect(info.headers['x-kiln-test']).toBe('yes');
  });

  it('attaches to an existing HTTP server, leaving its other requests alone', async () => {
    const http = createServer((_request, response) => response.end('ui'));
    cleanups.push(() => new Promise((resolve) => http.close(resolve)));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { router, server } = await start({}, http);
    expect(server.url).toBe(`ws://127.0.0.1:${(http.address() as { port: number }).port}/ws`);
    expect(await (await fetch(server.url.replace('ws:', 'http:').replace('/ws', '/index.html'))).text()).toBe('ui');
    await client(server.url);
    expect(router.connections).toHaveLength(1);
  });
});

describe('loopback detection', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['192.168.1.4', false],
    ['::ffff:10.0.0.1', false],
    ['fe80::1', false],
    ['1.127.0.0', false],
  ])('%s → %s', (address, loopback) => expect(isLoopback(address)).toBe(loopback));
});

describe('WebSocket framing', () => {
  it('decodes JSON text frames and answers with text frames', async () => {
    const { router, server } = await start();
    router.onMessage = (message, transport) => transport.send(message as unknown[]);
    const ws = await client(server.url);
    const reply = nextMessage(ws);
    ws.send('[1,"realm1",{"roles":{}}]');
    const { data, isBinary } = await reply;
    expect(isBinary).toBe(false);
    expect(data.toString()).toBe('[1,"realm1",{"roles":{}}]');
    expect(router.connections[0].received).toEqual([[1, 'realm1', { roles: {} }]]);
  });

  it('decodes MessagePack binary frames and answers with binary frames', async () => {
    const { router, server } = await start();
    router.onMessage = (message, transport) => transport.send(message as unknown[]);
    const ws = await client(server.url, ['wamp.2.msgpack']);
    const reply = nextMessage(ws);
    ws.send(Buffer.from('9301a67265616c6d3180', 'hex')); // [1, "realm1", {}]
    const { data, isBinary } = await reply;
    expect(isBinary).toBe(true);
    expect(data.toString('hex')).toBe('9301a67265616c6d3180');
  });

  it('closes with 1009 on a frame over maxMessageSize', async () => {
    const { router, server } = await start({ maxMessageSize: 1024 });
    const ws = await client(server.url);
    const closed = closeOf(ws);
    ws.send(`["${'x'.repeat(2000)}"]`);
    expect((await closed).code).toBe(1009);
    await router.connections[0].until(() => router.connections[0].closedCalls === 1);
    expect(router.connections[0].received).toEqual([]);
  });

  it('answers a frame that does not decode with ABORT protocol_violation, then closes with 1007', async () => {
    const { router, server } = await start();
    const ws = await client(server.url);
    const abort = nextMessage(ws);
    const closed = closeOf(ws);
    ws.send('[1, "realm1", {');
    expect(JSON.parse((await abort).data.toString())).toEqual([3, { message: expect.stringMatching(/invalid JSON frame/) }, 'wamp.error.protocol_violation']);
    const { code, reason } = await closed;
    expect(code).toBe(1007);
    expect(reason).toMatch(/invalid JSON frame/);
    expect(router.connections[0].closedCalls).toBe(1);
  });

  it('answers a binary frame for JSON with ABORT, then closes with 1003', async () => {
    const { server } = await start();
    const ws = await client(server.url);
    const abort = nextMessage(ws);
    const closed = closeOf(ws);
    ws.send(Buffer.from('[1]'));
    expect((await abort).data.toString()).toMatch(/wamp.error.protocol_violation/);
    expect((await closed).code).toBe(1003);
  });

  it('passes a close code and reason from the router to the peer', async () => {
    const { router, server } = await start();
    const ws = await client(server.url);
    const closed = closeOf(ws);
    (await router.nextConnection(0)).transport.close(1000, 'wamp.close.normal');
    expect(await closed).toEqual({ code: 1000, reason: 'wamp.close.normal' });
  });

  it('reports the peer going away exactly once', async () => {
    const { router, server } = await start();
    const ws = await client(server.url);
    const connection = await router.nextConnection(0);
    ws.close();
    await connection.until(() => connection.closedCalls > 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(connection.closedCalls).toBe(1);
  });

  it('closes every peer with 1001 when the server closes', async () => {
    const { server } = await start();
    const ws = await client(server.url);
    const closed = closeOf(ws);
    await server.close();
    expect((await closed).code).toBe(1001);
  });
});

describe('WebSocket limits on slow and dead peers', () => {
  it('disconnects a peer that does not read once its queue passes maxOutgoingBuffer', async () => {
    const { router, server } = await start({ maxOutgoingBuffer: 256 * 1024 });
    const ws = await client(server.url);
    const connection = await router.nextConnection(0);
    // The client stops reading: the kernel buffers fill, then the router's queue grows.
    (ws as unknown as { _socket: Socket })._socket.pause();
    const chunk = [36, 1, 2, {}, ['x'.repeat(16 * 1024)]];
    let sent = 0;
    while (connection.closedCalls === 0 && sent < 10_000) {
      for (let i = 0; i < 64; i++) connection.transport.send(chunk);
      sent += 64;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(connection.closedCalls).toBe(1);
    // Bounded: the router gave up after the kernel's buffers plus maxOutgoingBuffer, not after 160 MB.
    expect(sent).toBeLessThan(10_000);
    const closed = closeOf(ws);
    (ws as unknown as { _socket: Socket })._socket.resume();
    expect(await closed).toEqual({ code: 1008, reason: 'outgoing queue full' });
  });

  it('keeps a peer that answers pings', async () => {
    const { router, server } = await start({ pingIntervalMs: 50, pingTimeoutMs: 100 });
    const ws = await client(server.url);
    let pings = 0;
    const enough = new Promise<void>((resolve) => ws.on('ping', () => ++pings === 6 && resolve()));
    // Six ping rounds (ws answers each with a pong): each would have evicted a peer that did not answer.
    await enough;
    expect(router.connections[0].closedCalls).toBe(0);
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it('keeps a peer whose pong waited unread while the router itself was blocked past the ping timeout', async () => {
    const { router, server } = await start({ pingIntervalMs: 50, pingTimeoutMs: 100 });
    const ws = await client(server.url);
    let pings = 0;
    const enough = new Promise<void>((resolve) =>
      ws.on('ping', () => {
        // ws has sent the pong already; this process (router and peer alike) now stalls, as on a starved
        // machine, well past the ping's deadline, so that the pong is still unread when the loop resumes.
        if (++pings === 1) {
          const until = performance.now() + 400;
          while (performance.now() < until) {
            // busy: no timer, no I/O runs meanwhile
          }
        }
        if (pings === 6) resolve();
      }),
    );
    const closed = closeOf(ws);
    const outcome = await Promise.race([enough.then(() => 'alive'), closed.then(() => 'evicted')]);
    expect(outcome).toBe('alive');
    expect(router.connections[0].closedCalls).toBe(0);
  });

  it('evicts a peer that stops answering pings (half-open connection)', async () => {
    const { router, server } = await start({ pingIntervalMs: 50, pingTimeoutMs: 100 });
    // A raw TCP client that upgrades and then never reads a frame, so never sends a pong.
    const url = new URL(server.url);
    const socket = connect(Number(url.port), url.hostname);
    cleanups.push(() => socket.destroy());
    socket.write(
      `GET /ws HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: wamp.2.json\r\n\r\n',
    );
    let response = '';
    socket.on('data', (chunk: Buffer) => (response += chunk.toString('latin1')));
    const socketClosed = new Promise((resolve) => socket.once('close', resolve));
    const connection = await router.nextConnection(0);
    await connection.until(() => connection.closedCalls > 0);
    expect(response).toMatch(/^HTTP\/1.1 101/);
    await socketClosed;
  });
});
