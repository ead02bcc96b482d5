import type { Connection, Limits, Transport } from '../../electron/router/types.ts';

/** A Connection that records what its transport delivers, and can answer through the transport. */
export class RecordingConnection implements Connection {
  readonly received: unknown[] = [];
  closedCalls = 0;
  /** Called for each message; by default nothing is answered. */
  onMessage: (message: unknown, transport: Transport) => void = () => {};
  private waiters: Array<() => void> = [];

  constructor(readonly transport: Transport) {}

  receive(message: unknown): void {
    this.received.push(message);
    this.onMessage(message, this.transport);
    this.wake();
  }

  closed(): void {
    this.closedCalls++;
    this.wake();
  }

  /** Resolves once `predicate` holds after a delivery or close (or at once if it holds now). */
  async until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the connection');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** A router stand-in: accepts every transport with a RecordingConnection. */
export class StubRouter {
  readonly connections: RecordingConnection[] = [];
  onMessage: RecordingConnection['onMessage'] = () => {};

  accept(transport: Transport): RecordingConnection {
    const connection = new RecordingConnection(transport);
    connection.onMessage = (message, t) => this.onMessage(message, t);
    this.connections.push(connection);
    return connection;
  }

  async nextConnection(index: number, timeoutMs = 5000): Promise<RecordingConnection> {
    const deadline = Date.now() + timeoutMs;
    while (this.connections.length <= index) {
      if (Date.now() > deadline) throw new Error('no connection accepted');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.connections[index];
  }
}

export const testLimits = (overrides: Partial<Limits> = {}): Limits => ({
  maxMessageSize: 64 * 1024,
  maxHelloSize: 64 * 1024,
  maxSessions: 100,
  maxOutgoingBuffer: 256 * 1024,
  maxCallQueue: 0,
  pingIntervalMs: 0,
  pingTimeoutMs: 0,
  helloTimeoutMs: 5000,
  uriCheck: 'strict',
  emulate: 'kiln',
  ...overrides,
});
