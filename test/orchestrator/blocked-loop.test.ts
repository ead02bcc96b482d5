/**
 * On a loaded machine the orchestrator's own event loop stalls: its deadline timers fire late, while an
 * honest callee's answer already sits unread in a socket. Such a callee must not be blamed for the
 * orchestrator's lateness (it was quarantined, and a run got no progress at all).
 */
import { describe, expect, it } from 'vitest';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { QUARANTINE_AFTER } from '../../electron/orchestrator/blame.ts';
import { guardedKilnPerTest, honestAnswer, randomProblem, until } from '../security/fixture.ts';

const startGuarded = guardedKilnPerTest();

/** Blocks this process (router, orchestrator and donor alike) as a starved machine does. */
function blockLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: no timer, no I/O runs meanwhile
  }
}

describe('an orchestrator whose event loop was blocked', () => {
  it('counts the answers that came in meanwhile, and blames nobody for its own lateness', async () => {
    const guarded = await startGuarded({ threads: 0 });
    const { kiln, log } = guarded;
    const problem = randomProblem(60);
    const donor = await guarded.donor();
    let invocations = 0;
    let blocked = 0;
    donor.onInvocation = (invocation) => {
      invocations++;
      donor.yield(invocation.request, honestAnswer(invocation, problem.n, 'honest'));
      // After two answers the callee's grace is the minimum; then, with each answer already sent, the
      // loop stalls well past the slice's deadline (100 ms + grace) before anyone reads it.
      if (invocations > 2 && blocked < QUARANTINE_AFTER) {
        blocked++;
        blockLoop(1500);
      }
    };
    await donor.registerAnneal(1);
    await until(() => kiln.orchestrator.workers.size === 1, 'the donor to register');

    const run = kiln.orchestrator.startRun({ problem: problemToWire(problem), budgetMs: 60_000, params: { sliceMs: 100, seed: 1 } });
    await until(() => blocked === QUARANTINE_AFTER && invocations > blocked + 3, 'the blocked answers and a few after');
    const result = await run.stop();

    const failures = log.filter((line) => line.includes(`callee ${donor.sessionId} failed a slice`) || line.includes('quarantined'));
    expect(failures).toEqual([]);
    expect(result.slicesFailed).toBe(0);
    expect(result.slicesByWorker[`session-${donor.sessionId}`]).toBeGreaterThanOrEqual(blocked + 2);
    expect(result.slicesDispatched).toBe(result.slicesDone + result.slicesFailed + result.slicesDiscarded + result.slicesInFlight);
  });
});
