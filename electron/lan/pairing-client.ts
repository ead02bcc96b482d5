/** The control center's side of pairing: reads a worker's public key and sends it an invitation. */
import { INVITATION_PATH, MAX_PAIRING_BODY, PAIRING_PATH, parsePairingInfo, type Invitation, type PairingInfo } from './pairing.ts';

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

export async function fetchPairingInfo(address: string, port: number): Promise<PairingInfo> {
  const response = await fetch(endpoint(address, port, PAIRING_PATH), { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!response.ok) throw new Error(`the worker's pairing endpoint answered ${response.status}`);
  return parsePairingInfo(await readJson(response));
}

/** Sends the invitation; resolves with the worker's status, or throws with the worker's reason. */
export async function sendInvitation(address: string, port: number, invitation: Invitation): Promise<string> {
  const response = await fetch(endpoint(address, port, INVITATION_PATH), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(invitation),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const body = await readJson(response);
  const field = (name: string): string | undefined => {
    const value = (body as Record<string, unknown> | null)?.[name];
    return typeof value === 'string' ? value.slice(0, 300) : undefined;
  };
  if (response.status !== 202) throw new Error(`the worker refused the invitation (${response.status}): ${field('error') ?? 'no reason given'}`);
  return field('status') ?? 'accepted';
}
