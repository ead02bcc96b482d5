import type { Socket } from 'node:net';
import { Heartbeat } from './heartbeat.ts';
import { serializerForRawSocketId } from './serializers/index.ts';
import type { Connection, Limits, Serializer, Transport, TransportInfo, WampMessage } from './types.ts';
import { WriteBatch } from './write-batch.ts';
import { protocolViolation } from './websocket-transport.ts';

/**
 * WAMP over RawSocket (WAMP spec, "RawSocket Transport"): a 4-octet handshake, then frames of a
 * 4-octet prefix (5 reserved bits, 3 bits message type, 24-bit big-endian length) and the payload.
 */

export type RawSocketLimits = Pick<Limits, 'maxMessageSize' | 'maxOutgoingBuffer' | 'pingIntervalMs' | 'pingTimeoutMs' | 'helloTimeoutMs'>;

const MAGIC = 0x7f;
/** Frame types (the low 3 bits of the prefix's first octet). */
const FrameType = { MESSAGE: 0, PING: 1, PONG: 2 } as const;
/** Handshake error codes, sent in the upper 4 bits of the reply's second octet. */
const HandshakeError = {
  SERIALIZER_UNSUPPORTED: 1,
  MAX_LENGTH_UNACCEPTABLE: 2,
  RESERVED_BITS: 3,
  MAX_CONNECTIONS: 4,
} as const;

/**
 * The least a client must be willing to receive. Below it, routine router messages (a WELCOME with its
 * roles, an ERROR with its message) may not fit, and the session would fail later for an obscure reason.
 */
const MIN_PEER_MAX_LENGTH = 1024;
/** RawSocket lengths are powers of two from 2^9 to 2^24, encoded as an exponent 0..15 above 9. */
const MIN_LENGTH_EXPONENT = 9;
const MAX_FRAME_LENGTH = 2 ** 24;
const CLOSE_GRACE_MS = 2000;

/** The largest length exponent code (0..15) whose size does not exceed `bytes`. */
export function lengthCode(bytes: number): number {
  const exponent = Math.floor(Math.log2(Math.min(Math.max(bytes, 512), MAX_FRAME_LENGTH)));
  return exponent - MIN_LENGTH_EXPONENT;
}

/**
 * Reassembles a byte stream into frames without copying in the common case: a frame that lies inside
 * one received chunk is handed out as a view of it; only frames split across chunks are concatenated.
 */
class ChunkQueue {
  private chunks: Buffer[] = [];
  bytes = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  /** Removes and returns the next n bytes; the caller has checked that they are there. */
  take(n: number): Buffer {
    this.bytes -= n;
    const first = this.chunks[0];
    if (n === first.length) return this.chunks.shift() as Buffer;
    if (n < first.length) {
      this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0];
      const used = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, used);
      filled += used;
      if (used === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    return out;
  }
}

/**
 * A Transport over one TCP socket speaking WAMP RawSocket. Created after a successful handshake by
 * acceptRawSocket(); enforces the same limits as the WebSocket transport: an oversized or malformed
 * frame fails the connection, a peer that does not read is dropped past maxOutgoingBuffer, and one
 * that does not answer PINGs within pingTimeoutMs is destroyed.
 */
class RawSocketTransport implements Transport {
  private connection: Connection | undefined;
  private open = true;
  private readonly queue = new ChunkQueue();
  private readonly heartbeat: Heartbeat;
  private readonly batch: WriteBatch;
  /** Header of the frame whose payload is still arriving, or -1 while waiting for a header. */
  private pendingType = -1;
  private pendingLength = 0;

  constructor(
    private readonly socket: Socket,
    private readonly serializer: Serializer,
    readonly info: TransportInfo,
    private readonly limits: RawSocketLimits,
    /** What this router announced it accepts, and what the peer announced it accepts. */
    private readonly maxReceive: number,
    private readonly maxSend: number,
  ) {
    this.heartbeat = new Heartbeat(
      limits.pingIntervalMs,
      limits.pingTimeoutMs,
      () => this.write(FrameType.PING, ''),
      () => this.fail(),
    );
    this.batch = new WriteBatch(socket);
  }

  /** Starts delivering frames (including any bytes that followed the handshake) to the connection. */
  bind(connection: Connection, leftover: Buffer): void {
    this.connection = connection;
    this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    this.socket.on('close', () => this.gone());
    this.heartbeat.start();
    if (leftover.length > 0) this.receive(leftover);
  }

  send(message: WampMessage): void {
    if (!this.open) return;
    let payload: Uint8Array | string;
    try {
      payload = this.serializer.encode(message);
    } catch {
      this.fail();
      return;
    }
    this.write(FrameType.MESSAGE, payload);
  }

