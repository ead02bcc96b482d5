/**
 * A run's only callee, quarantined because its whole first wave answered late (16 threads on a loaded 2-core
 * machine), in a real Kiln (electron/orchestrator/blame.ts, run.ts): its late answers come after the orchestrator
 * canceled those calls, so none reaches the run; the quarantine must still end, or the run deals nothing to its end.
 */
import { describe, expect, it } from 'vitest';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import type { SliceJob } from '../../shared/compute/thread-messages.ts';
import { ScriptedThread, threadCallee } from '../helpers/thread-callee.ts';
import { expectValidFinishedRun, guardedKilnPerTest, randomProblem, until } from '../security/fixture.ts';

const startKiln = guardedKilnPerTest();

describe('a quarantine for silence', () => {
  it("does not strand a run whose only callee's whole first wave answered after the orchestrator gave up on it", async () => {
    const guarded = await startKiln({ threads: 0 });
    const { kiln, log } = guarded;
    // Slices are answered at once, except while the test holds them: then when it lets them go.
    const jobs: SliceJob[] = [];
    let held: Array<() => void> | null = null;
    const hold = () => (held ? new Promise<object>((resolve) => held!.push(() => resolve({}))) : {});
    const threads = 4;
    const session = await threadCallee(guarded, 'late', threads, () => new ScriptedThread(jobs, hold));
    const problem = randomProblem(60);

    // A first run that the callee answers, as a control center's earlier run: its deadlines now follow its record.
    const warm = kiln.orchestrator.startRun({ problem: problemToWire(problem), budgetMs: 60_000, params: { sliceMs: 100, seed: 1 } });
    await until(() => (warm.progress()?.slicesDone ?? 0) > 0, 'a slice of the first run answered');
    await warm.stop();

    held = [];
    const run = kiln.orchestrator.startRun({ problem: problemToWire(problem), budgetMs: 8000, params: { sliceMs: 100, seed: 2 } });
    const quarantined = (line: string) => line.includes(`callee ${session.id} ('late') quarantined`);
    await until(() => log.some(quarantined) && run.slicesInFlight === 0, 'the callee quarantined and its first wave given up');
    // Now the first wave answers, too late for the calls the orchestrator canceled; what comes after, at once.
    const late = held;
    held = null;
    expect(late.length).toBe(threads);
    for (const answer of late) answer();

    const result = await run.finished();
    const diagnostics = JSON.stringify({ ...result, tour: null, log: log.filter((line) => line.includes('callee')) });
    expectValidFinishedRun(result, problem);
    expect(result.slicesDone, diagnostics).toBeGreaterThan(0);
    // The quarantine eased into probation, and the probe's answer lifted it.
    const probation = log.findIndex((line) => line.includes(`callee ${session.id} ('late') on probation`));
    const lifted = log.findIndex((line) => line.includes(`callee ${session.id} ('late') answered after all: its quarantine is lifted`));
    expect(probation, diagnostics).toBeGreaterThan(0);
    expect(lifted, diagnostics).toBeGreaterThan(probation);
  });
});
