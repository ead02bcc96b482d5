/** Candidate lists on the wire: kiln.problem.get ships them, a callee takes only lists that keep the contract. */
import { pack, unpack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { problemToWire, toBytes } from '../../shared/protocol/codecs.ts';
import { ProtocolError } from '../../shared/protocol/uris.ts';
import { parseSolveRequest, problemFromWire } from '../../shared/protocol/validate.ts';
import { buildAlphaNeighbourLists } from '../../shared/tsp/alpha.ts';
import { createInstance, randomUniformProblem } from '../../shared/tsp/instance.ts';
import type { ProblemData } from '../../shared/tsp/types.ts';

function withCandidates(n = 30): ProblemData {
  const data = randomUniformProblem(n, 5, 1000);
  data.candidates = buildAlphaNeighbourLists(createInstance(data));
  return data;
}

/** The problem's wire form with its lists' ids replaced. */
function tampered(data: ProblemData, edit: (ids: Int32Array) => Int32Array, k = data.candidates!.k): unknown {
  const wire = problemToWire(data, true);
  wire.candidates = { k, neighbours: toBytes(edit(data.candidates!.neighbours.slice())) };
  return unpack(pack(wire));
}

function refusal(value: unknown): string {
  try {
    problemFromWire(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    return (error as Error).message;
  }
  throw new Error('the lists were accepted');
}

describe('candidate lists on the wire', () => {
  it('travel with kiln.problem.get and come back equal; run records and solve requests carry none', () => {
    const data = withCandidates();
    const back = problemFromWire(unpack(pack(problemToWire(data, true))));
    expect(back.candidates).toEqual(data.candidates);
    expect(problemToWire(data).candidates).toBeUndefined();
    // A controller's lists are never trusted: the orchestrator computes its own.
    expect(parseSolveRequest({ problem: problemToWire(data, true), budgetMs: 1000 }).problem.candidates).toBeUndefined();
  });

  it('are refused, saying why, when they break the NeighbourLists contract', () => {
    const data = withCandidates();
    const { k } = data.candidates!;
    expect(refusal(tampered(data, (ids) => ids.subarray(0, ids.length - 1)))).toMatch(/expected 150 city ids \(30 cities x 5\), got 149/);
    expect(refusal(tampered(data, (ids) => ids, 0))).toMatch(/candidates\.k: expected an integer from 1 to 16/);
    expect(refusal(tampered(data, (ids) => ids, 17))).toMatch(/candidates\.k/);
    expect(refusal(tampered(data, (ids) => ids.fill(30, 0, 1)))).toMatch(/city 0's candidate 0 is 30, outside 0..29/);
    expect(refusal(tampered(data, (ids) => ids.fill(-1, k, k + 1)))).toMatch(/city 1's candidate 0 is -1/);
    expect(refusal(tampered(data, (ids) => ids.fill(2, 2 * k, 2 * k + 1)))).toMatch(/city 2 is its own candidate/);
    expect(refusal(tampered(data, (ids) => ids.fill(ids[3 * k], 3 * k + 1, 3 * k + 2)))).toMatch(/city 3 lists \d+ twice/);
    expect(refusal(tampered(data, (ids) => ids.subarray(4 * k, 5 * k).reverse() && ids))).toMatch(/city 4's list is not sorted nearest first/);
    const wire = problemToWire(data, true);
    expect(refusal({ ...wire, candidates: 'all of them' })).toMatch(/problem\.candidates: expected \{ k, neighbours \}/);
    expect(refusal({ ...wire, candidates: { k, neighbours: 'x' } })).toMatch(/neighbours: expected bytes or an array of integers/);
  });
});
