/**
 * Certificate fingerprints as people compare them: Kiln carries SHA-256 fingerprints as 64 lowercase
 * hex digits; browsers' certificate viewers and openssl show them as colon-separated upper-case pairs.
 */

const HEX_FINGERPRINT = /^[0-9a-f]{64}$/;

/** The hex form of a fingerprint given either way, or null when it is not a SHA-256 fingerprint. */
export function normalizeFingerprint(value: string): string | null {
  const hex = value.replaceAll(':', '').toLowerCase();
  return HEX_FINGERPRINT.test(hex) ? hex : null;
}

/** AB:CD:... for display. */
export function colonFingerprint(hex: string): string {
  return hex.toUpperCase().match(/../g)!.join(':');
}
