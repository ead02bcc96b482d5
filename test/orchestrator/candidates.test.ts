/**
 * Candidate lists computed once per problem by the orchestrator (electron/orchestrator/candidates.ts) in a real
 * Kiln: a run deals its slices at once (callees build nearest lists), the lists come on a thread while it runs,
 * and the slices dealt after name their revision, so that callees fetch them (kiln.problem.get, part 'candidates').
 */
import { describe, expect, it } from 'vitest';
import { SliceRunner } from '../../shared/compute/slice-runner.ts';
import type { ThreadRequest } from '../../shared/compute/thread-messages.ts';
import { problemToWire, toBytes } from '../../shared/protocol/codecs.ts';
import { Errors, Procedures, annealProcedure } from '../../shared/protocol/uris.ts';
import { problemFromWire } from '../../shared/protocol/validate.ts';
import type { CandidatesWire, RunResult } from '../../shared/protocol/wire.ts';
import { buildAlphaNeighbourLists } from '../../shared/tsp/alpha.ts';
import { createInstance, tourLength } from '../../shared/tsp/instance.ts';
import { buildNeighbourLists, buildQuadrantNeighbourLists } from '../../shared/tsp/neighbours.ts';
import { problemHash } from '../../shared/tsp/problem.ts';
import type { NeighbourLists, ProblemData } from '../../shared/tsp/types.ts';
import { callErrorOf, type WampSession } from '../../shared/wamp.ts';
import { TestThread, threadCallee } from '../helpers/thread-callee.ts';
import { expectValidFinishedRun, guardedKilnPerTest, randomProblem, until, type GuardedKiln } from '../security/fixture.ts';

const startKiln = guardedKilnPerTest();

/** What a compute thread was told, in order: the problems it got (with their lists' revision) and the slices it ran. */
type ThreadEvent = { type: 'problem'; hash: string; data: ProblemData } | { type: 'slice'; hash: string };

/** A compute thread that records what it is sent and answers each slice at once with its start tour. */
class RecordingThread extends TestThread {
  private readonly problems = new Map<string, ProblemData>();

  constructor(private readonly events: ThreadEvent[]) {
    super();
  }

  post(message: ThreadRequest): void {
    if (message.type === 'problem') {
      this.problems.set(message.hash, message.data);
      this.events.push({ type: 'problem', hash: message.hash, data: message.data });
      return;
    }
    const { job } = message;
    this.events.push({ type: 'slice', hash: job.problemHash });
    const data = this.problems.get(job.problemHash)!;
    const tour = job.tour ?? Int32Array.from({ length: data.n }, (_, i) => i);
    const length = tourLength(createInstance(data), tour);
    const stats = { movesTried: 1, movesAccepted: 0, improvements: 0, polishMoves: 0, elapsedMs: 1, startLength: length, descended: false };
    setImmediate(() => this.reply({ type: 'done', id: job.id, tour, length, stats, stopped: false }));
  }
}

/** A real ComputeCallee over its own WebSocket with one recording thread; resolves once the orchestrator knows it. */
async function recordingCallee(guarded: GuardedKiln): Promise<{ events: ThreadEvent[]; session: WampSession }> {
  const events: ThreadEvent[] = [];
  const session = await threadCallee(guarded, 'recording', 1, () => new RecordingThread(events));
  return { events, session };
}

/** Candidate lists the test holds back until it releases them (the orchestrator's computeCandidates hook). */
function heldCandidates() {
  const asked: string[] = [];
  let release: (lists: NeighbourLists) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const compute = (data: ProblemData) => {
    asked.push(data.name);
    return new Promise<NeighbourLists>((resolve, reject) => {
      release = resolve;
      fail = reject;
    });
  };
  return { asked, compute, release: (lists: NeighbourLists) => release(lists), fail: (error: Error) => fail(error) };
}

/** A run stopped by the test: it answers with a valid tour of the length it reports, and no error. */
function expectValidStoppedRun(result: RunResult, problem: ProblemData): void {
  expect(result.phase).toBe('stopped');
  expectValidFinishedRun({ ...result, phase: 'finished' }, problem);
}

