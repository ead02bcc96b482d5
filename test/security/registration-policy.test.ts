/**
 * Attack 3 of issue 11: the compute role could register kiln.anneal with any invocation policy; a donor
 * that registered `invoke: single` first took every slice, and the honest `kiln worker --join` then
 * exited with `[object Object] (kiln.error.start_failed)`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { REALM } from '../../shared/protocol/uris.ts';
import { openWampClient } from '../../electron/wamp/client.ts';
import { KilnProcess } from '../helpers/kiln-process.ts';
import { expectValidFinishedRun, honestAnswer, randomProblem, solve, until, guardedKilnPerTest } from './fixture.ts';

const KILN = fileURLToPath(new URL('../../bin/kiln.mjs', import.meta.url));

const startGuarded = guardedKilnPerTest();
let worker: KilnProcess | null = null;
// Registered after the Kiln's own: runs before it closes.
afterEach(async () => {
  await worker?.stop();
  worker = null;
});

describe('registration policy for compute sessions', () => {
  it('refuses every REGISTER but its own kiln.anneal.<session> as Kiln registers it, saying why; the honest kiln worker --join still joins and gets slices', async () => {
    const guarded = await startGuarded({ threads: 0 });
    const donor = await guarded.donor();
    const own = `kiln.anneal.${donor.sessionId}`;
    const refusals: Array<[string, Record<string, unknown>, RegExp]> = [
      ['kiln.anneal', { invoke: 'single' }, /may register only its own kiln\.anneal\.\d+, not kiln\.anneal$/],
      [`kiln.anneal.${donor.sessionId + 1}`, { concurrency: 1 }, /may register only its own/],
      ['kiln.anneal.', { match: 'prefix', concurrency: 1 }, /may register only its own/],
      [own, { invoke: 'roundrobin', concurrency: 1 }, /only invocation policy 'single'/],
      [own, { concurrency: 100_000 }, /concurrency must be an integer from 1 to 256/],
      [own, {}, /concurrency must be an integer/],
      [own, { concurrency: 1, force_reregister: true }, /option force_reregister is not allowed/],
      ['kiln.solve.start', { concurrency: 1 }, /not authorized to register kiln\.solve\.start|may register only its own/],
    ];
    for (const [procedure, options, reason] of refusals) {
      const outcome = await donor.register(procedure, options);
      expect(outcome).toEqual({ error: 'wamp.error.not_authorized', message: expect.stringMatching(reason) });
    }
    donor.onInvocation = (invocation) => donor.yield(invocation.request, honestAnswer(invocation, 40, 'donor'));
    await donor.registerAnneal(1);

    // The link travels in KILN_JOIN, as the invite's command has it (never in argv).
    worker = new KilnProcess(
      spawn(process.execPath, [KILN, 'worker', '--join', 'env', '--threads', '1', '--id', 'joiner'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, KILN_JOIN: guarded.invite.link },
      }),
    );
    await until(() => guarded.kiln.orchestrator.workers.list().some((load) => load.workerId === 'joiner'), 'kiln worker --join to register');
    const problem = randomProblem(40);
    const result = await solve(guarded.controller, problem, 5000, 100);
    expectValidFinishedRun(result, problem);
    expect(result.slicesByWorker.joiner).toBeGreaterThan(0);
    // The donor published no load: its slices count under its session.
    expect(result.slicesByWorker[`session-${donor.sessionId}`]).toBeGreaterThan(0);
  });

  it("shows a worker the router's reason for a refused registration, never [object Object]", async () => {
    const guarded = await startGuarded({ threads: 0 });
    const closed = await new Promise<{ reason: string; message: string | undefined }>((resolve) => {
      openWampClient({
        url: guarded.kiln.routerUrl,
        realm: REALM,
        credentials: { method: 'ticket', ...guarded.kiln.credentials.compute },
        onOpen: async (session) => {
          await session.register('kiln.anneal', () => null, { invoke: 'single' });
        },
        onClose: (reason, message) => resolve({ reason, message }),
      });
    });
    expect(closed.reason).toBe('kiln.error.start_failed');
    expect(closed.message).toMatch(/^a compute session may register only its own kiln\.anneal\.\d+, not kiln\.anneal \(wamp\.error\.not_authorized\)$/);
  });
});
