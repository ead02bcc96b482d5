/** Every kernel method is accepted wherever a method name comes in (WAMP calls, `kiln solve --method`); others are refused by name. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../electron/commands/command.ts';
import { command as solve } from '../../electron/commands/solve.ts';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { parseAnnealRequest, parseSolveRequest } from '../../shared/protocol/validate.ts';
import { randomUniformProblem } from '../../shared/tsp/instance.ts';
import { METHODS } from '../../shared/tsp/kernel.ts';

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
});
