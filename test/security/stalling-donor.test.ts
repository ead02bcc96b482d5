/**
 * Attack 4 of issue 11: a donor that accepts invocations and never answers held them until slice time
 * + 10 s (the local worker finished 2 slices in 5 s), and a worker whose link was cut stayed registered
 * for up to 40 s while the orchestrator waited for the router to notice.
 */
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../shared/protocol/wire.ts';
import { decodeInt32s, toBytes } from '../../shared/protocol/codecs.ts';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import type { Invocation } from './hostile-donor.ts';
import { QUARANTINE_AFTER } from '../../electron/orchestrator/blame.ts';
import { expectValidFinishedRun, honestSlices, randomProblem, solve, until, guardedKilnPerTest, type GuardedKiln } from './fixture.ts';

const startGuarded = guardedKilnPerTest();

describe('a donor that stalls', () => {
  it('costs the honest worker at most half its slices, and its calls are canceled by the orchestrator', async () => {
    const guarded = await startGuarded();
    const { kiln, controller } = guarded;
    const problem = randomProblem(60);
    await solve(controller, problem, 1000, 100); // warms the local worker's thread up for both runs below
    const alone = await solve(controller, problem, 3000, 100);

    const staller = await guarded.donor();
    const stalled: Invocation[] = [];
    staller.onInvocation = (invocation) => stalled.push(invocation);
    await staller.registerAnneal(4);
    await until(() => kiln.orchestrator.workers.size === 2, 'the staller to register');
    const withStaller = await solve(controller, problem, 3000, 100);

    expectValidFinishedRun(withStaller, problem);
    expect(stalled.length).toBeGreaterThan(0);
    expect(honestSlices(withStaller)).toBeGreaterThanOrEqual(honestSlices(alone) / 2);
    // The orchestrator keeps every slice's deadline itself: the stalled calls end with its CANCEL (the
    // router's INTERRUPT reaches the staller, which announced call_canceling), whatever the router's timeout.
    await until(() => stalled.every((invocation) => staller.interrupts().includes(invocation.request)), 'the stalled calls to be canceled');
  });

  it('does not hold up a segment round: the stalled stretch goes to an idle callee, first answer wins, and the staller is quarantined', async () => {
    const guarded = await startGuarded({ threads: 0 });
    const { kiln } = guarded;
    const staller = await guarded.donor();
    staller.onInvocation = () => {};
    await staller.registerAnneal(1);
    const problem = randomProblem(3000);
    const answered = await echoingDonor(guarded, problem.n);
    await until(() => kiln.orchestrator.workers.size === 2, 'both donors to register');

    const run = kiln.orchestrator.startRun({ problem: problemToWire(problem), budgetMs: 6000, params: { sliceMs: 100, seed: 1, scheme: 'segments' } });
    const result: RunResult = await run.finished();

    expectValidFinishedRun(result, problem);
    // Each stretch the staller held went to the responder, whose answer won; the losing call was canceled,
    // and after three such losses the staller got no more of the run's stretches.
    const diagnostics = JSON.stringify({ ...result, tour: null, answered: answered(), log: guarded.log.filter((line) => line.includes('callee')) });
    expect(
      guarded.log.filter((line) =>
        line.includes(`callee ${staller.sessionId} failed a slice: has answered no slice yet, and another callee answered this one first`),
      ).length,
      diagnostics,
    ).toBe(3);
    expect(
      guarded.log.some((line) => line.includes(`callee ${staller.sessionId} quarantined`)),
      diagnostics,
    ).toBe(true);
    expect(staller.interrupts().length).toBeGreaterThan(0);
    expect(answered()).toBeGreaterThan(3);
  });

  it('that was only late, not lost, is let back in: a quarantine that silence alone caused is lifted by its late, valid answers', async () => {
    // A many-threaded callee on a starved machine misses several deadlines at once with its first slices.
    const guarded = await startGuarded({ threads: 0 });
    const { kiln } = guarded;
    const late = await guarded.donor();
    const held: Invocation[] = [];
    let answered = 0;
    const answer = (invocation: Invocation): void => {
      answered++;
      late.yield(invocation.request, echo(invocation, problem.n));
    };
    late.onInvocation = (invocation) => held.push(invocation);
    await late.registerAnneal(3);
    await until(() => kiln.orchestrator.workers.size === 1, 'the late donor to register');
    const problem = randomProblem(3000);

    const run = kiln.orchestrator.startRun({ problem: problemToWire(problem), budgetMs: 60_000, params: { sliceMs: 100, seed: 1, scheme: 'segments' } });
    const quarantined = `callee ${late.sessionId} quarantined`;
    await until(() => guarded.log.some((line) => line.includes(quarantined)), 'the late donor to be quarantined for its silence');
    expect(guarded.log.filter((line) => line.includes(`callee ${late.sessionId} failed a slice: silent`)).length).toBe(3);
    // Now it answers what it held, and everything after at once.
    late.onInvocation = answer;
    for (const invocation of held.splice(0)) answer(invocation);
    await until(() => answered > 6, 'the donor to be dealt slices again');
    expect(guarded.log.some((line) => line.includes(`callee ${late.sessionId} answered after all: its quarantine is lifted`))).toBe(true);
    const result: RunResult = await run.stop();
    expect(result.phase).toBe('stopped');
    expect(result.slicesDone).toBeGreaterThan(3);
  });

  it('that answered a slice and then went quiet is quarantined after a few lost races, and the run deals the honest callee', async () => {
    // Its stalled slices go to the honest callee 250 ms past their budget, whose answer wins long before the staller's
    // own deadline (budget + at least 500 ms once it has answered): only the lost races show that it stalls.
    const guarded = await startGuarded({ threads: 0 });
    const { kiln, log } = guarded;
    const problem = randomProblem(60);
    const staller = await guarded.donor();
    const dealt: Invocation[] = [];
    const held: Invocation[] = [];
    let answered = 0;
    const answer = (invocation: Invocation): void => {
      answered++;
      staller.yield(invocation.request, echo(invocation, problem.n));
    };
    // Its first slice it answers, so its deadlines follow its record; then it holds what it is dealt.
    staller.onInvocation = (invocation) => {
      dealt.push(invocation);
      if (dealt.length === 1) answer(invocation);
      else held.push(invocation);
    };
    await staller.registerAnneal(1);
    const honestAnswers = await echoingDonor(guarded, problem.n);
    await until(() => kiln.orchestrator.workers.size === 2, 'both donors to register');

    const run = kiln.orchestrator.startRun({ problem: problemToWire(problem), budgetMs: 60_000, params: { sliceMs: 100, seed: 1 } });
    const stallerLines = () => log.filter((line) => line.includes(`callee ${staller.sessionId}`));
    const quarantines = () => stallerLines().filter((line) => line.includes('quarantined for this run')).length;
    // Each race the staller loses discards its attempt (as does, rarely, one in which the staller was second to a late honest answer).
    const discarded = () => run.result().slicesDiscarded;
    const diagnostics = () => JSON.stringify({ discarded: discarded(), dealt: dealt.length, honestAnswers: honestAnswers(), log: stallerLines() });
    // Quarantined, or it lost more races than a quarantine allows (before: never blamed while the honest callee won).
    await until(() => quarantines() > 0 || discarded() > QUARANTINE_AFTER + 2, 'the staller quarantined, or dealt slice after slice');
    expect(quarantines(), diagnostics()).toBe(1);
    expect(stallerLines().filter((line) => line.includes('failed a slice: silent')).length, diagnostics()).toBe(QUARANTINE_AFTER);

    // Quarantined, it is dealt nothing while the honest callee takes the run's slices, until its probation.
    const honestAtQuarantine = honestAnswers();
    const discardedAtQuarantine = discarded();
    await until(() => stallerLines().some((line) => line.includes('on probation')), 'the staller on probation');
    expect(discarded(), diagnostics()).toBe(discardedAtQuarantine);
    expect(honestAnswers()).toBeGreaterThan(honestAtQuarantine);
    // Its one probe loses the race too: quarantined again, for longer.
    await until(() => quarantines() === 2, 'the staller quarantined again after its probe');
    expect(
      stallerLines().some((line) => line.includes('failed on probation')),
      diagnostics(),
    ).toBe(true);
    // Every stalled call that reached it was canceled (the others, queued behind them in the router, never reached it).
    await until(() => dealt.slice(1).every(({ request }) => staller.interrupts().includes(request)), 'the stalled calls to be canceled');

    // A callee that was only slow (a loaded machine) gets back in: it answers what it held (too late: the run gave up on
    // those calls) and what comes after at once, and its next probe's answer lifts the quarantine.
    staller.onInvocation = (invocation) => {
      dealt.push(invocation);
      answer(invocation);
    };
    for (const invocation of held.splice(0)) answer(invocation);
    const answeredBack = answered;
    await until(() => stallerLines().some((line) => line.includes('answered after all: its quarantine is lifted')), 'the quarantine lifted');
    await until(() => answered > answeredBack + 2, 'the staller dealt slices again');
    const result: RunResult = await run.stop();
    expect(result.phase).toBe('stopped');
    expect(result.slicesDispatched).toBe(result.slicesDone + result.slicesFailed + result.slicesDiscarded + result.slicesInFlight);
  });

  it('is dropped by the router within a few seconds when it stops answering pings, and its slices go elsewhere', async () => {
    const guarded = await startGuarded();
    const { kiln, controller } = guarded;
    const silent = await guarded.donor({ autoPong: false });
    silent.onInvocation = () => {};
    await silent.registerAnneal(2);
    await until(() => kiln.orchestrator.workers.size === 2, 'the silent donor to register');
    const problem = randomProblem(60);
    const solving = solve(controller, problem, 12_000, 200);
    // The router's heartbeat (ping every 2 s, 3 s to answer) ends the half-open connection.
    await silent.closed();
    await until(() => kiln.orchestrator.workers.size === 1, 'the orchestrator to drop it');
    const result = await solving;
    expectValidFinishedRun(result, problem);
    expect(honestSlices(result)).toBeGreaterThan(0);
  });
});

/** A segment slice answered with the stretch unchanged (a whole-tour slice with its tour or the identity). */
function echo(invocation: Invocation, n: number): Record<string, unknown> {
  const { tour, segment, runId } = invocation.kwargs as { tour?: Uint8Array; segment?: { start: number; length: number }; runId: string };
  let cities = tour ? decodeInt32s(tour, 'tour') : Int32Array.from({ length: n }, (_, i) => i);
  if (segment) cities = Int32Array.from({ length: segment.length }, (_, i) => cities[(segment.start + i) % n]);
  return { runId, tour: toBytes(cities), length: 0, stats: { movesTried: 0 }, workerId: 'responder', stopped: false };
}

/** A donor of one slot beside the test's others that answers every slice at once with echo(); how many it answered. */
async function echoingDonor(guarded: GuardedKiln, n: number): Promise<() => number> {
  const donor = await guarded.donor();
  let answered = 0;
  donor.onInvocation = (invocation) => {
    answered++;
    donor.yield(invocation.request, echo(invocation, n));
  };
  await donor.registerAnneal(1);
  return () => answered;
}
