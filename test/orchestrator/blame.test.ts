import { describe, expect, it } from 'vitest';
import { Blame, QUARANTINE_AFTER } from '../../electron/orchestrator/blame.ts';
import type { Callee } from '../../electron/orchestrator/workers.ts';

const callee = { session: 7, procedure: 'kiln.anneal.7' } as unknown as Callee;

function blameWith(events: string[]): Blame {
  return new Blame(
    () => events.push('quarantined'),
    () => events.push('lifted'),
  );
}

describe('a quarantine', () => {
  it('that silence alone caused is lifted when a late answer comes after all', () => {
    const events: string[] = [];
    const blame = blameWith(events);
    for (let i = 0; i < QUARANTINE_AFTER; i++) blame.failed(callee, 'silent', 'silence');
    expect(blame.isQuarantined(callee)).toBe(true);
    blame.answeredAfterSilence(callee);
    expect(blame.isQuarantined(callee)).toBe(false);
    expect(events).toEqual(['quarantined', 'lifted']);
  });

  it('that a fault had a part in stays, late answers or not', () => {
    const events: string[] = [];
    const blame = blameWith(events);
    blame.failed(callee, 'invalid result');
    for (let i = 1; i < QUARANTINE_AFTER; i++) blame.failed(callee, 'silent', 'silence');
    blame.answeredAfterSilence(callee);
    expect(blame.isQuarantined(callee)).toBe(true);
    expect(events).toEqual(['quarantined']);
  });

  it('counts a new streak from its own first failure: an earlier fault, cleared by a success, does not taint it', () => {
    const blame = blameWith([]);
    blame.failed(callee, 'invalid result');
    blame.succeeded(callee);
    for (let i = 0; i < QUARANTINE_AFTER; i++) blame.failed(callee, 'silent', 'silence');
    blame.answeredAfterSilence(callee);
    expect(blame.isQuarantined(callee)).toBe(false);
  });
});
