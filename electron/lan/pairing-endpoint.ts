/**
 * The worker's side of pairing: a small HTTP server that hands out the worker's public key and
 * takes invitations (the contract is in pairing.ts). It decides nothing itself: `decide` says
 * whether an invitation (with the confirmation code both sides show) is accepted at once, refused,
 * or left to the user to confirm.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { INVITATION_PATH, MAX_PAIRING_BODY, PAIRING_PATH, parseInvitation, type Invitation, type PairingInfo } from './pairing.ts';

export type Decision = 'accepted' | 'awaiting-confirmation' | 'refused';

export interface PairingEndpointOptions {
  host: string;
  port: number;
  info: PairingInfo;
  /** Called for each well-formed, unexpired invitation while none is pending. */
  decide(invitation: Invitation): Decision;
}

export interface PairingEndpoint {
  port: number;
  /** Lets a new invitation in again (the pending one was declined, or its session ended). */
  reopen(): void;
  close(): Promise<void>;
}

export async function startPairingEndpoint(options: PairingEndpointOptions): Promise<PairingEndpoint> {
  let pending = false;
  const reply = (response: ServerResponse, status: number, body: unknown): void => {
    response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    response.end(JSON.stringify(body));
  };

  const onInvitation = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let invitation: Invitation;
    try {
      invitation = parseInvitation(JSON.parse(await readBody(request)));
    } catch (error) {
      return reply(response, 400, { error: (error as Error).message });
    }
    if (invitation.expiresAt <= Date.now()) return reply(response, 410, { error: 'the invitation has expired' });
    if (pending) return reply(response, 409, { error: 'this worker is already answering an invitation' });
    const decision = options.decide(invitation);
    if (decision === 'refused') return reply(response, 403, { error: 'the invitation was refused: the confirmation code does not match' });
    pending = true;
    reply(response, 202, { status: decision });
  };

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (request.method === 'GET' && path === PAIRING_PATH) return reply(response, 200, options.info);
    if (request.method === 'POST' && path === INVITATION_PATH) {
      onInvitation(request, response).catch(() => reply(response, 500, { error: 'internal error' }));
      return;
    }
    reply(response, 404, { error: 'not found' });
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    reopen: () => {
      pending = false;
    },
    close: () => new Promise((resolve) => {
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