describe('candidate lists computed once per problem', () => {
  it('are computed on a thread and served with kiln.problem.get, equal to alpha-nearness computed here', async () => {
    const { kiln, controller } = await startKiln({ threads: 1 });
    const problem = randomProblem(1200, 3);
    const run = kiln.orchestrator.startRun({ problem: problemToWire(problem), budgetMs: 2000, params: { sliceMs: 200, seed: 1 } });
    expectValidFinishedRun(await run.finished(), problem);
    // The run did not wait for them; the thread (which loads TypeScript through tsx first) ends on its own time.
    await until(() => run.problem.candidatesRevision === 1, 'the candidate lists');
    const served = problemFromWire(await controller.call(Procedures.problemGet, [run.problemHash]));
    expect(served.candidates).toEqual(buildAlphaNeighbourLists(createInstance(problem)));
    expect(served.candidatesRevision).toBe(1);
    // Below ALPHA_MIN_CITIES none: callees build their nearest lists.
    const small = randomProblem(100, 4);
    const smallRun = kiln.orchestrator.startRun({ problem: problemToWire(small), budgetMs: 1000, params: { sliceMs: 100, seed: 1 } });
    expectValidFinishedRun(await smallRun.finished(), small);
    expect(problemFromWire(await controller.call(Procedures.problemGet, [smallRun.problemHash])).candidates).toBeUndefined();
    expect(await controller.call(Procedures.problemGet, [smallRun.problemHash], { part: 'candidates' })).toEqual({ revision: 0 });
  });

  it('do not hold back a run: its first slices go out at once, and once the lists are there callees fetch and use them', async () => {
    const held = heldCandidates();
    const guarded = await startKiln({ threads: 0, computeCandidates: held.compute });
    const { events } = await recordingCallee(guarded);
    const { kiln, controller } = guarded;
    const problem = randomProblem(1000, 4);
    const lists = buildAlphaNeighbourLists(createInstance(problem));
    const run = kiln.orchestrator.startRun({ problem: problemToWire(problem), budgetMs: 60_000, params: { sliceMs: 50, seed: 1, scheme: 'whole' } });
    await until(() => run.firstSliceAt !== null && held.asked.length === 1, 'a slice back while the lists are computed');
    // Before: the callee got the problem without lists (its thread builds nearest ones) and ran slices with it.
    expect(events[0].type).toBe('problem');
    expect(events.filter((event) => event.type === 'problem').every((event) => event.type === 'problem' && !event.data.candidates)).toBe(true);
    expect(await controller.call<CandidatesWire>(Procedures.problemGet, [run.problemHash], { part: 'candidates' })).toEqual({ revision: 0 });

    held.release(lists);
    await until(() => events.some((event) => event.type === 'problem' && event.data.candidatesRevision === 1), 'the thread to get the new lists');
    const upgraded = events.findIndex((event) => event.type === 'problem' && event.data.candidatesRevision === 1);
    const given = events[upgraded];
    expect(given.type === 'problem' && given.data.candidates).toEqual(lists);
    await until(() => events.slice(upgraded).filter((event) => event.type === 'slice').length >= 3, 'slices run with the new lists');
    // The lists were sent to the thread once, not with every slice.
    expect(events.slice(upgraded + 1).some((event) => event.type === 'problem')).toBe(false);
    const wire = await controller.call<CandidatesWire>(Procedures.problemGet, [run.problemHash], { part: 'candidates' });
    expect(wire.revision).toBe(1);
    expect(wire.candidates?.k).toBe(lists.k);
    const refusal = await controller.call(Procedures.problemGet, [run.problemHash], { part: 'everything' }).catch(callErrorOf);
    expect(refusal).toMatchObject({ uri: Errors.invalidArgument, message: expect.stringMatching(/part must be 'candidates'/) });
    expectValidStoppedRun(await run.stop(), problem);
  });

  it('that fail to compute leave callees their nearest lists, and the run is not held up', async () => {
    const held = heldCandidates();
    const { kiln, log } = await startKiln({ threads: 1, computeCandidates: held.compute });
    const problem = randomProblem(1100, 5);
    const run = kiln.orchestrator.startRun({ problem: problemToWire(problem), budgetMs: 60_000, params: { sliceMs: 100, seed: 1 } });
    await until(() => run.firstSliceAt !== null && held.asked.length === 1, 'a slice back while the lists are computed');
    held.fail(new Error('out of memory'));
    await until(
      () => log.some((line) => line.includes('no candidate lists (callees build nearest ones)') && line.includes('out of memory')),
      'the failure logged',
    );
    expectValidStoppedRun(await run.stop(), problem);
    expect(run.problem.candidatesRevision).toBeUndefined();
  });

  it('a callee asked for lists its orchestrator cannot give fails that slice cleanly, and serves the next', async () => {
    const guarded = await startKiln({ threads: 0 });
    const { events, session } = await recordingCallee(guarded);
    const { controller } = guarded;
    const problem = randomProblem(60, 6);
    const hash = problemHash(problem);
    const good = buildNeighbourLists(createInstance(problem), 5);
    // A problem procedure under the test's control: no lists at first, then bad ones, then good ones.
    let answer: CandidatesWire = { revision: 0 };
    await controller.register('kiln.problem.get.fake', (_args, kwargs) => (kwargs?.part === 'candidates' ? answer : problemToWire(problem)));
    const slice = (candidates?: number) =>
      controller.call(annealProcedure(session.id), [], {
        runId: 'fakerun',
        problemHash: hash,
        temperature: { start: 0, end: 0 },
        budget: { ms: 10 },
        seed: 1,
        problemFrom: 'kiln.problem.get.fake',
        ...(candidates === undefined ? {} : { candidates }),
      });

    expect(await slice(2).catch(callErrorOf)).toMatchObject({
      uri: Errors.noSuchCandidates,
      message: expect.stringMatching(/candidate lists revision 2 of random60: its orchestrator has revision 0/),
    });
    answer = { revision: 2, candidates: { k: 5, neighbours: toBytes(good.neighbours.map((j, p) => (j === 0 ? Math.floor(p / 5) : j))) } };
    expect(await slice(2).catch(callErrorOf)).toMatchObject({ uri: Errors.invalidArgument, message: expect.stringMatching(/problem\.candidates/) });
    expect(await slice(-1).catch(callErrorOf)).toMatchObject({ uri: Errors.invalidArgument, message: expect.stringMatching(/anneal\.candidates/) });
    // Nothing of that reached the thread; a slice that names no lists runs with the problem as held.
    expect(events).toEqual([]);
    await slice();
    expect(events.map((event) => event.type)).toEqual(['problem', 'slice']);

    answer = { revision: 2, candidates: { k: 5, neighbours: toBytes(good.neighbours) } };
    await slice(2);
    await slice(1);
    expect(events.map((event) => event.type)).toEqual(['problem', 'slice', 'problem', 'slice', 'slice']);
    const upgraded = events[2];
    expect(upgraded.type === 'problem' && upgraded.data.candidatesRevision).toBe(2);
    expect(upgraded.type === 'problem' && upgraded.data.candidates).toEqual(good);
  });
});

