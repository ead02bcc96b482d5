/**
 * kiln.anneal's `pending` (the cities a stopped first descent had still to search) is checked against the problem
 * both ways: a callee refuses a request whose cities are not distinct cities of the problem, naming the field, and
 * serves the next slice; the orchestrator refuses such a result, so it never forwards one that callees would refuse.
 */
import { describe, expect, it } from 'vitest';
import type { SliceJob } from '../../shared/compute/thread-messages.ts';
import { problemToWire, toBytes } from '../../shared/protocol/codecs.ts';
import { Errors, annealProcedure } from '../../shared/protocol/uris.ts';
import { parseAnnealResult } from '../../shared/protocol/validate.ts';
import { problemHash } from '../../shared/tsp/problem.ts';
import { callErrorOf } from '../../shared/wamp.ts';
import { ScriptedThread, threadCallee } from '../helpers/thread-callee.ts';
import { guardedKilnPerTest, randomProblem, until } from '../security/fixture.ts';

const startKiln = guardedKilnPerTest();

/** Wrong `pending` lists for a problem of 60 cities, each with what its refusal must say. */
const REFUSED: Array<[string, unknown, RegExp]> = [
  ['a city out of range', [3, 60], /anneal\.pending: 60 at position 1 is no city of 0\.\.59/],
  ['a negative city', toBytes(Int32Array.of(-1)), /anneal\.pending: -1 at position 0 is no city/],
  ['a city twice', [5, 6, 5], /anneal\.pending: city 5 twice \(at position 2\)/],
  ['more cities than the problem has', toBytes(new Int32Array(61)), /anneal\.pending: 61 cities, the problem has 60/],
  ['a city past 32 bits that would wrap into range', [2 ** 32 + 5], /anneal\.pending: expected bytes or an array of integers/],
  ['not integers', [1.5], /anneal\.pending: expected bytes or an array of integers/],
  ['bytes that are no whole number of cities', new Uint8Array(6), /anneal\.pending: 6 bytes is not a multiple of 4/],
];

describe("kiln.anneal's pending cities", () => {
  it('a callee refuses lists that are not distinct cities of the problem, naming the field, and serves the next slice', async () => {
    const guarded = await startKiln({ threads: 0 });
    const jobs: SliceJob[] = [];
    const session = await threadCallee(guarded, 'scripted', 1, () => new ScriptedThread(jobs));
    const problem = randomProblem(60, 6);
    await guarded.controller.register('kiln.problem.get.fake', () => problemToWire(problem));
    const tour = toBytes(Int32Array.from({ length: 60 }, (_, i) => i));
    const slice = (pending: unknown) =>
      guarded.controller.call(annealProcedure(session.id), [], {
        runId: 'fakerun',
        problemHash: problemHash(problem),
        tour,
        pending,
        temperature: { start: 0, end: 0 },
        budget: { ms: 10 },
        seed: 1,
        problemFrom: 'kiln.problem.get.fake',
      });

    for (const [what, pending, message] of REFUSED)
      expect(await slice(pending).catch(callErrorOf), what).toMatchObject({ uri: Errors.invalidArgument, message: expect.stringMatching(message) });
    // Nothing of those reached the thread; distinct cities of the problem do, up to all of them.
    expect(jobs).toEqual([]);
    await slice([59, 0, 7]);
    const all = Int32Array.from({ length: 60 }, (_, i) => 59 - i);
    await slice(toBytes(all));
    await until(() => jobs.length === 2, 'the two good slices on the thread');
    expect(jobs.map((job) => Array.from(job.pending ?? []))).toEqual([[59, 0, 7], Array.from(all)]);
  });

  it("the orchestrator refuses a result's list that a callee would refuse", () => {
    const result = (pending: unknown) => ({ stats: { movesTried: 0 }, pending });
    const options = { permutationOf: 60, tourOptional: true };
    expect(parseAnnealResult(result([4, 9]), 60, 100, options).pending).toEqual(Int32Array.of(4, 9));
    for (const [what, pending, message] of REFUSED)
      expect(() => parseAnnealResult(result(pending), 60, 100, options), what).toThrow(
        new RegExp(message.source.replace('anneal\\.pending', 'anneal result pending')),
      );
  });
});
