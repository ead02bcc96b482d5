/**
 * A hostile donor as a stranger would run one: a minimal WAMP client over a real WebSocket (ws +
 * MessagePack, no autobahn in between), so a test can send exactly the frames an attacker would,
 * authenticated as compute through a real join invite (WAMP-CRA as invite:<id>).
 */
import { createHmac } from 'node:crypto';
import { Packr } from 'msgpackr';
import WebSocket from 'ws';

const packr = new Packr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' } as ConstructorParameters<typeof Packr>[0]);

export type Message = unknown[];

export interface Invitation {
  inviteId: string;
  secret: string;
}

/** An invocation the donor received: its request id and the slice's keyword arguments. */
export interface Invocation {
  request: number;
  kwargs: Record<string, unknown>;
}

export class HostileDonor {
  readonly received: Message[] = [];
  sessionId = 0;
  private nextRequest = 1;
  private waiters: Array<() => void> = [];
  private closedWith: { code: number; reason: string } | null = null;
  onInvocation: (invocation: Invocation) => void = () => {};

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const message = packr.unpack(data) as Message;
      this.received.push(message);
      if (message[0] === 68) this.onInvocation({ request: message[1] as number, kwargs: (message[5] ?? {}) as Record<string, unknown> });
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closedWith = { code, reason: reason.toString() };
      this.wake();
    });
    ws.on('error', () => {});
  }

  /** Opens the WebSocket only (no HELLO yet). `autoPong: false` makes a peer that never answers pings. */
  static open(url: string, options: { autoPong?: boolean } = {}): Promise<HostileDonor> {
    return new Promise((resolve, reject) => {
      // A zero mask makes ws skip masking: large frames cost the attacker (this test process) nothing
      // to send, so what the test measures is the router's cost.
      const ws = new WebSocket(url, ['wamp.2.msgpack'], { autoPong: options.autoPong ?? true, maxPayload: 0, generateMask: (mask) => mask.fill(0) });
      ws.once('open', () => resolve(new HostileDonor(ws)));
      ws.once('error', reject);
    });
  }

  /** Joins realm kiln as a donor through the invite, announcing call_canceling (so it sees INTERRUPTs). */
  static async join(url: string, invite: Invitation, options: { autoPong?: boolean } = {}): Promise<HostileDonor> {
    const donor = await HostileDonor.open(url, options);
    donor.send([
      1,
      'kiln',
      {
        roles: { caller: {}, callee: { features: { call_canceling: true } }, publisher: {}, subscriber: {} },
        authmethods: ['wampcra'],
        authid: `invite:${invite.inviteId}`,
      },
    ]);
    const challenge = await donor.next((m) => m[0] === 4 || m[0] === 3);
    if (challenge[0] === 3) throw new Error(`refused: ${JSON.stringify(challenge)}`);
    const extra = challenge[2] as { challenge: string };
    donor.send([5, createHmac('sha256', invite.secret).update(extra.challenge).digest('base64'), {}]);
    const welcome = await donor.next((m) => m[0] === 2 || m[0] === 3);
    if (welcome[0] === 3) throw new Error(`refused: ${JSON.stringify(welcome)}`);
    donor.sessionId = welcome[1] as number;
    return donor;
  }

  send(message: Message): void {
    this.ws.send(packr.pack(message));
  }

  /** The first message (received so far or later) matching `predicate`; rejects if the connection closes first. */
  async next(predicate: (message: Message) => boolean, timeoutMs = 20_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found) return found;
      if (this.closedWith) throw new Error(`connection closed (${this.closedWith.code} ${this.closedWith.reason}) before the message came`);
      if (Date.now() > deadline) throw new Error('timed out waiting for a message');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  /** Resolves with the close code once the router has closed the connection. */
  async closed(timeoutMs = 20_000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closedWith) {
      if (Date.now() > deadline) throw new Error('the connection stayed open');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return this.closedWith;
  }

  get isClosed(): boolean {
    return this.closedWith !== null;
  }

  /** REGISTER; resolves with REGISTERED's registration id or the ERROR's [uri, message]. */
  async register(procedure: string, options: Record<string, unknown>): Promise<{ registered: number } | { error: string; message: string }> {
    const request = this.nextRequest++;
    this.send([64, request, options, procedure]);
    const answer = await this.next((m) => (m[0] === 65 && m[1] === request) || (m[0] === 8 && m[1] === 64 && m[2] === request));
    if (answer[0] === 65) return { registered: answer[2] as number };
    return { error: answer[4] as string, message: (answer[5] as string[] | undefined)?.[0] ?? '' };
  }

  /** Registers this session's own kiln.anneal.<id>, as Kiln's callee does. */
  async registerAnneal(concurrency: number): Promise<void> {
    const outcome = await this.register(`kiln.anneal.${this.sessionId}`, { concurrency });
    if (!('registered' in outcome)) throw new Error(`registration refused: ${outcome.error} ${outcome.message}`);
  }

  /** CALL with keyword arguments; resolves with RESULT's first argument or keyword arguments, or the ERROR's [uri, message]. */
  async call(
    procedure: string,
    kwargs: Record<string, unknown>,
    options: Record<string, unknown> = {},
  ): Promise<{ result: unknown } | { error: string; message: string }> {
    const request = this.nextRequest++;
    this.send([48, request, options, procedure, [], kwargs]);
    const answer = await this.next((m) => (m[0] === 50 && m[1] === request) || (m[0] === 8 && m[1] === 48 && m[2] === request));
    if (answer[0] === 50) return { result: (answer[3] as unknown[] | undefined)?.[0] ?? answer[4] };
    return { error: answer[4] as string, message: (answer[5] as string[] | undefined)?.[0] ?? '' };
  }

  publish(topic: string, args: unknown[], options: Record<string, unknown> = {}): void {
    this.send([16, this.nextRequest++, options, topic, args]);
  }

  yield(request: number, kwargs: Record<string, unknown>): void {
    this.send([70, request, {}, [], kwargs]);
  }

  /** MessagePack bytes of a value, packed once by a test that sends it many times. */
  static pack(value: unknown): Buffer {
    return packr.pack(value);
  }

  /** YIELD with keyword arguments already packed (see pack): a large answer costs the sender no encoding. */
  yieldPacked(request: number, packedKwargs: Buffer): void {
    const head = packr.pack([70, request, {}, []]);
    head[0] = 0x95; // the array has five elements: the packed kwargs follow
    this.ws.send(Buffer.concat([head, packedKwargs]));
  }

  error(request: number, uri: string, message: string): void {
    this.send([8, 68, request, {}, uri, [message]]);
  }

  /** INTERRUPTs the router sent for this donor's invocations (a caller's CANCEL). */
  interrupts(): number[] {
    return this.received.filter((m) => m[0] === 69).map((m) => m[1] as number);
  }

  close(): void {
    this.ws.terminate();
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}
