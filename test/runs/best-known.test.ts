/**
 * Best known lengths kept with the city sets: the store on disk (atomic files by content hash, kept
 * across a restart, damaged files read as none, bounded), and kiln.problem.bestKnown / setBestKnown over
 * the real router: controllers only, every bad value refused with kiln.error.invalid_argument and a
 * one-line message (and no stack in the log), changes published, and the gap of runs that come
 * without a reference length measured against it, also after kiln serve restarts.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Procedures, Topics } from '../../shared/protocol/uris.ts';
import type { BestKnown, RunResult, RunState } from '../../shared/protocol/wire.ts';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { randomUniformProblem } from '../../shared/tsp/instance.ts';
import { problemHash } from '../../shared/tsp/problem.ts';
import { startKiln, type RunningKiln } from '../../electron/app/kiln.ts';
import { BestKnownStore } from '../../electron/runs/best-known-store.ts';
import type { WampClient } from '../../electron/wamp/client.ts';
import { controllerCredentials, join } from '../helpers/kiln-process.ts';

const dirs: string[] = [];
function stateDir(): string {
  const dir = mkdtempSync(joinPath(tmpdir(), 'kiln-best-known-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const HASH_A = 'aaaaaaaaaaaaaaaa';
const HASH_B = 'bbbbbbbbbbbbbbbb';

describe('BestKnownStore', () => {
  it('keeps a length per city set across instances, forgets it on null, and reads a damaged file as none', () => {
    const dir = stateDir();
    const store = new BestKnownStore(dir);
    expect(store.get(HASH_A)).toBeNull();
    expect(store.set(HASH_A, 1234.5)).toBe(1234.5);
    expect(store.set(HASH_B, 99)).toBe(99);
    // A new instance on the same directory (kiln serve restarted) reads what was kept; no temporary file is left.
    const again = new BestKnownStore(dir);
    expect(again.get(HASH_A)).toBe(1234.5);
    expect(readdirSync(joinPath(dir, 'best-known')).sort()).toEqual([`${HASH_A}.json`, `${HASH_B}.json`]);
    expect(again.set(HASH_A, null)).toBeNull();
    expect(again.get(HASH_A)).toBeNull();
    writeFileSync(joinPath(dir, 'best-known', `${HASH_B}.json`), '{"length": -5');
    expect(again.get(HASH_B)).toBeNull();
    expect(() => again.get('../../etc/passwd')).toThrow(/content hash/);
  });

  it('forgets the set given longest ago when full', () => {
    const store = new BestKnownStore(stateDir(), 2);
    store.set('1111111111111111', 1);
    store.set('2222222222222222', 2);
    store.set('2222222222222222', 3); // replacing one takes no room
    expect(store.get('1111111111111111')).toBe(1);
    store.set('3333333333333333', 4);
    expect(store.get('1111111111111111')).toBeNull();
    expect([store.get('2222222222222222'), store.get('3333333333333333')]).toEqual([3, 4]);
  });
});

describe('kiln.problem.bestKnown', () => {
  let kiln: RunningKiln | null = null;
  const clients: WampClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await kiln?.close();
    kiln = null;
  });

  async function session(credentials: Parameters<typeof join>[1]) {
    const { client, session } = await join(kiln!.routerUrl, credentials);
    clients.push(client);
    return session;
  }

  async function solve(ui: Awaited<ReturnType<typeof session>>, problem: ReturnType<typeof randomUniformProblem>): Promise<RunResult> {
    const started = await ui.call<RunState>(Procedures.solveStart, [], { problem: problemToWire(problem), budgetMs: 600, params: { sliceMs: 100 } });
    return ui.call<RunResult>(Procedures.solveResult, [started.runId]);
  }

  it('is kept for controllers, refused clearly when bad, gives runs their gap, and survives a restart', async () => {
    const dir = stateDir();
    const log: string[] = [];
    const consoleError = vi.spyOn(console, 'error');
    kiln = await startKiln({ host: '127.0.0.1', port: 0, threads: 1, uiDir: null, stateDir: dir, log: (_level, line) => log.push(line) });
    const ui = await session(controllerCredentials(kiln));
    const problem = randomUniformProblem(60, 5);
    const hash = problemHash(problem);
    expect(await ui.call<BestKnown>(Procedures.bestKnown, [], { hash })).toEqual({ hash, length: null });

    // Without a reference, a run has no gap.
    const plain = await solve(ui, problem);
    expect(plain.gapPercent).toBeUndefined();

    const changes: BestKnown[] = [];
    await ui.subscribe(Topics.bestKnownChanged, (args) => changes.push(args![0] as BestKnown));
    const reference = Math.round(plain.bestLength! * 0.95);
    expect(await ui.call<BestKnown>(Procedures.setBestKnown, [], { hash, length: reference })).toEqual({ hash, length: reference });
    // The setter's own event arrives before the answer to a later call on the same router.
    expect(await ui.call<BestKnown>(Procedures.bestKnown, [], { hash })).toEqual({ hash, length: reference });
    expect(changes).toEqual([{ hash, length: reference }]);

    // Every bad value is refused with the URI and a one-line message; the kept length stays.
    for (const [kwargs, message] of [
      [{ hash, length: -3 }, /length: expected a positive number/],
      [{ hash, length: 0 }, /length: expected a positive number/],
      [{ hash, length: Infinity }, /length: expected a positive number/],
      [{ hash, length: 2e15 }, /up to 1000000000000000/],
      [{ hash, length: '900' }, /length: expected a positive number/],
      [{ hash }, /length: expected/],
      [{ hash: '../../etc/x', length: 5 }, /hash: expected a city set's content hash/],
      [{ length: 5 }, /hash: expected/],
    ] as const) {
      const refused = await ui.call(Procedures.setBestKnown, [], kwargs).then(
        () => null,
        (error: { error: string; args: unknown[] }) => error,
      );
      expect(refused?.error).toBe('kiln.error.invalid_argument');
      expect(refused?.args[0]).toMatch(message);
      expect(String(refused?.args[0])).not.toContain('\n');
    }
    expect(await ui.call<BestKnown>(Procedures.bestKnown, [], { hash })).toEqual({ hash, length: reference });

    // Compute sessions (any donor) may neither read nor set it.
    const donor = await session({ method: 'ticket', ...kiln.credentials.compute });
    await expect(donor.call(Procedures.setBestKnown, [], { hash, length: 1 })).rejects.toMatchObject({ error: 'wamp.error.not_authorized' });
    await expect(donor.call(Procedures.bestKnown, [], { hash })).rejects.toMatchObject({ error: 'wamp.error.not_authorized' });

    // A run that comes without a reference length measures its gap against the one kept...
    const measured = await solve(ui, problem);
    expect(measured.optimum).toBe(reference);
    expect(measured.gapPercent).toBeCloseTo((100 * (measured.bestLength! - reference)) / reference, 9);
    // ...and one that brings its own (a proven optimum) keeps it.
    const own = await ui.call<RunState>(Procedures.solveStart, [], { problem: { ...problemToWire(problem), optimum: reference - 1 }, budgetMs: 300 });
    expect(own.optimum).toBe(reference - 1);
    await ui.call(Procedures.solveResult, [own.runId]);

    // Refusals leave one line at most in the log, and no autobahn stack on the console.
    expect(log.every((line) => !line.includes('\n'))).toBe(true);
    expect(consoleError.mock.calls.flat().join(' ')).not.toMatch(/Exception raised/);
    consoleError.mockRestore();

    // kiln serve restarted on the same state directory: the length is still there, and still used.
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await kiln.close();
    kiln = await startKiln({ host: '127.0.0.1', port: 0, threads: 1, uiDir: null, stateDir: dir });
    const after = await session(controllerCredentials(kiln));
    expect(await after.call<BestKnown>(Procedures.bestKnown, [], { hash })).toEqual({ hash, length: reference });
    expect((await solve(after, problem)).optimum).toBe(reference);
    // Forgotten: runs have no gap again.
    expect(await after.call<BestKnown>(Procedures.setBestKnown, [], { hash, length: null })).toEqual({ hash, length: null });
    expect((await solve(after, problem)).gapPercent).toBeUndefined();
  });
});
