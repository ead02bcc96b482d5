import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Server as HttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { guardHost, hostAllowed, hostPolicy, originAllowed, type HostPolicy } from '../http/host-policy.ts';
import { acceptRawSocket } from './rawsocket-transport.ts';
import { serializerForSubprotocol } from './serializers/index.ts';
import type { Connection, Limits, Serializer, Transport, TransportInfo } from './types.ts';
import { WebSocketTransport } from './websocket-transport.ts';

/** What the server needs of the router: Router satisfies it, and so does a test's stub. */
export interface TransportAcceptor {
  accept(transport: Transport): Connection;
}

export type ServerLimits = Pick<Limits, 'maxMessageSize' | 'maxOutgoingBuffer' | 'pingIntervalMs' | 'pingTimeoutMs' | 'helloTimeoutMs'>;

export interface RouterServerOptions {
  router: TransportAcceptor;
  host: string;
  /** 0 picks a free port. Ignored when httpServer is already listening. */
  port: number;
  /** Path of the WebSocket endpoint. */
  path?: string;
  limits: ServerLimits;
  /** Also accept WAMP over RawSocket on this TCP port (0 picks a free one). */
  rawSocketPort?: number;
  /** Attach to this HTTP server (which may also serve the UI) instead of creating one; an HTTPS server serves wss://. */
  httpServer?: Server;
  /**
   * The Host names this server answers to and the page origins that may open sessions (default: this
   * machine's names and IP literals; only same-origin pages). An upgrade from another origin is
   * refused, whatever the realm's auth allows: a web page the user visits must not reach the router.
   */
  hostPolicy?: HostPolicy;
}

export interface RouterServer {
  /** ws://host:port/path, or wss:// on an HTTPS server */
  url: string;
  port: number;
  /** Set when rawSocketPort was given. */
  rawSocketPort?: number;
  /** Stops accepting, closes every connection (1001 "going away") and the servers this call created. */
  close(): Promise<void>;
}

/** True for addresses of this machine's loopback interface: 127.0.0.0/8, ::1 and IPv4-mapped 127.x. */
export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

function lowerCaseHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** The first subprotocol the client offers that the router speaks (clients list theirs by preference). */
function negotiate(request: IncomingMessage): Serializer | undefined {
  const offered = request.headers['sec-websocket-protocol'];
  if (offered === undefined) return undefined;
  for (const name of offered.split(',')) {
    const serializer = serializerForSubprotocol(name.trim());
    if (serializer !== undefined) return serializer;
  }
  return undefined;
}

function reject(socket: Duplex, status: number, statusText: string, reason: string): void {
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function listen(server: Server | TcpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server | TcpServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** How long peers get to answer the closing handshake on shutdown before their sockets are destroyed. */
const SHUTDOWN_GRACE_MS = 1000;

/** Sends every WebSocket peer a close frame and waits (boundedly) for the handshakes to finish. */
async function closeClients(wss: WebSocketServer): Promise<void> {
  const closed = [...wss.clients].map(
    (ws) =>
      new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close(1001, 'router shutting down');
      }),
  );
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(closed), new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_GRACE_MS)))]);
  clearTimeout(timer);
  for (const ws of wss.clients) ws.terminate();
}

/**
 * Serves the router over WebSocket (and optionally RawSocket): negotiates the WAMP subprotocol on
 * upgrade, builds TransportInfo, and hands each transport to router.accept().
 */
export async function startRouterServer(options: RouterServerOptions): Promise<RouterServer> {
  const { router, host, limits, path = '/ws' } = options;
  const policy = options.hostPolicy ?? hostPolicy();
  const ownsHttp = options.httpServer === undefined;
  const http = options.httpServer ?? createServer();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxMessageSize,
    perMessageDeflate: false,
    // The upgrade handler has already chosen the serializer; ws only writes the header.
    handleProtocols: (_offered, request) => negotiate(request)?.subprotocol ?? false,
  });
  const rawSockets = new Set<Socket>();

  if (ownsHttp) {
    // Plain HTTP on a router-only server: nothing to serve but a hint.
    http.on(
      'request',
      guardHost(policy, (request, response) => {
        const known = new URL(request.url ?? '/', 'http://x').pathname === path;
        response.writeHead(known ? 426 : 404, { 'Content-Type': 'text/plain; charset=utf-8' });
        response.end(known ? 'WAMP over WebSocket: upgrade required\n' : 'not found\n');
      }),
    );
  }

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (new URL(request.url ?? '/', 'http://x').pathname !== path) {
      // Leave other paths to other upgrade handlers sharing this server (a dev server, say).
      if (http.listenerCount('upgrade') === 1) reject(socket, 404, 'Not Found', `no WebSocket endpoint at ${request.url}`);
      return;
    }
    if (!hostAllowed(request.headers.host, policy)) {
      reject(socket, 421, 'Misdirected Request', 'this server does not answer to that host name');
      return;
    }
    if (!originAllowed(request.headers.origin, request.headers.host, http instanceof HttpsServer, policy)) {
      reject(socket, 403, 'Forbidden', `WebSocket sessions from pages of ${request.headers.origin} are not allowed`);
      return;
    }
    const serializer = negotiate(request);
    if (serializer === undefined) {
      reject(socket, 400, 'Bad Request', 'no supported WAMP subprotocol offered (wamp.2.json, wamp.2.msgpack, wamp.2.cbor)');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      const address = request.socket.remoteAddress ?? '';
      const info: TransportInfo = {
        kind: 'websocket',
        peerAddress: address,
        peerPort: request.socket.remotePort ?? 0,
        loopback: isLoopback(address),
        serializer: serializer.name,
        headers: lowerCaseHeaders(request),
      };
      const transport = new WebSocketTransport(ws, socket, serializer, info, limits);
      transport.bind(router.accept(transport));
    });
  };
  http.on('upgrade', onUpgrade);

  const port = http.listening ? (http.address() as AddressInfo).port : await listen(http, options.port, host);

  let rawServer: TcpServer | undefined;
  let rawSocketPort: number | undefined;
  if (options.rawSocketPort !== undefined) {
    rawServer = createTcpServer((socket) => {
      rawSockets.add(socket);
      socket.on('close', () => rawSockets.delete(socket));
      const address = socket.remoteAddress ?? '';
      acceptRawSocket(socket, router, limits, (serializer) => ({
        kind: 'rawsocket',
        peerAddress: address,
        peerPort: socket.remotePort ?? 0,
        loopback: isLoopback(address),
        serializer: serializer.name,
        headers: {},
      }));
    });
    rawSocketPort = await listen(rawServer, options.rawSocketPort, host);
  }

  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${http instanceof HttpsServer ? 'wss' : 'ws'}://${urlHost}:${port}${path}`,
    port,
    rawSocketPort,
    async close() {
      http.off('upgrade', onUpgrade);
      for (const socket of rawSockets) socket.destroy();
      await closeClients(wss);
      wss.close();
      const closing: Promise<void>[] = [];
      if (rawServer !== undefined) closing.push(closeServer(rawServer));
      if (ownsHttp) {
        closing.push(closeServer(http));
        http.closeAllConnections();
      }
      await Promise.all(closing);
    },
  };
}
