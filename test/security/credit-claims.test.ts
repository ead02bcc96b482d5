/**
 * Credit goes to the router session that answered a slice, never to the worker id its result claims:
 * a donor that writes another donor's worker id into its results is credited itself (under the worker
 * id its own session holds, or a line of its own when it holds none), the donor it named gets nothing,
 * and no session may read or name a worker id that another session holds. The run's own per-worker
 * count (slicesByWorker) and the machines its history record lists go by the same binding.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Procedures, Topics } from '../../shared/protocol/uris.ts';
import type { CreditBoard, CreditRow, MachinesSummary, RunRecord } from '../../shared/protocol/wire.ts';
import { createInstance } from '../../shared/tsp/instance.ts';
import type { ProblemData } from '../../shared/tsp/types.ts';
import type { HostileDonor, Invocation } from './hostile-donor.ts';
import { donorLoad, expectValidFinishedRun, honestAnswer, randomProblem, solve, guardedKilnPerTest, type GuardedKiln } from './fixture.ts';

const startGuarded = guardedKilnPerTest();
const stateDirs: string[] = [];
afterEach(() => {
  for (const dir of stateDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function stateDir(): string {
  const dir = mkdtempSync(joinPath(tmpdir(), 'kiln-credit-claims-'));
  stateDirs.push(dir);
  return dir;
}

/** A 2-opt local optimum from `start`: shorter than the run's own quick tour on a random set, so the first answer improves the run. */
function twoOpt(problem: ProblemData, start: Int32Array): Int32Array {
  const { dist } = createInstance(problem);
  const tour = Int32Array.from(start);
  const n = tour.length;
  for (let improved = true; improved;) {
    improved = false;
    for (let i = 0; i < n - 2; i++) {
      for (let j = i + 2; j < n - (i === 0 ? 1 : 0); j++) {
        const [a, b, c, d] = [tour[i], tour[i + 1], tour[j], tour[(j + 1) % n]];
        if (dist(a, c) + dist(b, d) < dist(a, b) + dist(c, d)) {
          tour.subarray(i + 1, j + 1).reverse();
          improved = true;
        }
      }
    }
  }
  return tour;
}

/** Answers every slice at once with a 2-opt tour from the one given (or the identity), claiming `claimedId` and `elapsedMs`. */
function answerAs(donor: HostileDonor, problem: ProblemData, claimedId: string, elapsedMs: number): void {
  donor.onInvocation = (invocation: Invocation) => {
    const answer = honestAnswer(invocation, problem.n, claimedId);
    // A copy: the received bytes may be a view into a larger (pooled) buffer.
    const given = new Int32Array(Uint8Array.from(answer.tour as Uint8Array).buffer);
    const tour = twoOpt(problem, given);
    donor.yield(invocation.request, {
      ...answer,
      tour: new Uint8Array(tour.buffer),
      stats: { ...(answer.stats as object), elapsedMs },
    });
  };
}

/** Waits for a machine summary listing exactly these worker ids: their loads are bound to their sessions. */
async function machinesListed(guarded: GuardedKiln, workerIds: string[]): Promise<void> {
  await new Promise<void>((resolve) => {
    void guarded.controller.subscribe(Topics.machinesSummary, (args) => {
      const summary = args?.[0] as MachinesSummary;
      const listed = summary.machines.map((row) => row.workerId).sort();
      if (JSON.stringify(listed) === JSON.stringify([...workerIds].sort())) resolve();
    });
  });
}

