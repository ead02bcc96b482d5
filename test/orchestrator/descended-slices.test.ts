/**
 * A slice that starts from an earlier slice's local optimum is told so (`descended`), so the callee skips a
 * full descent that would find nothing (170 ms of a slice on pr2392 with 'lk'). Real Kiln, a donor over a
 * real WebSocket that answers with a true local optimum and says whether it is one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { parseAnnealRequest } from '../../shared/protocol/validate.ts';
import { createInstance } from '../../shared/tsp/instance.ts';
import { annealSlice } from '../../shared/tsp/kernel.ts';
import { buildNeighbourLists } from '../../shared/tsp/neighbours.ts';
import { constructTour } from '../../shared/tsp/construct.ts';
import type { NeighbourLists } from '../../shared/tsp/types.ts';
import type { Invocation } from '../security/hostile-donor.ts';
import { randomProblem, startGuardedKiln, until, type GuardedKiln } from '../security/fixture.ts';

let guarded: GuardedKiln | null = null;
afterEach(async () => {
  await guarded?.close();
  guarded = null;
});

async function slicesSent(claimDescended: boolean): Promise<Array<{ tour: boolean; descended: unknown }>> {
  guarded = await startGuardedKiln({ threads: 0 });
  const { kiln } = guarded;
  const problem = randomProblem(200, 5);
  const instance = createInstance(problem);
  const identity = Int32Array.from({ length: problem.n }, (_, i) => i);
  // A true 'lk' local optimum, far shorter than the run's own quick tour.
  const optimum = annealSlice(instance, buildNeighbourLists(instance, 8), {
    tour: identity,
    temperature: { start: 0, end: 0 },
    budget: { moves: 0 },
    seed: 1,
    method: 'lk',
  });
  const sent: Array<{ tour: boolean; descended: unknown }> = [];
  const donor = await guarded.donor();
  donor.onInvocation = (invocation: Invocation) => {
    sent.push({ tour: invocation.kwargs.tour !== undefined, descended: invocation.kwargs.descended });
    const stats = { movesTried: 0, movesAccepted: 0, improvements: 0, elapsedMs: 1, startLength: optimum.length, descended: claimDescended };
    // The first slice (no tour) gets the optimum; later ones find nothing shorter and send no tour back.
    const kwargs = invocation.kwargs.tour === undefined ? { tour: new Uint8Array(optimum.tour.buffer.slice(0)) } : {};
    donor.yield(invocation.request, { runId: invocation.kwargs.runId, ...kwargs, length: optimum.length, stats, workerId: 'donor', stopped: false });
  };
  await donor.registerAnneal(1);
  await until(() => kiln.orchestrator.workers.size === 1, 'the donor');
  const run = kiln.orchestrator.startRun({
    problem: problemToWire(problem),
    budgetMs: 60_000,
    params: { sliceMs: 50, seed: 1, scheme: 'whole', method: 'lk' },
  });
  await until(() => sent.length >= 4, 'four slices dealt');
  await run.stop();
  return sent;
}

describe('slices from a descended tour', () => {
  it('carry descended: true once the best is a callee answer it says is a local optimum', async () => {
    const sent = await slicesSent(true);
    expect(sent[0]).toEqual({ tour: false, descended: undefined });
    expect(
      sent.slice(1).every((slice) => slice.tour && slice.descended === true),
      JSON.stringify(sent),
    ).toBe(true);
  });

  it('never carry it when the callee does not say so', async () => {
    const sent = await slicesSent(false);
    expect(
      sent.slice(1).every((slice) => slice.tour && slice.descended === undefined),
      JSON.stringify(sent),
    ).toBe(true);
  });

  it('are not told so once the run has new candidate lists: the tour was a local optimum of the old ones', async () => {
    let release: (lists: NeighbourLists) => void = () => undefined;
    guarded = await startGuardedKiln({ threads: 0, computeCandidates: () => new Promise((resolve) => (release = resolve)) });
    const { kiln } = guarded;
    const problem = randomProblem(1000, 5);
    const instance = createInstance(problem);
    const nearest = buildNeighbourLists(instance, 8);
    const start = constructTour(instance, nearest);
    const optimum = annealSlice(instance, nearest, { tour: start, temperature: { start: 0, end: 0 }, budget: { moves: 0 }, seed: 1, method: 'lk' });
    const sent: Array<{ candidates: unknown; descended: unknown }> = [];
    const donor = await guarded.donor();
    donor.onInvocation = (invocation: Invocation) => {
      sent.push({ candidates: invocation.kwargs.candidates, descended: invocation.kwargs.descended });
      const stats = { movesTried: 0, movesAccepted: 0, improvements: 0, elapsedMs: 1, startLength: optimum.length, descended: true };
      const kwargs = invocation.kwargs.tour === undefined ? { tour: new Uint8Array(optimum.tour.buffer.slice(0)) } : {};
      donor.yield(invocation.request, { runId: invocation.kwargs.runId, ...kwargs, length: optimum.length, stats, workerId: 'donor', stopped: false });
    };
    await donor.registerAnneal(1);
    await until(() => kiln.orchestrator.workers.size === 1, 'the donor');
    const run = kiln.orchestrator.startRun({
      problem: problemToWire(problem),
      budgetMs: 60_000,
      params: { sliceMs: 50, seed: 1, scheme: 'whole', method: 'lk' },
    });
    await until(() => sent.length >= 3, 'three slices dealt with the nearest lists');
    release(buildNeighbourLists(instance, 5));
    await until(() => sent.filter((slice) => slice.candidates === 1).length >= 3, 'three slices dealt with the new lists');
    await run.stop();
    const before = sent.slice(
      1,
      sent.findIndex((slice) => slice.candidates === 1),
    );
    expect(before.length).toBeGreaterThan(0);
    expect(
      before.every((slice) => slice.candidates === undefined && slice.descended === true),
      JSON.stringify(sent),
    ).toBe(true);
    // The first slice with the new lists descends afresh. The donor answers it with no tour and `descended` (its
    // descent with the new lists ran to the end and found nothing shorter), so those after it may skip theirs.
    const after = sent.filter((slice) => slice.candidates === 1);
    expect(after[0].descended, JSON.stringify(sent)).toBeUndefined();
    expect(
      after.slice(1).every((slice) => slice.descended === true),
      JSON.stringify(sent),
    ).toBe(true);
  });

  it('is a boolean on the wire, refused as anything else', () => {
    const request = { runId: 'r', problemHash: 'abcdef12', temperature: { start: 0, end: 0 }, budget: { ms: 10 }, seed: 1 };
    expect(parseAnnealRequest({ ...request, descended: true }).descended).toBe(true);
    expect(parseAnnealRequest({ ...request, descended: false }).descended).toBeUndefined();
    expect(() => parseAnnealRequest({ ...request, descended: 'yes' })).toThrow(/anneal.descended: expected true or false/);
  });
});
