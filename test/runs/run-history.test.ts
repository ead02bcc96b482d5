/**
 * The run history: the store on disk (atomic files, newest first, the cap, damaged files skipped),
 * kiln.runs.* over the real router as the UI uses them (every ended run recorded, reopened in full,
 * deleted, capped; a run started from a past best tour), and `kiln runs` as a process.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Procedures, Topics } from '../../shared/protocol/uris.ts';
import type { RunRecord, RunResult, RunState, RunSummary } from '../../shared/protocol/wire.ts';
import { decodeInt32s, problemToWire } from '../../shared/protocol/codecs.ts';
import { parseTour as parseTourBytes, problemFromWire } from '../../shared/protocol/validate.ts';
import { createInstance, randomUniformProblem, tourLength } from '../../shared/tsp/instance.ts';
import { parseTour } from '../../shared/tsp/tour.ts';
import type { WampSession } from '../../shared/wamp.ts';
import { startKiln, type RunningKiln } from '../../electron/app/kiln.ts';
import { RunStore } from '../../electron/runs/run-store.ts';
import type { WampClient } from '../../electron/wamp/client.ts';
import { joinAsController, KilnProcess, runKiln, until } from '../helpers/kiln-process.ts';

const KILN = fileURLToPath(new URL('../../bin/kiln.mjs', import.meta.url));
const dirs: string[] = [];
function stateDir(): string {
  const dir = mkdtempSync(joinPath(tmpdir(), 'kiln-runs-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function record(runId: string, startedAt: number, problemSeed = 1): RunRecord {
  const problem = randomUniformProblem(10, problemSeed);
  const tour = Int32Array.from({ length: 10 }, (_, i) => i);
  return {
    runId,
    problemHash: (problemSeed.toString(16) + '0'.repeat(16)).slice(0, 16),
    problemName: `p${problemSeed}`,
    n: 10,
    budgetMs: 1000,
    method: 'default',
    phase: 'finished',
    startedAt,
    endedAt: startedAt + 1000,
    bestLength: tourLength(createInstance(problem), tour),
    machines: [{ workerId: 'local', slices: 3 }],
    slicesDone: 3,
    continued: false,
    convergence: [
      [5, 100],
      [900, 90],
    ],
    tour: new Uint8Array(tour.buffer),
    problem: problemToWire(problem),
  };
}

describe('RunStore', () => {
  it('lists kept runs newest first and reopens one in full', () => {
    const store = new RunStore(stateDir());
    store.save(record('aaa', 1000));
    store.save(record('bbb', 3000, 2));
    store.save(record('ccc', 2000));
    expect(store.list().map((run) => run.runId)).toEqual(['bbb', 'ccc', 'aaa']);
    expect(store.list()[0]).not.toHaveProperty('convergence');
    const reopened = store.get('ccc')!;
    expect(reopened.convergence).toEqual([
      [5, 100],
      [900, 90],
    ]);
    expect(Array.from(decodeInt32s(reopened.tour, 'tour'))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(problemFromWire(reopened.problem).n).toBe(10);
  });

  it('leaves no temporary files behind and keeps one copy of a city set shared by runs', () => {
    const dir = stateDir();
    const store = new RunStore(dir);
    store.save(record('aaa', 1));
    store.save(record('bbb', 2));
    expect(readdirSync(joinPath(dir, 'runs')).sort()).toEqual(['aaa.json', 'aaa.tour', 'bbb.json', 'bbb.tour', 'problems']);
    expect(readdirSync(joinPath(dir, 'runs', 'problems'))).toHaveLength(1);
  });

  it('keeps only the newest runs under its cap, and forgets city sets no run needs', () => {
    const dir = stateDir();
    const store = new RunStore(dir);
    store.save(record('aaa', 1, 1));
    store.save(record('bbb', 2, 2));
    store.save(record('ccc', 3, 3));
    expect(store.setMaxRuns(2)).toEqual(['aaa']);
    expect(store.save(record('ddd', 4, 3))).toEqual(['bbb']);
    expect(store.list().map((run) => run.runId)).toEqual(['ddd', 'ccc']);
    expect(readdirSync(joinPath(dir, 'runs', 'problems'))).toHaveLength(1);
    // The cap is kept with the history.
    expect(new RunStore(dir).settings()).toEqual({ maxRuns: 2 });
    expect(() => store.setMaxRuns(0)).toThrow(/maxRuns/);
  });

  it('skips a damaged or foreign file instead of failing the whole list, and refuses path-like ids', () => {
    const dir = stateDir();
    const store = new RunStore(dir);
    store.save(record('good', 1));
    writeFileSync(joinPath(dir, 'runs', 'torn.json'), '{"runId": "torn", "probl');
    writeFileSync(joinPath(dir, 'runs', 'notes.txt'), 'hello');
    expect(store.list().map((run) => run.runId)).toEqual(['good']);
    expect(store.get('torn')).toBeNull();
    expect(store.get('../good')).toBeNull();
    expect(store.remove('../../etc')).toBe(false);
    expect(() => store.save(record('../x', 1))).toThrow(/cannot name a file/);
  });
});

describe('kiln.runs.* and kiln runs', () => {
  let kiln: RunningKiln;
  let client: WampClient;
  let ui: WampSession;
  const dir = stateDir();
  const problem = randomUniformProblem(60, 4);

  beforeAll(async () => {
    kiln = await startKiln({ host: '127.0.0.1', port: 0, threads: 1, uiDir: null, stateDir: dir });
    ({ client, session: ui } = await joinAsController(kiln));
    await until(() => (kiln.orchestrator.workers.totalConcurrency === 1 ? true : undefined), 'the local worker');
  });

  afterAll(async () => {
    await client?.close();
    await kiln?.close();
  });

  async function solve(kwargs: Record<string, unknown>): Promise<RunResult> {
    const started = await ui.call<RunState>(Procedures.solveStart, [], {
      problem: problemToWire(problem),
      budgetMs: 2000,
      params: { sliceMs: 200, seed: 1 },
      ...kwargs,
    });
    return ui.call<RunResult>(Procedures.solveResult, [started.runId]);
  }

  it('records every ended run, tells pages, and reopens it with its city set, tour and convergence', async () => {
    const changes: string[][] = [];
    await ui.subscribe(Topics.runsChanged, (args) => changes.push((args![0] as { runIds: string[] }).runIds));
    const result = await solve({});
    await until(() => (changes.some((ids) => ids.includes(result.runId)) ? true : undefined), 'kiln.runs.changed');
    const list = await ui.call<RunSummary[]>(Procedures.runsList, [], {});
    expect(list[0]).toMatchObject({
      runId: result.runId,
      problemName: problem.name,
      n: 60,
      budgetMs: 2000,
      bestLength: result.bestLength,
      phase: 'finished',
      continued: false,
    });
    expect(list[0].machines).toEqual([{ workerId: 'local', slices: result.slicesByWorker.local }]);
    expect(list[0].endedAt).toBeGreaterThanOrEqual(list[0].startedAt);
    const full = await ui.call<RunRecord>(Procedures.runsGet, [], { runId: result.runId });
    const tour = parseTourBytes(full.tour, 60, 'tour');
    expect(tourLength(createInstance(problemFromWire(full.problem)), tour)).toBe(result.bestLength);
    expect(full.convergence.length).toBeGreaterThan(0);
    expect(full.convergence.at(-1)![1]).toBe(result.bestLength);
  });

  it('starts a run from a past best tour: it can only get better', async () => {
    const [past] = await ui.call<RunSummary[]>(Procedures.runsList, [], {});
    const full = await ui.call<RunRecord>(Procedures.runsGet, [], { runId: past.runId });
    const result = await solve({ tour: full.tour });
    expect(result.bestLength).toBeLessThanOrEqual(past.bestLength!);
    await until(
      async () => ((await ui.call<RunSummary[]>(Procedures.runsList, [], {}))[0].runId === result.runId ? true : undefined),
      'the continued run listed',
    );
    const [latest] = await ui.call<RunSummary[]>(Procedures.runsList, [], {});
    expect(latest.continued).toBe(true);
    // A tour that is not one of this set's permutations is refused.
    await expect(solve({ tour: [0, 1, 2] })).rejects.toMatchObject({ error: 'kiln.error.invalid_argument' });
  });

  it('deletes a run and applies a cap the user sets; bad requests get clear errors', async () => {
    const before = await ui.call<RunSummary[]>(Procedures.runsList, [], {});
    expect(before.length).toBeGreaterThanOrEqual(2);
    await ui.call(Procedures.runsDelete, [], { runId: before[0].runId });
    await expect(ui.call(Procedures.runsGet, [], { runId: before[0].runId })).rejects.toMatchObject({ error: 'kiln.error.no_such_record' });
    await expect(ui.call(Procedures.runsDelete, [], { runId: before[0].runId })).rejects.toMatchObject({ error: 'kiln.error.no_such_record' });
    await expect(ui.call(Procedures.runsSettings, [], { maxRuns: 0 })).rejects.toMatchObject({ error: 'kiln.error.invalid_argument' });
    await expect(ui.call(Procedures.runsGet, [], {})).rejects.toMatchObject({ error: 'kiln.error.invalid_argument' });
    await solve({});
    await solve({});
    expect(await ui.call(Procedures.runsSettings, [], { maxRuns: 2 })).toEqual({ maxRuns: 2 });
    expect(await ui.call<RunSummary[]>(Procedures.runsList, [], {})).toHaveLength(2);
  });

  it('kiln runs lists, shows, exports, caps and deletes the same history', async () => {
    const runs = new RunStore(dir).list();
    expect(runs).toHaveLength(2);
    const cli = async (...args: string[]) => {
      const process_ = new KilnProcess(spawn(process.execPath, [KILN, 'runs', ...args, '--state-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] }));
      const code = await process_.exited;
      return { code, output: process_.output.join('\n') };
    };
    // Every kept run, newest first, as text and as JSON.
    const list = await cli('list');
    expect(list.code).toBe(0);
    expect(list.output.split('\n').map((line) => line.split(' ')[0])).toEqual(runs.map((run) => run.runId));
    expect((JSON.parse((await cli('list', '--json')).output) as RunSummary[]).map((run) => run.runId)).toEqual(runs.map((run) => run.runId));
    expect((await cli('show', runs[0].runId)).output).toMatch(/machines: local \(\d+\)/);
    const exported = await cli('export', runs[0].runId);
    expect(tourLength(createInstance(problem), parseTour(exported.output, 60, 'exported').tour)).toBe(runs[0].bestLength);
    expect(JSON.parse((await cli('export', runs[0].runId, '--format', 'json')).output).tour).toHaveLength(60);
    const badFormat = await cli('export', runs[0].runId, '--format', 'svg');
    expect(badFormat.code).toBe(2);
    expect(badFormat.output).toContain('--format: expected tour or json, got svg');

    // The cap: the older run goes at once, and the running control center reads the same cap.
    const keep = await cli('keep', '1');
    expect(keep.code).toBe(0);
    expect(keep.output).toContain('keeping the newest 1 runs; deleted 1');
    expect(new RunStore(dir).list().map((run) => run.runId)).toEqual([runs[0].runId]);
    expect(await ui.call(Procedures.runsSettings, [], {})).toEqual({ maxRuns: 1 });

    expect((await cli('rm', runs[0].runId)).code).toBe(0);
    const missing = await cli('show', runs[0].runId);
    expect(missing.code).toBe(2);
    expect(missing.output).toContain(`no run ${runs[0].runId}`);
    const unknown = await cli('rm', runs[0].runId);
    expect(unknown.code).toBe(1);
    expect(unknown.output).toContain(`no run ${runs[0].runId}`);
    expect((await cli('list')).output).toBe('no runs kept');
    expect(new RunStore(dir).list()).toEqual([]);
  });
});

describe('kiln runs --state-dir', () => {
  it('names a directory that does not exist instead of making it and listing nothing', async () => {
    const missing = joinPath(stateDir(), 'typo');
    const process_ = new KilnProcess(spawn(process.execPath, [KILN, 'runs', 'list', '--state-dir', missing], { stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(await process_.exited).toBe(2);
    expect(process_.output.join('\n')).toContain(`kiln runs: --state-dir ${missing}: no such directory`);
    expect(existsSync(missing)).toBe(false);
  });
});

describe('kiln runs without --state-dir, where nothing was ever kept', () => {
  it('lists, shows and deletes without creating the default state directory', async () => {
    const home = stateDir();
    const env = { HOME: home, XDG_CONFIG_HOME: '' };
    expect(await runKiln(['runs', 'list'], env)).toMatchObject({ code: 0, stdout: 'no runs kept\n' });
    expect(await runKiln(['runs', 'show', 'abc'], env)).toMatchObject({ code: 2, stderr: 'kiln runs: no run abc (kiln runs list shows the kept ones)\n' });
    expect(await runKiln(['runs', 'rm', 'abc'], env)).toMatchObject({ code: 1, stderr: 'kiln runs: no run abc\n' });
    expect(readdirSync(home)).toEqual([]);
  });
});

describe('kiln runs export', () => {
  it('checks --format and the --out folder before looking the run up, and says what is wrong', async () => {
    const dir = stateDir();
    new RunStore(dir).save(record('aaa', 1000));
    const missingFolder = joinPath(dir, 'no-such-folder');
    const exported = (...args: string[]) => runKiln(['runs', 'export', ...args, '--state-dir', dir]);
    expect(await exported('zzz', '--format', 'xml')).toMatchObject({ code: 2, stderr: 'kiln runs: --format: expected tour or json, got xml\n' });
    expect(await exported('aaa', '--out', joinPath(missingFolder, 'x.tour'))).toMatchObject({
      code: 2,
      stderr: `kiln runs: cannot write run aaa to ${joinPath(missingFolder, 'x.tour')}: the folder ${missingFolder} does not exist\n`,
    });
    expect(await exported('aaa', '--out', dir)).toMatchObject({ code: 2, stderr: `kiln runs: cannot write run aaa to ${dir}: it is a directory\n` });
    expect(existsSync(missingFolder)).toBe(false);
    const out = joinPath(dir, 'aaa.tour');
    expect(await exported('aaa', '--out', out)).toMatchObject({ code: 0, stderr: '' });
    expect(parseTour(readFileSync(out, 'utf8'), 10, 'aaa.tour').tour).toHaveLength(10);
  });
});
