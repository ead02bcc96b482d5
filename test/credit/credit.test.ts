/**
 * Donor credit: the ledger's ranking, per-run tallies and unique names; display names cleaned of
 * anything that could garble a line; and kiln.credit.* over the real router, where the caller's router
 * session id (disclosed) decides which worker id it may read and name (test/security/credit-claims.test.ts:
 * whom a slice is credited to).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Procedures, Topics } from '../../shared/protocol/uris.ts';
import type { CreditBoard, MyCredit, RunResult, RunState } from '../../shared/protocol/wire.ts';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { randomUniformProblem } from '../../shared/tsp/instance.ts';
import type { WampSession } from '../../shared/wamp.ts';
import { startKiln, type RunningKiln } from '../../electron/app/kiln.ts';
import { cleanDisplayName } from '../../electron/credit/display-name.ts';
import { CreditLedger } from '../../electron/credit/ledger.ts';
import type { WampClient } from '../../electron/wamp/client.ts';
import { controllerCredentials, join, until } from '../helpers/kiln-process.ts';
import { MAX_WORKER_ID } from '../../electron/machines/worker-ids.ts';

describe('CreditLedger', () => {
  it('ranks machines by CPU-seconds, then slices, and keeps each run apart', () => {
    const ledger = new CreditLedger();
    ledger.record({ runId: 'r1', workerId: 'slow', cpuMs: 100, improved: true });
    ledger.record({ runId: 'r1', workerId: 'fast', cpuMs: 100, improved: false });
    ledger.record({ runId: 'r2', workerId: 'fast', cpuMs: 150, improved: true });
    expect(ledger.board().rows.map((row) => [row.workerId, row.cpuSeconds, row.slices, row.improvements])).toEqual([
      ['fast', 0.25, 2, 1],
      ['slow', 0.1, 1, 1],
    ]);
    // Equal time and slices in r1: the improvement decides.
    expect(ledger.board('r1').rows.map((row) => row.workerId)).toEqual(['slow', 'fast']);
    expect(ledger.board('r2').rows.map((row) => row.workerId)).toEqual(['fast']);
    expect(ledger.mine('slow')).toMatchObject({ rank: 2, of: 2 });
    expect(ledger.mine('nobody')).toEqual({ row: null, rank: null, of: 2 });
  });

  it('keeps names unique in the room, whatever their case or width, and lets a machine rename itself', () => {
    const ledger = new CreditLedger();
    ledger.setName('a', 'Ana');
    expect(() => ledger.setName('b', 'ANA')).toThrow(/taken/);
    expect(() => ledger.setName('b', 'Ａｎａ')).toThrow(/taken/);
    ledger.setName('a', 'Ana B');
    ledger.setName('b', 'Ana');
    ledger.record({ runId: 'r', workerId: 'b', cpuMs: 1, improved: false });
    expect(ledger.board().rows[0].name).toBe('Ana');
  });
});

describe('cleanDisplayName', () => {
  it('strips invisible and bidirectional characters, collapses spaces and bounds the length', () => {
    expect(cleanDisplayName('  Ada\u202e  Love\u200blace\u0007 ')).toEqual({ name: 'Ada Lovelace' });
    expect(cleanDisplayName('\u200b\u202e')).toMatchObject({ error: expect.stringMatching(/empty/) });
    expect(cleanDisplayName('x'.repeat(25))).toMatchObject({ error: expect.stringMatching(/at most 24/) });
    expect(cleanDisplayName(42)).toMatchObject({ error: expect.stringMatching(/string/) });
  });
});

describe('kiln.credit.*', () => {
  let kiln: RunningKiln;
  const clients: WampClient[] = [];
  let ui: WampSession;

  async function session(credentials: Parameters<typeof join>[1]): Promise<WampSession> {
    const { client, session } = await join(kiln.routerUrl, credentials);
    clients.push(client);
    return session;
  }

  beforeAll(async () => {
    kiln = await startKiln({ host: '127.0.0.1', port: 0, threads: 1, uiDir: null });
    ui = await session(controllerCredentials(kiln));
    await until(() => (kiln.orchestrator.workers.totalConcurrency === 1 ? true : undefined), 'the local worker');
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await kiln?.close();
  });

  it('credits the machine that computed each slice, on the board and per run', async () => {
    const boards: CreditBoard[] = [];
    await ui.subscribe(Topics.creditBoard, (args) => boards.push(args![0] as CreditBoard));
    const started = await ui.call<RunState>(Procedures.solveStart, [], {
      problem: problemToWire(randomUniformProblem(100, 2)),
      budgetMs: 2000,
      params: { sliceMs: 200 },
    });
    const result = await ui.call<RunResult>(Procedures.solveResult, [started.runId]);
    const board = await ui.call<CreditBoard>(Procedures.creditBoard, [], { runId: started.runId });
    expect(board.rows[0]).toMatchObject({ workerId: 'local', slices: result.slicesByWorker.local });
    expect(board.rows[0].cpuSeconds).toBeGreaterThan(0);
    expect(board.rows[0].improvements).toBeGreaterThan(0);
    await until(() => (boards.some((published) => published.rows.some((row) => row.workerId === 'local')) ? true : undefined), 'a published board');
  });

  it('lets only the session holding a worker id read or name it; names are unique and cleaned', async () => {
    const donor = await session({ method: 'ticket', ...kiln.credentials.compute });
    const other = await session({ method: 'ticket', ...kiln.credentials.compute });
    const disclosed = { disclose_me: true };
    // The local worker's session holds 'local' (by its load): no other session reads or names its line.
    await expect(donor.call(Procedures.creditMine, [], { workerId: 'local' }, disclosed)).rejects.toMatchObject({ error: 'kiln.error.not_yours' });
    await expect(donor.call(Procedures.creditSetName, [], { workerId: 'local', name: 'Mallory' }, disclosed)).rejects.toMatchObject({
      error: 'kiln.error.not_yours',
    });
    // A free worker id is the first asking session's, for that session's life (one per session).
    const mine = await donor.call<MyCredit>(Procedures.creditMine, [], { workerId: 'grace' }, disclosed);
    expect(mine).toMatchObject({ row: null, rank: null, of: 1 });
    await donor.call<MyCredit>(Procedures.creditSetName, [], { workerId: 'grace', name: ' Grace\u202e Hopper ' }, disclosed);
    await expect(donor.call(Procedures.creditMine, [], { workerId: 'another' }, disclosed)).rejects.toMatchObject({ error: 'kiln.error.not_yours' });
    // Another session cannot rename it, and no session can without disclosing itself.
    await expect(other.call(Procedures.creditSetName, [], { workerId: 'grace', name: 'Mallory' }, disclosed)).rejects.toMatchObject({
      error: 'kiln.error.not_yours',
    });
    await expect(donor.call(Procedures.creditSetName, [], { workerId: 'grace', name: 'Grace' })).rejects.toMatchObject({ error: 'kiln.error.not_yours' });
    // A name taken in the room (here the cleaned one set above, in another case) is refused.
    await other.call(Procedures.creditMine, [], { workerId: 'elsewhere' }, disclosed);
    await expect(other.call(Procedures.creditSetName, [], { workerId: 'elsewhere', name: 'grace hopper' }, disclosed)).rejects.toMatchObject({
      error: 'kiln.error.name_taken',
    });
    // A refusal reaches the caller as its URI and a one-line message, and puts no stack in the log.
    const consoleError = vi.spyOn(console, 'error');
    await expect(other.call(Procedures.creditSetName, [], { workerId: 'elsewhere', name: 'x'.repeat(40) }, disclosed)).rejects.toMatchObject({
      error: 'kiln.error.invalid_argument',
      args: ['name: at most 24 characters'],
    });
    await expect(other.call(Procedures.creditSetName, [], { workerId: 'elsewhere', name: '\u200b' }, disclosed)).rejects.toMatchObject({
      error: 'kiln.error.invalid_argument',
      args: ['name: empty once cleaned of invisible characters'],
    });
    expect(consoleError).not.toHaveBeenCalled();
    consoleError.mockRestore();
    // Any id a load may claim (worker-ids.ts: up to MAX_WORKER_ID characters) reads its credit; a longer one is refused.
    const longest = await session({ method: 'ticket', ...kiln.credentials.compute });
    await expect(longest.call<MyCredit>(Procedures.creditMine, [], { workerId: 'w'.repeat(MAX_WORKER_ID) }, disclosed)).resolves.toBeDefined();
    const long = await session({ method: 'ticket', ...kiln.credentials.compute });
    await expect(long.call<MyCredit>(Procedures.creditMine, [], { workerId: 'v'.repeat(101) }, disclosed)).resolves.toBeDefined();
    await expect(long.call(Procedures.creditMine, [], { workerId: 'u'.repeat(MAX_WORKER_ID + 1) }, disclosed)).rejects.toMatchObject({
      error: 'kiln.error.invalid_argument',
    });
    // Donors see only their own line: the board is for controllers and viewers.
    await expect(donor.call(Procedures.creditBoard, [], {})).rejects.toMatchObject({ error: 'wamp.error.not_authorized' });
  });
});
