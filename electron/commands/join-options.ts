/**
 * How a command joins an external router: --realm, --authid, --authmethod, and the secret (ticket,
 * WAMP-CRA secret or Ed25519 private key) from a file only its owner can read, from stdin, or from an
 * environment variable. Never from a command-line value: argv shows up in process lists.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { REALM } from '../../shared/protocol/uris.ts';
import { REALM_NAME } from '../../shared/cluster-info.ts';
import { ED25519_PKCS8_PREFIX, checkClaimedPublicKey, parseEd25519Key } from '../../shared/ed25519-key.ts';
import type { Credentials } from '../wamp/client.ts';
import { UsageError } from './command.ts';
import { readOwnerOnlyFile } from './secret-file.ts';

export type AuthMethodName = 'anonymous' | 'ticket' | 'wampcra' | 'cryptosign';
const METHODS: readonly AuthMethodName[] = ['anonymous', 'ticket', 'wampcra', 'cryptosign'];

/** The environment variable holding the secret when no --secret-file is given. */
const SECRET_ENV = 'KILN_SECRET';
/** Older name, for tickets only (kept: scripts and tests set it). */
const TICKET_ENV = 'KILN_TICKET';
/** A secret larger than this is not a secret but a mistake (a wrong file). */
const MAX_SECRET_BYTES = 64 * 1024;

/** parseArgs options shared by every command that joins a router. */
export const JOIN_OPTIONS = {
  realm: { type: 'string' },
  authid: { type: 'string' },
  authmethod: { type: 'string' },
  'secret-file': { type: 'string' },
  'ticket-file': { type: 'string' },
} as const;

/** The usage lines for JOIN_OPTIONS. */
export const JOIN_USAGE = `  --realm NAME        the realm to join (default ${REALM})
  --authid ID         the identity to join as
  --authmethod M      ticket, wampcra or cryptosign (default: ticket when a secret is given, else anonymous)
  --secret-file PATH  the ticket, WAMP-CRA secret or Ed25519 private key (64 hex digits of seed,
                      128 of seed+public key, or PKCS#8 PEM); the file must not be readable by group
                      or others; '-' reads it from stdin. Without it: the ${SECRET_ENV} environment
                      variable (${TICKET_ENV} for a ticket). Never on the command line.`;

export interface JoinValues {
  realm?: string;
  authid?: string;
  authmethod?: string;
  'secret-file'?: string;
  'ticket-file'?: string;
}

export interface JoinSettings {
  realm: string;
  credentials: Credentials;
}

/** Reads the realm and credentials from the parsed options (and the secret from its source). */
export function joinSettingsFrom(
  values: JoinValues,
  env: NodeJS.ProcessEnv = process.env,
  readStdin: () => string = () => readFileSync(0, 'utf8'),
): JoinSettings {
  return { realm: realmFrom(values.realm), credentials: credentialsFrom(values, env, readStdin) };
}

function realmFrom(value: string | undefined): string {
  if (value === undefined) return REALM;
  if (!REALM_NAME.test(value)) throw new UsageError(`--realm must be 1-255 letters, digits, '.', '_' or '-', got '${value}'`);
  return value;
}

function credentialsFrom(values: JoinValues, env: NodeJS.ProcessEnv, readStdin: () => string): Credentials {
  if (values['secret-file'] !== undefined && values['ticket-file'] !== undefined) throw new UsageError('give --secret-file or --ticket-file, not both');
  const file = values['secret-file'] ?? values['ticket-file'];
  const flag = values['secret-file'] !== undefined ? '--secret-file' : '--ticket-file';
  const method = methodFrom(values.authmethod, values['ticket-file'] !== undefined);
  const secret = secretFrom(file, flag, readStdin) ?? secretFromEnv(env, method);
  const authid = values.authid;
  const chosen: AuthMethodName = method ?? (secret === undefined ? 'anonymous' : 'ticket');
  if (chosen === 'anonymous') {
    if (secret !== undefined && file !== undefined) throw new UsageError(`${flag} given, but --authmethod anonymous takes no secret`);
    return { method: 'anonymous', authid };
  }
  if (secret === undefined) throw new UsageError(`--authmethod ${chosen} needs a secret: --secret-file PATH, --secret-file - (stdin) or ${SECRET_ENV}`);
  if (authid === undefined || authid === '') throw new UsageError(`--authmethod ${chosen} needs --authid`);
  if (chosen === 'ticket') return { method: 'ticket', authid, ticket: secret };
  if (chosen === 'wampcra') return { method: 'wampcra', authid, secret };
  const privateKey = ed25519PrivateKey(secret);
  return { method: 'cryptosign', authid, privateKey, publicKey: ed25519PublicHex(privateKey) };
}

function methodFrom(value: string | undefined, ticketFile: boolean): AuthMethodName | undefined {
  if (value === undefined) return ticketFile ? 'ticket' : undefined;
  if (!(METHODS as readonly string[]).includes(value))
    throw new UsageError(`--authmethod must be one of ticket, wampcra, cryptosign, anonymous; got '${value}'`);
  if (ticketFile && value !== 'ticket') throw new UsageError('--ticket-file holds a ticket: use --secret-file with other methods');
  return value as AuthMethodName;
}

function secretFromEnv(env: NodeJS.ProcessEnv, method: AuthMethodName | undefined): string | undefined {
  const value = env[SECRET_ENV] ?? (method === undefined || method === 'ticket' ? env[TICKET_ENV] : undefined);
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The secret from --secret-file / --ticket-file: '-' is stdin, anything else a file only its owner can read. */
function secretFrom(file: string | undefined, flag: string, readStdin: () => string): string | undefined {
  if (file === '-') return trimmedSecret(readStdin(), 'stdin');
  if (file === undefined) return undefined;
  return trimmedSecret(readOwnerOnlyFile(file, `${flag} ${file}`, MAX_SECRET_BYTES), `${flag} ${file}`);
}

function trimmedSecret(text: string, where: string): string {
  const secret = text.trim();
  if (secret === '') throw new UsageError(`${where} is empty`);
  if (Buffer.byteLength(secret) > MAX_SECRET_BYTES) throw new UsageError(`${where} is larger than ${MAX_SECRET_BYTES} bytes: not a secret`);
  return secret;
}

/**
 * An Ed25519 private key in any of the forms shared/ed25519-key.ts reads (hex seed, libsodium's
 * seed and public key, Crossbar.io's key file); a PEM is left to node:crypto, which names the
 * algorithm of a key that is not Ed25519.
 */
export function ed25519PrivateKey(text: string): KeyObject {
  if (text.includes('-----BEGIN') && !/^\s*private-key-ed25519:/m.test(text)) {
    let key: KeyObject;
    try {
      key = createPrivateKey(text);
    } catch (error) {
      throw new UsageError(`the cryptosign key is not a readable PEM private key (${(error as Error).message})`);
    }
    if (key.asymmetricKeyType !== 'ed25519') throw new UsageError(`the cryptosign key is ${key.asymmetricKeyType}, not Ed25519`);
    return key;
  }
  try {
    const parsed = parseEd25519Key(text);
    const key = createPrivateKey({ key: Buffer.from(ED25519_PKCS8_PREFIX + parsed.seedHex, 'hex'), format: 'der', type: 'pkcs8' });
    checkClaimedPublicKey(parsed, ed25519PublicHex(key));
    return key;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The raw public key (64 hex) that HELLO announces: the last 32 bytes of its SubjectPublicKeyInfo. */
function ed25519PublicHex(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
}