  /** RawSocket has no close codes: the socket is ended after what was already written. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.heartbeat.stop();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  private write(type: number, payload: Uint8Array | string): void {
    const length = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
    if (length > this.maxSend) {
      // The spec leaves this to the implementation; a message silently dropped would leave a call
      // hanging, so the connection fails instead.
      this.fail();
      return;
    }
    // One buffer per frame, and one writev per tick for all of them (WriteBatch).
    const frame = Buffer.allocUnsafe(4 + length);
    frame.writeUInt32BE(length, 0);
    frame[0] = type;
    if (typeof payload === 'string') frame.write(payload, 4);
    else frame.set(payload, 4);
    this.batch.hold();
    this.socket.write(frame);
    if (this.socket.writableLength > this.limits.maxOutgoingBuffer) this.fail();
  }

  private receive(chunk: Buffer): void {
    if (!this.open) return;
    this.queue.push(chunk);
    while (this.open) {
      if (this.pendingType < 0) {
        if (this.queue.bytes < 4) return;
        const header = this.queue.take(4);
        const type = header[0];
        this.pendingLength = header.readUInt32BE(0) & 0xffffff;
        if (type > FrameType.PONG || this.pendingLength > Math.min(this.maxReceive, this.connection?.incomingLimit?.() ?? Infinity)) {
          this.fail();
          return;
        }
        this.pendingType = type;
      }
      if (this.queue.bytes < this.pendingLength) return;
      const payload = this.pendingLength === 0 ? Buffer.alloc(0) : this.queue.take(this.pendingLength);
      const type = this.pendingType;
      this.pendingType = -1;
      this.frame(type, payload);
    }
  }

  private frame(type: number, payload: Buffer): void {
    if (type === FrameType.PING) {
      this.write(FrameType.PONG, payload);
    } else if (type === FrameType.PONG) {
      this.heartbeat.pong();
    } else {
      let message: unknown;
      try {
        message = this.serializer.decode(payload);
      } catch (error) {
        // A protocol violation (WAMP spec, "Protocol Errors"): ABORT, then drop the connection.
        this.send(protocolViolation((error as Error).message));
        this.close();
        this.gone();
        return;
      }
      this.heartbeat.heard();
      this.connection?.receive(message);
    }
  }

  /** "Fail the connection" in the spec's words: drop it without further ado. */
  private fail(): void {
    this.open = false;
    this.socket.destroy();
    this.gone();
  }

  private gone(): void {
    this.open = false;
    this.heartbeat.stop();
    const connection = this.connection;
    this.connection = undefined;
    connection?.closed();
  }
}

export interface RawSocketAcceptor {
  accept(transport: Transport): Connection;
}

/**
 * Reads the client's 4-octet handshake from a fresh TCP socket and answers it: on success the socket
 * becomes a RawSocketTransport handed to router.accept(); otherwise the client gets the spec's error
 * reply (or, for a first octet other than 0x7F, nothing) and the socket is closed.
 */
export function acceptRawSocket(socket: Socket, router: RawSocketAcceptor, limits: RawSocketLimits, info: (serializer: Serializer) => TransportInfo): void {
  socket.setNoDelay(true);
  let received = Buffer.alloc(0);
  const deadline = limits.helloTimeoutMs > 0 ? setTimeout(() => socket.destroy(), limits.helloTimeoutMs).unref() : undefined;
  const refuse = (error: number): void => {
    clearTimeout(deadline);
    socket.end(Buffer.from([MAGIC, error << 4, 0, 0]));
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  };
  const onData = (chunk: Buffer): void => {
    received = Buffer.concat([received, chunk]);
    if (received[0] !== MAGIC) {
      clearTimeout(deadline);
      socket.destroy();
      return;
    }
    if (received.length < 4) return;
    socket.off('data', onData);
    const serializer = serializerForRawSocketId(received[1] & 0x0f);
    const peerMaxLength = 2 ** ((received[1] >> 4) + MIN_LENGTH_EXPONENT);
    if (received[2] !== 0 || received[3] !== 0) return refuse(HandshakeError.RESERVED_BITS);
    if (serializer === undefined) return refuse(HandshakeError.SERIALIZER_UNSUPPORTED);
    if (peerMaxLength < MIN_PEER_MAX_LENGTH) return refuse(HandshakeError.MAX_LENGTH_UNACCEPTABLE);
    clearTimeout(deadline);
    const code = lengthCode(limits.maxMessageSize);
    socket.write(Buffer.from([MAGIC, (code << 4) | serializer.rawSocketId, 0, 0]));
    const transport = new RawSocketTransport(socket, serializer, info(serializer), limits, 2 ** (code + MIN_LENGTH_EXPONENT), peerMaxLength);
    transport.bind(router.accept(transport), received.subarray(4));
  };
  socket.on('data', onData);
  // Errors (ECONNRESET, ...) are followed by 'close', which is what ends a session.
  socket.on('error', () => {});
}
