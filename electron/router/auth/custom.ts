/**
 * Custom authentication methods. Any object implementing AuthMethod can be put in a realm's `auth`
 * list as it is; customAuth() only adds what a hand-written method tends to forget:
 *   - a thrown error or rejected promise, in hello() or authenticate(), becomes ABORT
 *     wamp.error.authentication_failed ("fail secure"), and its text, which may quote a credential,
 *     goes nowhere;
 *   - the method name is checked to be a usable authmethod.
 * For "ask for a ticket-like secret, then check it with an async function", use ticketAuth's verify
 * hook instead: that is exactly WAMP-Ticket.
 */
import type { AuthMethod } from '../types.ts';
import { failSecure } from './common.ts';

// Authmethod names are short identifiers ("ticket", "x-kiln-pairing"); clients match them exactly.
const NAME = /^[a-z][a-z0-9_-]{0,63}$/;

export function customAuth(name: string, hooks: Pick<AuthMethod, 'hello' | 'authenticate'>): AuthMethod {
  if (!NAME.test(name)) throw new TypeError(`customAuth: ${JSON.stringify(name)} is not a usable authmethod name`);
  const { hello, authenticate } = hooks;
  const method: AuthMethod = {
    name,
    async hello(context) {
      const outcome = await failSecure(`${name} authentication`, () => hello.call(hooks, context));
      return outcome.ok ? outcome.value : outcome.reject;
    },
  };
  if (authenticate !== undefined) {
    method.authenticate = async (signature, extra, state, context) => {
      const outcome = await failSecure(`${name} authentication`, () => authenticate.call(hooks, signature, extra, state, context));
      return outcome.ok ? outcome.value : outcome.reject;
    };
  }
  return method;
}
