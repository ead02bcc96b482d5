import { describe, expect, it } from 'vitest';
import { PendingCalls } from '../../renderer/src/lib/feed/calls.ts';

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
