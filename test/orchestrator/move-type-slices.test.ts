/**
 * A run's Lin-Kernighan move type (`params.moveType`, `kiln solve --move-type`) goes out with every slice it deals,
 * and a run that names none leaves it to the callee's kernel. Real Kiln, a donor over a real WebSocket.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { createInstance, tourLength } from '../../shared/tsp/instance.ts';
import type { MoveType } from '../../shared/tsp/lk.ts';
import type { Invocation } from '../security/hostile-donor.ts';
import { randomProblem, startGuardedKiln, until, type GuardedKiln } from '../security/fixture.ts';

let guarded: GuardedKiln | null = null;
afterEach(async () => {
  await guarded?.close();
  guarded = null;
});

/** The moveType of the first four slices a run with these params deals to a donor that answers the identity tour. */
async function moveTypesSent(moveType: MoveType | undefined): Promise<unknown[]> {
  guarded = await startGuardedKiln({ threads: 0 });
  const { kiln } = guarded;
  const problem = randomProblem(200, 5);
  const identity = Int32Array.from({ length: problem.n }, (_, i) => i);
  const length = tourLength(createInstance(problem), identity);
  const sent: unknown[] = [];
  const donor = await guarded.donor();
  donor.onInvocation = (invocation: Invocation) => {
    sent.push(invocation.kwargs.moveType);
    const stats = { movesTried: 0, movesAccepted: 0, improvements: 0, elapsedMs: 1, startLength: length, descended: false };
    const tour = new Uint8Array(identity.buffer.slice(0));
    donor.yield(invocation.request, { runId: invocation.kwargs.runId, tour, length, stats, workerId: 'donor', stopped: false });
  };
  await donor.registerAnneal(1);
  await until(() => kiln.orchestrator.workers.size === 1, 'the donor');
  const run = kiln.orchestrator.startRun({
    problem: problemToWire(problem),
    budgetMs: 60_000,
    params: { sliceMs: 50, seed: 1, scheme: 'whole', method: 'lk', ...(moveType === undefined ? {} : { moveType }) },
  });
  await until(() => sent.length >= 4, 'four slices dealt');
  await run.stop();
  return sent.slice(0, 4);
}

describe("a run's move type", () => {
  it('goes out with every slice', async () => {
    expect(await moveTypesSent(5)).toEqual([5, 5, 5, 5]);
  });

  it('is absent from the slices of a run that names none', async () => {
    expect(await moveTypesSent(undefined)).toEqual([undefined, undefined, undefined, undefined]);
  });
});
