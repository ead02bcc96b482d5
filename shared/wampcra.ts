/**
 * The answer to a WAMP-CRA CHALLENGE, for the Node client (electron/wamp/client.ts, node:crypto) and the
 * pages (renderer/src/lib/wamp/cra.ts, autobahn's CryptoJS): base64(HMAC-SHA256(key, challenge)), the key
 * being the secret itself or, when the router salts it, base64(PBKDF2-HMAC-SHA256(secret, salt,
 * iterations, keylen)); the HMAC key is the UTF-8 bytes of that text, as autobahn, Crossbar.io and Kiln's
 * router have it. Each side brings its own primitives; the reading of CHALLENGE.Extra, its defaults and
 * its bounds are written once, here.
 */

/** The two hashes WAMP-CRA needs; every string is taken as UTF-8 and every result is base64. */
export interface CraPrimitives {
  /** base64(PBKDF2-HMAC-SHA256(password, salt, iterations, keylen bytes)). */
  deriveKey(password: string, salt: string, iterations: number, keylen: number): string;
  /** base64(HMAC-SHA256(key, message)). */
  hmacSha256(key: string, message: string): string;
}

/** Beyond these a router asks for work no client should do (a stranger's router could ask for 2^31 iterations). */
export const CRA_MAX_ITERATIONS = 1_000_000;
export const CRA_MAX_KEYLEN = 256;
/**
 * PBKDF2-HMAC-SHA256 runs its iterations once per 32-byte block of the key: iterations × ceil(keylen / 32)
 * HMAC rounds, all blocking the client's event loop. This many is about a second on a slow machine
 * (each bound alone allowed 8,000,000: seconds with the UI or the worker frozen).
 */
export const CRA_MAX_ROUNDS = 1_000_000;
/** The most of a value the router sent that an error message quotes. */
const MAX_QUOTED = 80;

/** The AUTHENTICATE signature for a wampcra CHALLENGE.Extra; throws, saying what, on a malformed or unbounded one. */
export function craAnswer(extra: unknown, secret: string, crypto: CraPrimitives): string {
  const { challenge, salt, iterations, keylen } = (typeof extra === 'object' && extra !== null ? extra : {}) as Record<string, unknown>;
  if (typeof challenge !== 'string') throw new Error('the router sent a WAMP-CRA challenge without a challenge string');
  if (salt !== undefined && typeof salt !== 'string') throw new Error('the router sent a WAMP-CRA salt that is not a string');
  // An unsalted secret is the HMAC key itself; autobahn treats an empty salt alike.
  if (!salt) return crypto.hmacSha256(secret, challenge);
  const rounds = bounded('iterations', iterations, 1000, CRA_MAX_ITERATIONS);
  const bytes = bounded('keylen', keylen, 32, CRA_MAX_KEYLEN);
  const work = rounds * Math.ceil(bytes / 32);
  if (work > CRA_MAX_ROUNDS)
    throw new Error(
      `the router sent WAMP-CRA iterations of ${rounds} with a keylen of ${bytes}: ${work} PBKDF2 rounds (iterations × blocks of 32 bytes), over the limit of ${CRA_MAX_ROUNDS}`,
    );
  return crypto.hmacSha256(crypto.deriveKey(secret, salt, rounds, bytes), challenge);
}

/** A value the router sent, as JSON cut to MAX_QUOTED characters: a hostile router must not fill the client's errors and logs. */
export function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED - 1)}…` : text;
}

/** A salting parameter: the default when absent (autobahn's and Crossbar.io's), else a whole number from 1 to max. */
function bounded(name: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max)
    throw new Error(`the router sent a WAMP-CRA ${name} of ${quoted(value)}: a whole number from 1 to ${max} was expected`);
  return value;
}
