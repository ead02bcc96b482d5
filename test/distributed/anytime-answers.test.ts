/**
 * Anytime answers: a solve answers with a valid tour whatever its budget and however slow its
 * callees start (the orchestrator's own first tour, then every improvement), its elapsedMs is the real
 * time from the call to the answer, and `kiln solve` counts its own start-up in the budget.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Topics } from '../../shared/protocol/uris.ts';
import type { RunProgress } from '../../shared/protocol/wire.ts';
import { parseTour as parseWireTour } from '../../shared/protocol/validate.ts';
import { createInstance, randomUniformProblem, tourLength } from '../../shared/tsp/instance.ts';
import { parseTour } from '../../shared/tsp/tour.ts';
import { writeTsplib } from '../helpers/city-files.ts';
import { Cluster, solveRequest } from '../helpers/cluster.ts';
import { KILN } from '../helpers/kiln-process.ts';

const run = promisify(execFile);
const scratch = mkdtempSync(joinPath(tmpdir(), 'kiln-anytime-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let cluster: Cluster | null = null;
afterEach(async () => {
  await cluster?.stop();
  cluster = null;
});

describe('a run with no callee answering', () => {
  it("finishes with the orchestrator's own valid tour, published as its first progress, and the real elapsed time", async () => {
    cluster = await Cluster.start();
    const session = await cluster.controller();
    const problem = randomUniformProblem(200, 7);
    const instance = createInstance(problem);
    const progress: RunProgress[] = [];
    await session.subscribe(Topics.anyRunProgress, (args) => progress.push(args?.[0] as RunProgress), { match: 'wildcard' });
    const budgetMs = 300;
    const askedAt = Date.now();
    const { result } = await cluster.solve(session, solveRequest(problem, budgetMs));
    const waitedMs = Date.now() - askedAt;

    expect(result.phase).toBe('finished');
    expect(result.error).toBeUndefined();
    expect(result.slicesDone).toBe(0);
    const tour = parseWireTour(result.tour!, problem.n, 'result tour');
    expect(result.bestLength).toBe(tourLength(instance, tour));
    expect(result.elapsedMs).toBeGreaterThanOrEqual(budgetMs);
    expect(result.elapsedMs).toBeLessThanOrEqual(waitedMs);
    const first = progress.find((event) => event.runId === result.runId);
    expect(first?.bestLength).toBe(result.bestLength);
  });
});

describe('kiln solve', () => {
  it('answers with a valid tour, state finished and its real elapsed time when start-up takes longer than the budget', async () => {
    const problem = randomUniformProblem(60, 11);
    const file = writeTsplib(scratch, problem);
    const out = joinPath(scratch, 'slow-start.tour');
    // A slow start made certain: this preload holds the process 400 ms before kiln loads, and the
    // budget (100 ms) counts from the process's start, so no compute thread can be ready in time.
    const holdMs = 400;
    const hold = `data:text/javascript,while (performance.now() < ${holdMs});`;
    const startedAt = Date.now();
    const { stdout, stderr } = await run(process.execPath, ['--import', hold, KILN, 'solve', file, '--budget', '100ms', '--out', out]);
    const wallMs = Date.now() - startedAt;

    const summary = JSON.parse(stdout.trim());
    expect(summary).toMatchObject({ name: problem.name, n: 60, state: 'finished', slices: 0, budgetMs: 100, tour: out });
    expect(summary.elapsedMs).toBeGreaterThanOrEqual(holdMs);
    expect(summary.elapsedMs).toBeLessThanOrEqual(wallMs);
    expect(summary).not.toHaveProperty('firstSliceMs');
    const { tour } = parseTour(readFileSync(out, 'utf8'), 60, 'slow-start.tour');
    expect(tourLength(createInstance(problem), tour)).toBe(summary.length);
    // The note names the real cause, not a guess about connections.
    expect(stderr).toMatch(/no annealing slice came back within the budget \(no compute callee had registered\)/);
  });

  it('exits 1 without a result line when the run fails', async () => {
    // Coordinates near 1e300 overflow every length: the run cannot produce a usable tour.
    const xs = Float64Array.from({ length: 12 }, (_, i) => (i % 4) * 1e300);
    const ys = Float64Array.from({ length: 12 }, (_, i) => Math.floor(i / 4) * 1e300);
    const file = writeTsplib(scratch, { name: 'overflow', n: 12, xs, ys });
    const failed = await run(process.execPath, [KILN, 'solve', file, '--budget', '1s', '--workers', '1', '--out', joinPath(scratch, 'overflow.tour')]).catch(
      (error) => error,
    );
    expect(failed.code).not.toBe(0);
    expect(failed.code).not.toBeUndefined();
    expect(failed.stdout).not.toMatch(/"length"/);
    expect(failed.stderr).toMatch(/^kiln/m);
  });
});
