import autobahn from 'autobahn-browser';
import { describe, expect, it } from 'vitest';
import { PendingCalls, placeCall } from '../../renderer/src/lib/feed/calls.ts';

describe('calls the run feed worker places for the page', () => {
  it('answers each call with its own answer, once', async () => {
    const calls = new PendingCalls();
    const first = calls.place();
    const second = calls.place();
    expect(first.id).not.toBe(second.id);
    calls.settle(second.id, { ok: false, sent: true, uri: 'kiln.error.invalid', message: 'no cities' });
    calls.settle(first.id, { ok: true, value: { runId: 'r1' } });
    // A second answer for the same id (or one for an id never placed) changes nothing.
    calls.settle(first.id, { ok: true, value: { runId: 'other' } });
    calls.settle(99, { ok: true, value: null });
    await expect(first.answer).resolves.toEqual({ ok: true, value: { runId: 'r1' } });
    await expect(second.answer).resolves.toEqual({ ok: false, sent: true, uri: 'kiln.error.invalid', message: 'no cities' });
  });

  it('fails the calls still out when the worker is gone, as possibly sent (never placed twice)', async () => {
    const calls = new PendingCalls();
    const out = calls.place();
    const answered = calls.place();
    calls.settle(answered.id, { ok: true, value: 1 });
    calls.abandon('the run feed worker stopped');
    await expect(out.answer).resolves.toEqual({ ok: false, sent: true, uri: 'kiln.error.client', message: 'the run feed worker stopped' });
    await expect(answered.answer).resolves.toEqual({ ok: true, value: 1 });
  });
});

describe('the run feed worker places a call', () => {
  /** A session whose call answers (or refuses) as given, recording what it was asked. */
  function session(isOpen: boolean, answer: () => Promise<unknown>): { asked: unknown[][]; isOpen: boolean; call: <T>(...args: unknown[]) => Promise<T> } {
    const asked: unknown[][] = [];
    return {
      asked,
      isOpen,
      call: <T>(...args: unknown[]) => {
        asked.push(args);
        return answer() as Promise<T>;
      },
    };
  }

  it('sends nothing without an open session, and says so (the page then places the call itself)', async () => {
    const closed = session(false, () => Promise.resolve({ runId: 'r' }));
    await expect(placeCall(closed, 'kiln.solve.start', [], { budgetMs: 1000 })).resolves.toMatchObject({ ok: false, sent: false });
    await expect(placeCall(null, 'kiln.solve.start', [], {})).resolves.toMatchObject({ ok: false, sent: false });
    expect(closed.asked).toEqual([]);
  });

  it("answers with the call's value, unwrapped from autobahn's Result", async () => {
    const open = session(true, () => Promise.resolve({ args: [], kwargs: { runId: 'r1', phase: 'running' } }));
    await expect(placeCall(open, 'kiln.solve.start', [], { budgetMs: 1000 })).resolves.toEqual({ ok: true, value: { runId: 'r1', phase: 'running' } });
    expect(open.asked).toEqual([['kiln.solve.start', [], { budgetMs: 1000 }]]);
    const bare = session(true, () => Promise.resolve({ runId: 'r2' }));
    await expect(placeCall(bare, 'kiln.solve.start', [], {})).resolves.toEqual({ ok: true, value: { runId: 'r2' } });
  });

  it('answers a refusal with its error URI and message, as sent', async () => {
    const WampError = autobahn.Error as unknown as new (error: string, args: unknown[], kwargs: Record<string, unknown>) => Error;
    const refused = session(true, () => Promise.reject(new WampError('kiln.error.invalid_argument', ['problem: no cities'], {})));
    await expect(placeCall(refused, 'kiln.solve.start', [], {})).resolves.toEqual({
      ok: false,
      sent: true,
      uri: 'kiln.error.invalid_argument',
      message: 'problem: no cities',
    });
    const lost = session(true, () => Promise.reject(new Error('connection lost')));
    await expect(placeCall(lost, 'kiln.solve.start', [], {})).resolves.toEqual({ ok: false, sent: true, uri: 'kiln.error.client', message: 'connection lost' });
  });
});
