/**
 * A self-signed X.509 certificate for `kiln serve --tls`, made with node:crypto alone: an ECDSA P-256
 * key (what every browser and Node accept) and a v3 certificate naming it. Nobody can vouch for it,
 * so trust comes from its SHA-256 fingerprint, which travels in invite links and invitations.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { bitString, explicit, objectIdentifier, octetString, sequence, set, time, tlv, unsignedInteger, utf8String } from './der.ts';

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const COMMON_NAME = '2.5.4.3';
const SUBJECT_ALT_NAME = '2.5.29.17';
const VALIDITY_YEARS = 10;

export interface PemPair {
  cert: string;
  key: string;
}

/** `names` go in subjectAltName as DNS names (browsers show them; the pin, not the name, is what Node checks). */
export function createSelfSignedCertificate(commonName: string, names: string[] = ['localhost'], now = new Date()): PemPair {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const algorithm = sequence(objectIdentifier(ECDSA_WITH_SHA256));
  const name = sequence(set(sequence(objectIdentifier(COMMON_NAME), utf8String(commonName))));
  const until = new Date(now);
  until.setUTCFullYear(until.getUTCFullYear() + VALIDITY_YEARS);
  // dNSName is [2] IMPLICIT IA5String.
  const altNames = sequence(...names.map((dns) => tlv(0x82, Buffer.from(dns, 'ascii'))));
  const extensions = explicit(3, sequence(sequence(objectIdentifier(SUBJECT_ALT_NAME), octetString(altNames))));
  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))), // v3
    unsignedInteger(randomBytes(16)),
    algorithm,
    name,
    sequence(time(new Date(now.getTime() - 60_000)), time(until)), // a minute back: clocks on the LAN differ
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  const certificate = sequence(tbs, algorithm, bitString(sign('sha256', tbs, privateKey)));
  return { cert: pem('CERTIFICATE', certificate), key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

function pem(label: string, der: Buffer): string {
  const lines = der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n');
  return `-----BEGIN ${label}-----\n${lines}\n-----END ${label}-----\n`;
}
