/**
 * The control center's side of pairing: has a worker prove it holds its key (at the address asked),
 * sends it a signed invitation, and reveals the nonce the invitation committed to.
 */
import { randomBytes } from 'node:crypto';
import { endpointName, possessionMessage, verifyHex } from './pairing-crypto.ts';
import { INVITATION_PATH, MAX_PAIRING_BODY, PAIRING_PATH, REVEAL_PATH, parsePairingInfo, type Invitation, type PairingInfo } from './pairing.ts';

const TIMEOUT_MS = 3000;

function endpoint(address: string, port: number, path: string): string {
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}${path}`;
}

/** The answer's body, read only up to MAX_PAIRING_BODY bytes: anything on the LAN can pose as a worker. */
async function readJson(response: Response): Promise<unknown> {
  const tooBig = (): Error => new Error(`the worker's answer exceeds ${MAX_PAIRING_BODY} bytes`);
  if (Number(response.headers.get('content-length') ?? 0) > MAX_PAIRING_BODY) {
    await response.body?.cancel();
    throw tooBig();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body) {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      // Leaving the loop cancels the stream: the rest is never read.
      if (size > MAX_PAIRING_BODY) throw tooBig();
      chunks.push(chunk);
    }
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('the worker answered with something that is not JSON');
  }
}

/**
 * The worker at address:port, once it has signed a fresh nonce with the key it names, for that very
 * address and port: serving a copy of someone's public key, or relaying their proof, does not pass.
 */
export async function proveWorker(address: string, port: number): Promise<PairingInfo> {
  const nonce = randomBytes(32).toString('hex');
  const response = await fetch(`${endpoint(address, port, PAIRING_PATH)}?nonce=${nonce}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!response.ok) throw new Error(`the worker's pairing endpoint answered ${response.status}`);
  const info = parsePairingInfo(await readJson(response));
  if (!verifyHex(info.publicKey, possessionMessage(nonce, info.publicKey, info.agreementKey, endpointName(address, port)), info.proof)) {
    throw new Error(`the machine at ${endpointName(address, port)} did not prove it holds the key it names`);
  }
  return info;
}

async function post(address: string, port: number, path: string, what: string, payload: unknown): Promise<Record<string, string>> {
  const response = await fetch(endpoint(address, port, path), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(payload),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const body = await readJson(response);
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(body !== null && typeof body === 'object' ? body : {}))
    if (typeof value === 'string') fields[name] = value.slice(0, 300);
  if (response.status !== 202) throw new Error(`the worker refused the ${what} (${response.status}): ${fields.error ?? 'no reason given'}`);
  return fields;
}

/** Sends the signed invitation; resolves with the worker's answer ({ status, workerNonce? }), or throws with its reason. */
export function sendInvitation(address: string, port: number, invitation: Invitation): Promise<Record<string, string>> {
  return post(address, port, INVITATION_PATH, 'invitation', invitation);
}

/** Reveals the nonce the invitation committed to; the worker then shows the code. */
export async function sendReveal(address: string, port: number, inviteId: string, nonce: string): Promise<void> {
  await post(address, port, REVEAL_PATH, 'reveal', { inviteId, nonce });
}