describe('credit follows the session that answered', () => {
  it('credits a donor that claims another worker id in its results to itself, and the other gets none', async () => {
    const guarded = await startGuarded({ threads: 0, stateDir: stateDir() });
    const disclosed = { disclose_me: true };
    const victim = await guarded.donor();
    const liar = await guarded.donor();
    const stranger = await guarded.donor();
    const listed = machinesListed(guarded, ['liar', 'victim']);
    // The victim only says who it is (no compute); the liar reports its own id but claims the victim's in results.
    victim.publish(Topics.workerLoad, [donorLoad('victim', 1)], disclosed);
    liar.publish(Topics.workerLoad, [donorLoad('liar', 1)], disclosed);
    await listed;
    const problem = randomProblem(40);
    answerAs(liar, problem, 'victim', 40);
    // A stranger that reports no load at all and claims the victim's id too: a line of its own.
    answerAs(stranger, problem, 'victim', 1e9);
    await liar.registerAnneal(1);
    await stranger.registerAnneal(1);

    const result = await solve(guarded.controller, problem, 1500, 100);
    expectValidFinishedRun(result, problem);
    // Credit went by session...
    const board = await guarded.controller.call<CreditBoard>(Procedures.creditBoard, [], { runId: result.runId });
    const rows = new Map<string, CreditRow>(board.rows.map((row) => [row.workerId, row]));
    const strangerLine = `session-${stranger.sessionId}`;
    expect([...rows.keys()].sort()).toEqual(['liar', strangerLine]);
    const liarRow = rows.get('liar')!;
    const strangerRow = rows.get(strangerLine)!;
    expect(liarRow.slices).toBeGreaterThan(0);
    expect(strangerRow.slices).toBeGreaterThan(0);
    expect(liarRow.slices + strangerRow.slices).toBe(result.slicesDone);
    // ...and so did the run's own per-worker count and the machines its history lists: the victim, named in every result, has no line.
    expect(result.slicesByWorker).toEqual({ liar: liarRow.slices, [strangerLine]: strangerRow.slices });
    const record = await guarded.controller.call<RunRecord>(Procedures.runsGet, [], { runId: result.runId });
    expect([...record.machines].sort((a, b) => a.workerId.localeCompare(b.workerId))).toEqual(
      [
        { workerId: 'liar', slices: liarRow.slices },
        { workerId: strangerLine, slices: strangerRow.slices },
      ].sort((a, b) => a.workerId.localeCompare(b.workerId)),
    );
    // CPU time as each claimed it, capped at the slice's budget (100 ms; less for the last slices of the run).
    expect(liarRow.cpuSeconds / liarRow.slices).toBeGreaterThan(0);
    expect(liarRow.cpuSeconds / liarRow.slices).toBeLessThanOrEqual(0.04);
    expect(strangerRow.cpuSeconds / strangerRow.slices).toBeGreaterThan(0.04);
    expect(strangerRow.cpuSeconds / strangerRow.slices).toBeLessThanOrEqual(0.1);
    // The first answer (a 2-opt tour) beat the run's quick tour: that improvement is one of theirs.
    expect(liarRow.improvements + strangerRow.improvements).toBeGreaterThanOrEqual(1);
    const whole = await guarded.controller.call<CreditBoard>(Procedures.creditBoard, [], {});
    expect(whole.rows.some((row) => row.workerId === 'victim')).toBe(false);

    // The victim sees no credit of its own; neither donor can read or name the victim's line.
    expect(await victim.call(Procedures.creditMine, { workerId: 'victim' }, disclosed)).toEqual({ result: { row: null, rank: null, of: 2 } });
    for (const donor of [liar, stranger]) {
      expect(await donor.call(Procedures.creditMine, { workerId: 'victim' }, disclosed)).toMatchObject({ error: 'kiln.error.not_yours' });
      expect(await donor.call(Procedures.creditSetName, { workerId: 'victim', name: 'Mallory' }, disclosed)).toMatchObject({
        error: 'kiln.error.not_yours',
      });
    }
    // The liar names its own line, and reads it with its rank.
    const named = await liar.call(Procedures.creditSetName, { workerId: 'liar', name: 'Honest Liar' }, disclosed);
    expect(named).toMatchObject({ result: { row: { workerId: 'liar', name: 'Honest Liar', slices: expect.any(Number) }, of: 2 } });
  });
});
