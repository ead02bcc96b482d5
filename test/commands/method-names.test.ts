/**
 * Every kernel method and Lin-Kernighan move type is accepted wherever one comes in (WAMP calls, `kiln solve --method`,
 * `--move-type`); others are refused by name.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../electron/commands/command.ts';
import { command as solve } from '../../electron/commands/solve.ts';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { parseAnnealRequest, parseSolveRequest } from '../../shared/protocol/validate.ts';
import { randomUniformProblem } from '../../shared/tsp/instance.ts';
import { METHODS } from '../../shared/tsp/kernel.ts';
import { MOVE_TYPES } from '../../shared/tsp/lk.ts';

const anneal = (method: unknown) =>
  parseAnnealRequest({ runId: 'r', problemHash: 'abcdef12', temperature: { start: 1, end: 0 }, budget: { ms: 10 }, seed: 1, method });
const solveStart = (method: unknown) => parseSolveRequest({ problem: problemToWire(randomUniformProblem(5, 1)), budgetMs: 1000, params: { method } });

describe('method names', () => {
  it('kiln.anneal and kiln.solve.start accept every method, lk included', () => {
    expect(METHODS).toContain('lk');
    for (const method of METHODS) {
      expect(anneal(method).method).toBe(method);
      expect(solveStart(method).params.method).toBe(method);
    }
  });

  it('refuses an unknown method, naming the known ones', () => {
    expect(() => anneal('lkh')).toThrow(/anneal\.method: expected one of anneal, lsmc, lk/);
    expect(() => solveStart(3)).toThrow(/solve\.params\.method: expected one of anneal, lsmc, lk/);
  });

  it('kiln solve --method refuses an unknown method before reading the file', async () => {
    await expect(solve.run(['missing.tsp', '--budget', '1s', '--method', 'lkh'])).rejects.toThrow(UsageError);
    await expect(solve.run(['missing.tsp', '--budget', '1s', '--method', 'lkh'])).rejects.toThrow(/--method must be one of anneal, lsmc, lk/);
  });

  it('kiln.anneal and kiln.solve.start accept every move type and refuse others, naming the known ones', () => {
    const annealWith = (moveType: unknown) =>
      parseAnnealRequest({ runId: 'r', problemHash: 'abcdef12', temperature: { start: 1, end: 0 }, budget: { ms: 10 }, seed: 1, moveType });
    const solveWith = (moveType: unknown) => parseSolveRequest({ problem: problemToWire(randomUniformProblem(5, 1)), budgetMs: 1000, params: { moveType } });
    for (const moveType of MOVE_TYPES) {
      expect(annealWith(moveType).moveType).toBe(moveType);
      expect(solveWith(moveType).params.moveType).toBe(moveType);
    }
    expect(annealWith(undefined).moveType).toBeUndefined();
    for (const bad of [1, 6, 3.5, '5', null]) {
      expect(() => annealWith(bad)).toThrow(/anneal\.moveType: expected one of 2, 3, 4, 5/);
      expect(() => solveWith(bad)).toThrow(/solve\.params\.moveType: expected one of 2, 3, 4, 5/);
    }
  });

  it('kiln solve --move-type refuses a move type outside 2..5 before reading the file', async () => {
    for (const bad of ['6', 'five', '0x3']) {
      await expect(solve.run(['missing.tsp', '--budget', '1s', '--move-type', bad])).rejects.toThrow(/--move-type must be one of 2, 3, 4, 5/);
    }
  });
});
