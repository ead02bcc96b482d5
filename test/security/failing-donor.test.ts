/**
 * Attack 1 of issue 11: one ERROR from a donor ended any run (and published the donor's 10 KB text as
 * the run's error); inputs with coordinates near 1e300 made the schedule non-finite and failed the run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Procedures } from '../../shared/protocol/uris.ts';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { parseProblemFile } from '../../shared/tsp/problem.ts';
import { callErrorOf } from '../../shared/wamp.ts';
import { BUSY_AS_FAILURE_AFTER, QUARANTINE_AFTER } from '../../electron/orchestrator/blame.ts';
import { expectValidFinishedRun, honestSlices, randomProblem, solve, until, guardedKilnPerTest } from './fixture.ts';

const KILN = fileURLToPath(new URL('../../bin/kiln.mjs', import.meta.url));

const startGuarded = guardedKilnPerTest();

describe('a donor whose slices fail', () => {
  it('is quarantined after a few errors in a row while the honest worker finishes the run with a valid tour', async () => {
    const guarded = await startGuarded();
    const { donor, invocations } = await erringDonor(guarded, 'kiln.error.evil', `evil\n${'x'.repeat(10_000)}`);

    const problem = randomProblem(60);
    const result = await solve(guarded.controller, problem, 2500, 100);

    expectValidFinishedRun(result, problem);
    expect(honestSlices(result)).toBeGreaterThan(0);
    // Quarantined at the third failure in a row; at most one more of its two slots was out by then.
    expect(invocations()).toBeGreaterThanOrEqual(QUARANTINE_AFTER);
    expect(invocations()).toBeLessThanOrEqual(QUARANTINE_AFTER + 1);
    const donorLines = guarded.log.filter((line) => line.includes(`callee ${donor.sessionId}`));
    expect(donorLines.some((line) => /quarantined for this run: 3 failures in a row/.test(line))).toBe(true);
    // One short line each: the donor's 10 KB text and its newline never reach the log.
    for (const line of donorLines) {
      expect(line).not.toContain('\n');
      expect(line.length).toBeLessThan(400);
    }
  });

  it('is quarantined when it answers busy (crossbar.error.max_concurrency_reached) to every slice, while the honest worker finishes the run', async () => {
    const guarded = await startGuarded();
    const { donor, invocations } = await erringDonor(guarded, 'crossbar.error.max_concurrency_reached', 'busy, forever');

    const problem = randomProblem(60);
    const result = await solve(guarded.controller, problem, 6000, 100);

    expectValidFinishedRun(result, problem);
    expect(honestSlices(result)).toBeGreaterThan(0);
    const donorLines = guarded.log.filter((line) => line.includes(`callee ${donor.sessionId}`));
    expect(donorLines.some((line) => /quarantined for this run: 3 failures in a row, the last: 8 busy answers in a row/.test(line))).toBe(true);
    // As for silence (a full callee claims nothing false): probation after a while, one slice at a time, which a
    // busy streak ends again; so each probation costs at most that streak.
    const probations = donorLines.filter((line) => line.includes('on probation')).length;
    const quarantinedAt = BUSY_AS_FAILURE_AFTER * QUARANTINE_AFTER;
    expect(invocations()).toBeGreaterThanOrEqual(quarantinedAt);
    expect(invocations()).toBeLessThanOrEqual(quarantinedAt + 1 + probations * BUSY_AS_FAILURE_AFTER);
  });

  it('ends a run that only failing donors served with its own first tour and a warning that names them, cut to a line', async () => {
    const guarded = await startGuarded({ threads: 0 });
    const { kiln } = guarded;
    const donor = await guarded.donor();
    donor.onInvocation = (invocation) => donor.error(invocation.request, 'kiln.error.evil', 'y'.repeat(10_000));
    await donor.registerAnneal(1);
    await until(() => kiln.orchestrator.workers.size === 1, 'the donor to register');

    const problem = randomProblem(30);
    const result = await solve(guarded.controller, problem, 800, 100);

    expectValidFinishedRun(result, problem);
    expect(result.slicesDone).toBe(0);
    expect(result.warning).toMatch(
      new RegExp(`^no slice succeeded: callee ${donor.sessionId} failed ${QUARANTINE_AFTER} slices and was quarantined \\(last: kiln\\.error\\.evil: y+…\\)`),
    );
    expect(result.warning).toMatch(/revoke their invites/);
    expect(result.warning!.length).toBeLessThan(600);
  });
});

describe('problems no schedule can handle', () => {
  const huge = 'NAME: huge\nTYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 1e300 0\n2 0 1e300\n3 -1e300 0\nEOF\n';

  it('are refused when the file is loaded, with the file and the reason', () => {
    expect(() => parseProblemFile('huge.tsp', huge)).toThrow(/^huge\.tsp: cannot be solved: city 1's x coordinate 1e\+300 is beyond ±1000000000/);
    // The parser refuses what the wire check would: one or two cities, EXPLICIT matrices too large to send.
    expect(() => parseProblemFile('two.tsp', 'DIMENSION: 2\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 1 1\nEOF\n')).toThrow(
      /^two\.tsp: cannot be solved: 2 cities: a tour needs at least 3/,
    );
    expect(() => parseProblemFile('two.csv', 'x,y\n0,0\n1,1\n')).toThrow(/^two\.csv: cannot be solved: 2 cities/);
    expect(() => parseProblemFile('big.tsp', 'DIMENSION: 2001\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: FULL_MATRIX\n')).toThrow(
      /^big\.tsp:2: .*over the limit of 2000/,
    );
  });

  it('are refused by kiln.solve.start with the reason, and kiln solve exits 1 with one line naming the file', async () => {
    const guarded = await startGuarded({ threads: 0 });
    const problem = randomProblem(3);
    problem.xs![0] = 1e300;
    const refusal = await guarded.controller.call(Procedures.solveStart, [], { problem: problemToWire(problem), budgetMs: 1000 }).then(
      () => null,
      (error: unknown) => callErrorOf(error),
    );
    expect(refusal).toEqual({ uri: 'kiln.error.invalid_argument', message: expect.stringMatching(/^problem: city 1's x coordinate 1e\+300 is beyond/) });

    const dir = mkdtempSync(join(tmpdir(), 'kiln-huge-'));
    writeFileSync(join(dir, 'huge.tsp'), huge);
    const solved = spawnSync(process.execPath, [KILN, 'solve', join(dir, 'huge.tsp'), '--budget', '1s', '--workers', '1'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(solved.status).toBe(2); // kiln's exit code for input it refuses (usage errors)
    expect(solved.stdout).toBe('');
    expect(solved.stderr.trim().split('\n')).toHaveLength(1);
    expect(solved.stderr).toMatch(/huge\.tsp: cannot be solved: city 1's x coordinate 1e\+300/);
  });
});

/** A donor of two slots, registered beside the local worker, that answers every slice with this error; and how many it got. */
async function erringDonor(guarded: Awaited<ReturnType<typeof startGuarded>>, uri: string, message: string) {
  const donor = await guarded.donor();
  let invocations = 0;
  donor.onInvocation = (invocation) => {
    invocations++;
    donor.error(invocation.request, uri, message);
  };
  await donor.registerAnneal(2);
  await until(() => guarded.kiln.orchestrator.workers.size === 2, 'the donor to register');
  return { donor, invocations: () => invocations };
}
