/**
 * The control center's procedures called with a run id missing or of the wrong kind: each answers
 * kiln.error.invalid_argument naming runId (not "no run with id undefined", and not a board that
 * quietly ignores it), over a real router and WebSocket; a well-formed id of no run still gets
 * kiln.error.no_such_run.
 */
import { describe, expect, it } from 'vitest';
import { Procedures } from '../../shared/protocol/uris.ts';
import { kilnWithController } from '../helpers/kiln-process.ts';

const center = kilnWithController();

const refusal = (message: RegExp) => ({ error: 'kiln.error.invalid_argument', args: [expect.stringMatching(message)] });

describe('run ids callers give', () => {
  it.each([Procedures.solveStop, Procedures.solveResult, Procedures.solveProgress])('%s without one: runId is missing', async (procedure) => {
    await expect(center.ui.call(procedure, [], {})).rejects.toMatchObject(refusal(/^runId: missing/));
  });

  it.each([
    ['an object', { runId: {} }, /^runId: expected a run id \(a string of 1 to 64 characters\), got an object$/],
    ['a number', { runId: 7 }, /got a number$/],
    ['an empty string', { runId: '' }, /got a string of 0 characters$/],
    ['65 characters', { runId: 'r'.repeat(65) }, /got a string of 65 characters$/],
  ])('kiln.solve.stop, .status and kiln.credit.board refuse %s', async (_kind, kwargs, message) => {
    for (const procedure of [Procedures.solveStop, Procedures.solveStatus, Procedures.creditBoard])
      await expect(center.ui.call(procedure, [], kwargs), procedure).rejects.toMatchObject(refusal(message));
  });

  it('a well-formed id of no run is still no_such_run; no id at all still means every run (status) or the session (board)', async () => {
    await expect(center.ui.call(Procedures.solveStop, ['nosuchrun'])).rejects.toMatchObject({ error: 'kiln.error.no_such_run' });
    expect(await center.ui.call(Procedures.solveStatus, [], {})).toEqual([]);
    expect(await center.ui.call(Procedures.creditBoard, [], {})).toMatchObject({ rows: [] });
  });

  it('kiln.problem.get without a hash: invalid_argument, not "no problem with hash undefined"', async () => {
    await expect(center.ui.call(Procedures.problemGet, [])).rejects.toMatchObject(refusal(/^problem\.get: expected the problem's content hash/));
  });
});
