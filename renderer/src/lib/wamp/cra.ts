/** WAMP-CRA answers for pages: the control center's cluster sign-in and the join page's invite. */
import autobahn from 'autobahn-browser';
import { craAnswer, type CraPrimitives } from '../../../../shared/wampcra.ts';

/** The page's hashes: autobahn's (CryptoJS), synchronous as autobahn's onchallenge wants them. */
const pageCrypto: CraPrimitives = { deriveKey: autobahn.auth_cra.derive_key, hmacSha256: autobahn.auth_cra.sign };

/** The signature of the router's CHALLENGE.Extra; a salted secret is first derived as the router expects. */
export function signCraChallenge(secret: string, extra: unknown): string {
  return craAnswer(extra, secret, pageCrypto);
}
