import type { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { Heartbeat } from './heartbeat.ts';
import { MessageType, type Connection, type Limits, type Serializer, type Transport, type TransportInfo, type WampMessage } from './types.ts';
import { WriteBatch } from './write-batch.ts';

export type WebSocketLimits = Pick<Limits, 'maxOutgoingBuffer' | 'pingIntervalMs' | 'pingTimeoutMs'>;

/** WebSocket close codes this transport uses (RFC 6455, section 7.4.1). */
const CloseCode = {
  NORMAL: 1000,
  UNSUPPORTED_DATA: 1003,
  INVALID_PAYLOAD: 1007,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
} as const;

/** How long a closing peer gets to read the close frame before the socket is destroyed. */
const CLOSE_GRACE_MS = 2000;
/** RFC 6455 limits a close reason to 123 bytes of UTF-8. */
const MAX_REASON_BYTES = 123;

// Shared option objects: ws.send() is the hot path, so no object is built per message.
const SEND_BINARY = { binary: true } as const;
const SEND_TEXT = { binary: false } as const;

export function protocolViolation(reason: string): WampMessage {
  return [MessageType.ABORT, { message: reason }, 'wamp.error.protocol_violation'];
}

/**
 * ws checks every frame's declared length against its receiver's maxPayload as soon as the header is
 * read (closing with 1009 before buffering the payload), but takes maxPayload once per server. The
 * router's limit depends on the session's phase and role, so the receiver asks the connection per
 * frame. ws keeps maxPayload in the private field `_maxPayload` (ws 8); the installed version is
 * pinned by package-lock, and test/security's pre-authentication flood test fails if this stops working.
 * A limit of 0 leaves the server's maxPayload in force.
 */
function limitFramesByHeader(ws: WebSocket, limit: () => number, onOversized: () => void): void {
  const receiver = (ws as unknown as { _receiver?: { _maxPayload?: number } & EventEmitter })._receiver;
  if (receiver === undefined || typeof receiver._maxPayload !== 'number') return;
  // ws sends its close frame (1009) before it emits the error on the WebSocket: a listener on the
  // receiver, ahead of ws's own, can still have a message sent first.
  receiver.prependListener('error', (error: { code?: string }) => {
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') onOversized();
  });
  const serverLimit = receiver._maxPayload;
  Object.defineProperty(receiver, '_maxPayload', {
    configurable: true,
    get: () => {
      const current = limit();
      return current > 0 && (serverLimit === 0 || current < serverLimit) ? current : serverLimit;
    },
    set: () => {},
  });
}

/** Cuts a close reason to what a close frame can carry, never splitting a character. */
function closeReason(reason: string): string {
  let cut = reason;
  while (Buffer.byteLength(cut) > MAX_REASON_BYTES) cut = cut.slice(0, -1);
  return cut;
}

/**
 * A Transport over one `ws` WebSocket whose subprotocol (and so serializer) is already negotiated.
 * It decodes frames into the Connection, encodes messages onto the socket, and enforces the per-peer
 * limits: a frame that does not decode closes with 1003/1007 (ws itself closes oversized ones with 1009,
 * given maxPayload), a peer that does not read what it is sent closes with 1008 once its queue passes
 * maxOutgoingBuffer (so the router's memory stays bounded), and a peer that stops answering pings is
 * terminated.
 */
export class WebSocketTransport implements Transport {
  private connection: Connection | undefined;
  /** False once either side started closing: nothing more is sent or delivered. */
  private open = true;
  private readonly heartbeat: Heartbeat;
  private readonly sendOptions: typeof SEND_BINARY | typeof SEND_TEXT;
  private readonly batch: WriteBatch;

  /** `socket` is the upgraded connection underneath `ws`, corked while a tick's frames are written. */
  constructor(
    private readonly ws: WebSocket,
    socket: Duplex,
    private readonly serializer: Serializer,
    readonly info: TransportInfo,
    private readonly limits: WebSocketLimits,
  ) {
    this.sendOptions = serializer.binary ? SEND_BINARY : SEND_TEXT;
    this.batch = new WriteBatch(socket);
    this.heartbeat = new Heartbeat(
      limits.pingIntervalMs,
      limits.pingTimeoutMs,
      () => this.ws.ping(),
      () => this.terminate(),
    );
  }

  /** Starts delivering frames to the connection the router returned for this transport. */
  bind(connection: Connection): void {
    this.connection = connection;
    const limit = (): number => this.connection?.incomingLimit?.() ?? 0;
    limitFramesByHeader(this.ws, limit, () => this.connection?.oversized?.(limit()));
    this.ws.on('message', (data: Buffer, isBinary: boolean) => this.receive(data, isBinary));
    this.ws.on('pong', () => this.heartbeat.pong());
    // ws emits 'error' before closing on protocol faults (oversized frame: 1009, bad UTF-8: 1007);
    // the close that follows is what ends the session, so the error itself needs no handling.
    this.ws.on('error', () => {});
    this.ws.on('close', () => this.gone());
    this.heartbeat.start();
  }

  send(message: WampMessage): void {
    if (!this.open) return;
    let frame: Uint8Array | string;
    try {
      frame = this.serializer.encode(message);
    } catch {
      // The router built a message this serializer cannot carry: a bug, but this peer's session is broken.
      this.close(CloseCode.INTERNAL_ERROR, 'message could not be serialized');
      return;
    }
    this.batch.hold();
    this.ws.send(frame, this.sendOptions);
    if (this.ws.bufferedAmount > this.limits.maxOutgoingBuffer) {
      this.close(CloseCode.POLICY_VIOLATION, 'outgoing queue full');
      // The peer is not reading, so it may never complete the closing handshake: drop the session now.
      this.gone();
    }
  }

  close(code: number = CloseCode.NORMAL, reason = ''): void {
    if (!this.open) return;
    this.open = false;
    this.heartbeat.stop();
    try {
      this.ws.close(code, closeReason(reason));
    } catch {
      // ws rejects codes a peer may not send (1005, 1006, ...): end the connection without a code.
      this.ws.terminate();
      return;
    }
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  private receive(data: Buffer, isBinary: boolean): void {
    if (!this.open || this.connection === undefined) return;
    if (isBinary !== this.serializer.binary) {
      this.abort(CloseCode.UNSUPPORTED_DATA, `${this.serializer.subprotocol} expects ${this.serializer.binary ? 'binary' : 'text'} frames`);
      return;
    }
    let message: unknown;
    try {
      // ws has validated text frames as UTF-8 already.
      message = this.serializer.decode(isBinary ? data : data.toString());
    } catch (error) {
      this.abort(CloseCode.INVALID_PAYLOAD, (error as Error).message);
      return;
    }
    this.heartbeat.heard();
    this.connection.receive(message);
  }

  /**
   * A frame that cannot be decoded is a protocol violation (WAMP spec, "Protocol Errors"): the peer gets
   * ABORT with wamp.error.protocol_violation, then the connection closes with the WebSocket code.
   */
  private abort(code: number, reason: string): void {
    this.send(protocolViolation(reason));
    this.close(code, reason);
    this.gone();
  }

  private terminate(): void {
    this.open = false;
    this.ws.terminate();
    this.gone();
  }

  /** The connection is over, whoever ended it: tell the router once. */
  private gone(): void {
    this.open = false;
    this.heartbeat.stop();
    const connection = this.connection;
    this.connection = undefined;
    connection?.closed();
  }
}