describe('a compute thread given newer candidate lists', () => {
  it('keeps its instance and takes the lists; older or equal revisions change nothing', () => {
    const runner = new SliceRunner();
    const problem = randomProblem(40, 8);
    runner.addProblem('p', problem);
    expect(runner.candidatesOf('p')).toEqual({ neighbours: buildNeighbourLists(createInstance(problem), 10), revision: 0 });
    const lists = buildAlphaNeighbourLists(createInstance(problem));
    runner.addProblem('p', { ...problem, candidates: lists, candidatesRevision: 1 });
    expect(runner.candidatesOf('p')).toEqual({ neighbours: lists, revision: 1 });
    runner.addProblem('p', problem);
    expect(runner.candidatesOf('p')?.revision).toBe(1);
    const outcome = runner.run({ id: 1, problemHash: 'p', tour: null, temperature: { start: 0, end: 0 }, budget: { moves: 10 }, seed: 1 }, () => false);
    expect(tourLength(createInstance(problem), outcome.tour)).toBe(outcome.length);
  });

  it('builds quadrant lists of its own from 1,000 cities up, until lists are shipped', () => {
    const runner = new SliceRunner();
    const problem = randomProblem(1000, 9);
    runner.addProblem('big', problem);
    expect(runner.candidatesOf('big')).toEqual({ neighbours: buildQuadrantNeighbourLists(createInstance(problem), 8, 2), revision: 0 });
  });
});
