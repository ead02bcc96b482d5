import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createRouter } from '../../electron/router/router.ts';
import { startRouterServer, type RouterServer } from '../../electron/router/server.ts';
import { autobahnSession, openRealm } from './autobahn-helpers.ts';
import { testLimits } from './fake-connection.ts';

/**
 * The WAMP spec's "Protocol Errors": a router that receives a message it cannot decode, a message that
 * is not a WAMP message, or one out of order (anything but HELLO before WELCOME, a second HELLO after)
 * MUST send ABORT with wamp.error.protocol_violation and drop the session. And one misbehaving peer
 * must not affect anyone else: after each case a real autobahn-js session registers and calls.
 */

const limits = testLimits({ maxMessageSize: 64 * 1024 });
let server: RouterServer;

beforeEach(async () => {
  const router = createRouter({ realms: [openRealm()], limits });
  server = await startRouterServer({ router, host: '127.0.0.1', port: 0, limits });
});

afterEach(async () => {
  // The router still serves a well-behaved client.
  const { session, close } = await autobahnSession(server.url);
  await session.register('com.example.add', (args?: unknown[]) => (args as number[])[0] + (args as number[])[1]);
  expect(await session.call('com.example.add', [2, 3])).toBe(5);
  await close();
  await server.close();
});

/** A raw WebSocket peer that records what the router sends and how the connection closes. */
async function rawPeer(subprotocol = 'wamp.2.json') {
  const ws = new WebSocket(server.url, [subprotocol]);
  const messages: unknown[] = [];
  ws.on('message', (data: Buffer, isBinary) => messages.push(isBinary ? data : JSON.parse(data.toString())));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const waitFor = async (count: number): Promise<void> => {
    const deadline = Date.now() + 3000;
    while (messages.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return { ws, messages, closed, waitFor };
}

const PROTOCOL_VIOLATION = [3, expect.any(Object), 'wamp.error.protocol_violation'];
const HELLO = '[1,"realm1",{"roles":{"caller":{},"callee":{}}}]';

describe('malformed and out-of-order frames', () => {
  it.each([
    ['CALL before HELLO', '[48,1,{},"com.example.add",[1,2]]'],
    ['a message that is not an array', '{"type":1,"realm":"realm1"}'],
    ['an empty array', '[]'],
    ['an unknown message type', '[999,1,{}]'],
    ['a message type that is not a number', '["HELLO","realm1",{}]'],
  ])('%s → ABORT wamp.error.protocol_violation and the connection closes', async (_name, frame) => {
    const peer = await rawPeer();
    peer.ws.send(frame);
    await peer.closed;
    expect(peer.messages).toEqual([PROTOCOL_VIOLATION]);
  });

  it('garbage JSON → ABORT wamp.error.protocol_violation, close 1007', async () => {
    const peer = await rawPeer();
    peer.ws.send('[1,"realm1",{"roles":');
    expect((await peer.closed).code).toBe(1007);
    expect(peer.messages).toEqual([PROTOCOL_VIOLATION]);
  });

  it('garbage MessagePack → close 1007', async () => {
    const peer = await rawPeer('wamp.2.msgpack');
    peer.ws.send(Buffer.from([0x93, 0x01, 0xc1]));
    expect((await peer.closed).code).toBe(1007);
  });

  it('an oversized frame before WELCOME → ABORT kiln.error.message_too_big saying the limit, close 1009', async () => {
    const peer = await rawPeer();
    peer.ws.send(`[1,"realm1",{"pad":"${'x'.repeat(limits.maxMessageSize)}"}]`);
    expect((await peer.closed).code).toBe(1009);
    expect(peer.messages).toEqual([
      [3, { message: expect.stringMatching(`^a message over ${limits.maxHelloSize} bytes before the session was established`) }, 'kiln.error.message_too_big'],
    ]);
  });

  it('an oversized frame after WELCOME → close 1009 alone (no ABORT in an established session)', async () => {
    const peer = await rawPeer();
    peer.ws.send(HELLO);
    await peer.waitFor(1);
    peer.ws.send(`[16,1,{},"com.example.topic",["${'x'.repeat(limits.maxMessageSize)}"]]`);
    expect((await peer.closed).code).toBe(1009);
    expect(peer.messages).toEqual([[2, expect.any(Number), expect.any(Object)]]);
  });

  it('a second HELLO after WELCOME → ABORT wamp.error.protocol_violation', async () => {
    const peer = await rawPeer();
    peer.ws.send(HELLO);
    await peer.waitFor(1);
    expect(peer.messages[0]).toEqual([2, expect.any(Number), expect.any(Object)]);
    peer.ws.send(HELLO);
    await peer.closed;
    expect(peer.messages).toEqual([expect.any(Array), PROTOCOL_VIOLATION]);
  });

  it('an unknown message type after WELCOME → ABORT wamp.error.protocol_violation', async () => {
    const peer = await rawPeer();
    peer.ws.send(HELLO);
    await peer.waitFor(1);
    peer.ws.send('[999,1,{}]');
    await peer.closed;
    expect(peer.messages).toEqual([expect.any(Array), PROTOCOL_VIOLATION]);
  });

  it('a registration of a session that aborted is gone', async () => {
    const peer = await rawPeer();
    peer.ws.send(HELLO);
    await peer.waitFor(1);
    peer.ws.send('[64,1,{},"com.example.add"]');
    await peer.waitFor(2);
    expect(peer.messages[1]).toEqual([65, 1, expect.any(Number)]);
    peer.ws.send('not json');
    await peer.closed;
    // afterEach registers com.example.add again: that fails if the aborted session still holds it.
  });
});
