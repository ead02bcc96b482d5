/**
 * Attack 7 of issue 11: CALL timeouts of 2^31 ms or more fired after about 1 ms with a Node warning per
 * call; a donor's movesTried of 1e308 went into the run's statistics; each failed donor call wrote a
 * multi-line dump to the control center's log.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Procedures } from '../../shared/protocol/uris.ts';
import { callErrorOf, resultPayload } from '../../shared/wamp.ts';
import { rateLimitedLog } from '../../electron/orchestrator/rate-limited-log.ts';
import { expectValidFinishedRun, honestAnswer, randomProblem, solve, until, guardedKilnPerTest } from './fixture.ts';

const startGuarded = guardedKilnPerTest();
afterEach(() => {
  vi.restoreAllMocks();
});

describe('smaller abuses', () => {
  it('keeps a CALL timeout of 2^31 ms or more as a long timeout, not 1 ms, and prints no warning', async () => {
    const guarded = await startGuarded({ threads: 0 });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const donor = await guarded.donor();
    donor.onInvocation = (invocation) => setTimeout(() => donor.yield(invocation.request, { answered: true }), 100);
    await donor.registerAnneal(1);
    try {
      for (const timeout of [2 ** 31, 2 ** 40, Number.MAX_VALUE]) {
        const answer = await guarded.controller.call(`kiln.anneal.${donor.sessionId}`, [], {}, { timeout });
        expect(resultPayload(answer)).toEqual({ answered: true });
      }
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((warning) => warning.name === 'TimeoutOverflowWarning')).toEqual([]);
  });

  it("refuses a slice whose statistics are out of bounds (movesTried 1e308) and keeps the run's figures sane", async () => {
    const guarded = await startGuarded();
    const { kiln } = guarded;
    await until(() => kiln.orchestrator.workers.list().length === 1, 'the local worker');
    const donor = await guarded.donor();
    let invoked = 0;
    donor.onInvocation = (invocation) => {
      invoked++;
      donor.yield(invocation.request, { ...honestAnswer(invocation, 40, 'boaster'), stats: { movesTried: 1e308 } });
    };
    await donor.registerAnneal(1);
    await until(() => kiln.orchestrator.workers.size === 2, 'the donor to register');

    const problem = randomProblem(40);
    const result = await solve(guarded.controller, problem, 3000, 100);

    expect(invoked).toBeGreaterThan(0);
    expectValidFinishedRun(result, problem);
    expect(result.slicesByWorker.boaster).toBeUndefined();
    expect(Number.isSafeInteger(result.movesTried)).toBe(true);
    expect(result.movesTried).toBeLessThan(1e12);
    expect(guarded.log.some((line) => line.includes(`callee ${donor.sessionId} failed a slice: invalid result: anneal result stats.movesTried`))).toBe(true);
  });

  it("answers a stranger's bad calls with errors and writes nothing for them to the log", async () => {
    const guarded = await startGuarded({ threads: 0 });
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const donor = await guarded.donor();
    const answers: unknown[] = [];
    for (let i = 0; i < 50; i++) {
      donor.send([48, 1000 + i, {}, Procedures.problemGet, [`deadbeef${i}`]]);
      answers.push(await donor.next((m) => m[0] === 8 && m[2] === 1000 + i));
    }
    expect(answers.every((answer) => (answer as unknown[])[4] === 'kiln.error.no_such_problem')).toBe(true);
    expect(printed).not.toHaveBeenCalled();
    expect(warned).not.toHaveBeenCalled();
    expect(guarded.log.filter((line) => line.includes('no_such_problem'))).toEqual([]);
  });

  it('rate-limits lines about remote failures and says how many it left out', () => {
    let now = 0;
    const lines: string[] = [];
    const log = rateLimitedLog(
      (line) => lines.push(line),
      3,
      1000,
      () => now,
    );
    for (let i = 0; i < 10; i++) log(`failure ${i}`);
    expect(lines).toEqual(['failure 0', 'failure 1', 'failure 2']);
    now = 1000;
    log('failure 10');
    expect(lines.slice(3)).toEqual(['7 more remote failure lines suppressed in the last 1 s', 'failure 10']);
  });

  it('refuses kiln.solve.start from compute sessions', async () => {
    const guarded = await startGuarded({ threads: 0 });
    const donor = await guarded.donor();
    donor.send([48, 7, {}, Procedures.solveStart, [], { problem: {}, budgetMs: 1000 }]);
    const answer = await donor.next((m) => m[0] === 8 && m[2] === 7);
    expect(answer[4]).toBe('wamp.error.not_authorized');
    expect(callErrorOf({ error: answer[4], args: answer[5] }).message).toMatch(/not authorized to call kiln\.solve\.start/);
  });
});
