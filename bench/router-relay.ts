import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { WriteBatch } from '../electron/router/write-batch.ts';

/**
 * The floor for the router benchmark: a plain `ws` server that forwards frames between one caller and
 * one echo peer without looking inside them. Every WebSocket router pays at least this (two hops, frame
 * parsing, socket writes); Kiln's figures are reported as a fraction of it. It batches writes per tick
 * as Kiln's transports do (WriteBatch), so that the ratio measures the WAMP work alone.
 */
export async function startRelay(): Promise<{ url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, handleProtocols: (p) => [...p][0] ?? false });
  await new Promise((resolve) => wss.once('listening', resolve));
  let echo: WebSocket | undefined;
  const callers = new Set<WebSocket>();
  const batches = new WeakMap<WebSocket, WriteBatch>();
  const forward = (to: WebSocket, data: RawData, isBinary: boolean): void => {
    batches.get(to)?.hold();
    to.send(data as Buffer, { binary: isBinary });
  };
  wss.on('connection', (ws, request) => {
    batches.set(ws, new WriteBatch(request.socket));
    if (request.url === '/echo') {
      echo = ws;
      // One caller at a time in this benchmark, so answers go to whichever is connected.
      ws.on('message', (data: RawData, isBinary) => {
        for (const caller of callers) forward(caller, data, isBinary);
      });
    } else {
      callers.add(ws);
      ws.on('message', (data: RawData, isBinary) => echo && forward(echo, data, isBinary));
      ws.on('close', () => callers.delete(ws));
    }
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
