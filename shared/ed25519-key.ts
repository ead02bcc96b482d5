/**
 * An Ed25519 private key (WAMP-Cryptosign) as operators keep them, read without a crypto library so
 * that the CLI's --secret-file (join-options.ts) and the cluster page's sign-in accept the same texts:
 * - the 32-byte seed in hex (as `crossbar keys` and autobahn's SigningKey write it);
 * - libsodium's 64-byte secret key in hex (the seed, then the public key);
 * - Crossbar.io's key file (`private-key-ed25519: <hex>`, with `public-key-ed25519: <hex>`);
 * - an unencrypted PKCS#8 PEM (`openssl genpkey -algorithm ed25519`).
 * Where the text also names the public key, the caller (who can derive one) checks it (claimedPublicKey).
 */

/** DER prefix of an Ed25519 PKCS#8 private key (RFC 8410); the 32-byte seed follows it. */
export const ED25519_PKCS8_PREFIX = '302e020100300506032b657004220420';

/** Longest key text read (a PEM is about 120 characters, a Crossbar.io key file a few hundred). */
export const MAX_KEY_TEXT = 16 * 1024;

export interface Ed25519KeyText {
  /** The 32-byte seed, lower-case hex. */
  seedHex: string;
  /** The public key the text names beside the seed (lower-case hex), to check against the one derived. */
  claimedPublicKey?: string;
}

const FORMATS = '64 or 128 hex digits, a Crossbar.io key file (private-key-ed25519: …) or a PKCS#8 PEM Ed25519 private key';

/** The seed in `text`, or an Error saying in words what is wrong with it. */
export function parseEd25519Key(text: string): Ed25519KeyText {
  if (text.length > MAX_KEY_TEXT) throw new Error(`the cryptosign key is longer than ${MAX_KEY_TEXT} characters: not a key`);
  const hex = text.replace(/\s+/g, '');
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return { seedHex: hex.toLowerCase() };
  if (/^[0-9a-fA-F]{128}$/.test(hex)) return { seedHex: hex.slice(0, 64).toLowerCase(), claimedPublicKey: hex.slice(64).toLowerCase() };
  const tagged = /^\s*private-key-ed25519:\s*([0-9a-fA-F]*)\s*$/m.exec(text);
  if (tagged) {
    if (tagged[1].length !== 64) throw new Error("the key file's private-key-ed25519 is not 64 hex digits");
    const pub = /^\s*public-key-ed25519:\s*([0-9a-fA-F]{64})\s*$/m.exec(text)?.[1];
    return { seedHex: tagged[1].toLowerCase(), claimedPublicKey: pub?.toLowerCase() };
  }
  if (text.includes('-----BEGIN')) return { seedHex: seedOfPem(text) };
  throw new Error(`the cryptosign key must be ${FORMATS}`);
}

/** Throws unless the public key derived from the seed is the one the text named (if any). */
export function checkClaimedPublicKey(key: Ed25519KeyText, derivedHex: string): void {
  if (key.claimedPublicKey !== undefined && key.claimedPublicKey !== derivedHex.toLowerCase())
    throw new Error("the Ed25519 key's public half is not the public key of its private half (seed)");
}

function seedOfPem(text: string): string {
  const block = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (!block) throw new Error('the cryptosign key is not a complete PEM block (-----BEGIN … -----END …)');
  if (block[1] === 'ENCRYPTED PRIVATE KEY') throw new Error('the PEM key is encrypted: decrypt it first (openssl pkey -in KEY -out PLAIN)');
  if (block[1] !== 'PRIVATE KEY') throw new Error(`the PEM block is a ${block[1]}, not a PKCS#8 PRIVATE KEY (Ed25519)`);
  let der: string;
  try {
    der = [...atob(block[2].replace(/\s+/g, ''))].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
  } catch {
    throw new Error('the PEM key is not valid base64');
  }
  if (der.length !== ED25519_PKCS8_PREFIX.length + 64 || !der.startsWith(ED25519_PKCS8_PREFIX))
    throw new Error('the PEM key is not an Ed25519 private key (PKCS#8, algorithm 1.3.101.112)');
  return der.slice(ED25519_PKCS8_PREFIX.length);
}

export function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

export function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
