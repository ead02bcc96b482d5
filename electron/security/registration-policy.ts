/**
 * What a compute session may register, beyond its role's permission on kiln.anneal.*: exactly its own
 * procedure, kiln.anneal.<its session id>, as Kiln's callee registers it (exact match, invocation
 * policy single, a concurrency of 1..MAX_CALLEE_CONCURRENCY, no other option). So no donor can take
 * another's slices (an `invoke: single` registration of a shared procedure took every slice before),
 * claim more threads than the router would let it hold, or register anything else. Other roles
 * are governed by their permissions alone.
 */
import { MAX_CALLEE_CONCURRENCY, Roles, annealProcedure } from '../../shared/protocol/uris.ts';
import type { RegistrationPolicy } from '../router/types.ts';

const ALLOWED_OPTIONS = new Set(['match', 'invoke', 'concurrency']);

export const kilnRegistrationPolicy: RegistrationPolicy = (session, procedure, options) => {
  if (session.authrole !== Roles.compute) return undefined;
  const own = annealProcedure(session.session);
  if (procedure !== own) return `a compute session may register only its own ${own}, not ${procedure}`;
  const extra = Object.keys(options).filter((key) => !ALLOWED_OPTIONS.has(key));
  if (extra.length > 0) return `${own}: REGISTER option ${extra.slice(0, 3).join(', ')} is not allowed for compute sessions`;
  if ((options.match ?? 'exact') !== 'exact') return `${own}: only match 'exact' is allowed for compute sessions`;
  if ((options.invoke ?? 'single') !== 'single') return `${own}: only invocation policy 'single' is allowed for compute sessions`;
  const { concurrency } = options;
  if (!Number.isInteger(concurrency) || (concurrency as number) < 1 || (concurrency as number) > MAX_CALLEE_CONCURRENCY)
    return `${own}: concurrency must be an integer from 1 to ${MAX_CALLEE_CONCURRENCY} (the callee's threads)`;
  return undefined;
};
