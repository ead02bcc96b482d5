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

/** The AUTHENTICATE signature for a wampcra CHALLENGE.Extra; throws, saying what, on a malformed or unbounded one. */
export function craAnswer(extra: unknown, secret: string, crypto: CraPrimitives): string {
  const { challenge, salt, iterations, keylen } = (typeof extra === 'object' && extra !== null ? extra : {}) as Record<string, unknown>;
  if (typeof challenge !== 'string') throw new Error('the router sent a WAMP-CRA challenge without a challenge string');
  if (salt !== undefined && typeof salt !== 'string') throw new Error('the router sent a WAMP-CRA salt that is not a string');
  // An unsalted secret is the HMAC key itself; autobahn treats an empty salt alike.
  const key = salt
    ? crypto.deriveKey(secret, salt, bounded('iterations', iterations, 1000, CRA_MAX_ITERATIONS), bounded('keylen', keylen, 32, CRA_MAX_KEYLEN))
    : secret;
  return crypto.hmacSha256(key, challenge);
}

/** A salting parameter: the default when absent (autobahn's and Crossbar.io's), else a whole number from 1 to max. */
function bounded(name: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max)
    throw new Error(`the router sent a WAMP-CRA ${name} of ${JSON.stringify(value)}: a whole number from 1 to ${max} was expected`);
  return value;
}
