/**
 * A real ComputeCallee over its own WebSocket to a test's Kiln, whose threads the test scripts (recording what
 * they are dealt, answering as the test says); closed with the Kiln.
 */
import { makeWampError } from '../../electron/wamp/client.ts';
import { ComputeCallee } from '../../shared/compute/callee.ts';
import { SlicePool, type ComputeThread } from '../../shared/compute/pool.ts';
import type { WampSession } from '../../shared/wamp.ts';
import type { GuardedKiln } from '../security/fixture.ts';
import { join } from './kiln-process.ts';

/** Joins `guarded`'s Kiln as worker `workerId` with `cores` threads made by `makeThread`; its close also ends the callee. */
export async function threadCallee(guarded: GuardedKiln, workerId: string, cores: number, makeThread: () => ComputeThread): Promise<WampSession> {
  const { kiln } = guarded;
  const pool = new SlicePool(cores, makeThread);
  const { session, client } = await join(kiln.routerUrl, { method: 'ticket', ...kiln.credentials.compute });
  const callee = new ComputeCallee(session, pool, makeWampError, { workerId, host: 'test', kind: 'node', cores, version: 'test' });
  await callee.start();
  const close = guarded.close;
  guarded.close = async () => {
    await callee.stop();
    await client.close();
    await pool.close();
    await close();
  };
  return session;
}
