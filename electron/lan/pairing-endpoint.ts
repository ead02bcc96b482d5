/**
 * The worker's side of pairing: a small HTTP server that proves the worker holds its key (signing
 * each caller's fresh nonce) and takes signed invitations and nonce reveals (the contract is in
 * pairing.ts). It checks what needs no state (shape, signature, addressee, expiry) and leaves every
 * decision to its handlers (offer.ts), so a malformed or forged request never touches a pending one.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkerKey } from './keys.ts';
import { endpointName, possessionMessage, signHex, verifyHex } from './pairing-crypto.ts';
import {
  INVITATION_PATH,
  MAX_INVITATION_TTL_MS,
  MAX_PAIRING_BODY,
  PAIRING_PATH,
  REVEAL_PATH,
  invitationBytes,
  parseInvitation,
  parseNonce,
  type Invitation,
  type PairingInfo,
} from './pairing.ts';
import { isRecord } from '../../shared/protocol/validate.ts';

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export interface PairingEndpointOptions {
  host: string;
  port: number;
  key: WorkerKey;
  info: Omit<PairingInfo, 'publicKey' | 'agreementKey' | 'proof'>;
  /** A well-formed invitation for this worker, signed by the key it names, not expired. */
  onInvitation(invitation: Invitation, bytes: string): Answer;
  onReveal(inviteId: string, nonce: string): Answer;
}

export interface PairingEndpoint {
  port: number;
  close(): Promise<void>;
}

export async function startPairingEndpoint(options: PairingEndpointOptions): Promise<PairingEndpoint> {
  const { key } = options;
  const reply = (response: ServerResponse, { status, body }: Answer): void => {
    response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    response.end(JSON.stringify(body));
  };
  const refuse = (status: number, error: string): Answer => ({ status, body: { error } });

  const info = (request: IncomingMessage, url: URL): Answer => {
    let nonce: string;
    try {
      nonce = parseNonce(url.searchParams.get('nonce') ?? undefined, 'nonce');
    } catch (error) {
      return refuse(400, (error as Error).message);
    }
    // Where this request reached us: a proof relayed through another host names our address, not its.
    const endpoint = endpointName(request.socket.localAddress ?? '', request.socket.localPort ?? 0);
    const proof = signHex(key.privateKey, possessionMessage(nonce, key.publicKey, key.agreementKey, endpoint));
    return { status: 200, body: { ...options.info, publicKey: key.publicKey, agreementKey: key.agreementKey, proof } };
  };

  const invitation = (body: unknown): Answer => {
    let parsed: Invitation;
    try {
      parsed = parseInvitation(body);
    } catch (error) {
      return refuse(400, (error as Error).message);
    }
    const bytes = invitationBytes(parsed);
    if (!verifyHex(parsed.controlCenterKey, bytes, parsed.signature)) return refuse(400, 'the invitation is not signed by the control center key it names');
    if (parsed.workerKey !== key.publicKey) return refuse(400, "the invitation is for another worker's key");
    const now = Date.now();
    if (parsed.expiresAt <= now) return refuse(410, 'the invitation has expired');
    if (parsed.expiresAt > now + MAX_INVITATION_TTL_MS)
      return refuse(400, `the invitation claims to be valid for more than ${MAX_INVITATION_TTL_MS / 60_000} minutes`);
    return options.onInvitation(parsed, bytes);
  };

  const reveal = (body: unknown): Answer => {
    if (!isRecord(body) || typeof body.inviteId !== 'string' || body.inviteId.length > 128) return refuse(400, 'reveal: expected { inviteId, nonce }');
    try {
      return options.onReveal(body.inviteId, parseNonce(body.nonce, 'reveal.nonce'));
    } catch (error) {
      return refuse(400, (error as Error).message);
    }
  };

  const posted = async (request: IncomingMessage, response: ServerResponse, handle: (body: unknown) => Answer): Promise<void> => {
    let body: unknown;
    try {
      body = JSON.parse(await readBody(request));
    } catch (error) {
      return reply(response, refuse(400, error instanceof SyntaxError ? 'the body is not JSON' : (error as Error).message));
    }
    reply(response, handle(body));
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const fail = (): void => reply(response, refuse(500, 'internal error'));
    if (request.method === 'GET' && url.pathname === PAIRING_PATH) return reply(response, info(request, url));
    if (request.method === 'POST' && url.pathname === INVITATION_PATH) return void posted(request, response, invitation).catch(fail);
    if (request.method === 'POST' && url.pathname === REVEAL_PATH) return void posted(request, response, reveal).catch(fail);
    reply(response, refuse(404, 'not found'));
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PAIRING_BODY) {
        reject(new Error(`the body exceeds ${MAX_PAIRING_BODY} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
