/**
 * The part of autobahn-browser the join page needs beyond what the control center's typings
 * declare: autobahn.Error for errors an endpoint throws. One cast, here.
 */
import autobahn from 'autobahn-browser';
import type { ErrorFactory } from '../../../shared/wamp.ts';

interface Extras {
  Error: new (uri: string, args: unknown[]) => unknown;
}

const extras = autobahn as unknown as Extras;

export const makeWampError: ErrorFactory = (uri, message) => new extras.Error(uri, [message]);
