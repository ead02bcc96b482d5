/** A run's history record, from the orchestrator's Run and its final result. */
import type { RunRecord, RunResult } from '../../shared/protocol/wire.ts';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import type { Run } from '../orchestrator/run.ts';

export function recordOf(run: Run, result: RunResult, endedAt: number): RunRecord {
  const record: RunRecord = {
    runId: result.runId,
    problemHash: result.problemHash,
    problemName: result.problemName,
    n: result.n,
    budgetMs: result.budgetMs,
    method: run.params.method ?? 'default',
    phase: result.phase,
    startedAt: result.startedAt,
    endedAt,
    bestLength: result.bestLength,
    machines: Object.entries(result.slicesByWorker)
      .map(([workerId, slices]) => ({ workerId, slices }))
      .sort((a, b) => b.slices - a.slices),
    slicesDone: result.slicesDone,
    continued: run.continued,
    convergence: run.convergence.map(([ms, length]) => [ms, length]),
    tour: result.tour,
    problem: problemToWire(run.problem),
  };
  if (result.optimum !== undefined) record.optimum = result.optimum;
  if (result.gapPercent !== undefined) record.gapPercent = result.gapPercent;
  if (result.error !== undefined) record.error = result.error;
  return record;
}
