import { describe, expect, it } from 'vitest';
import { BUSY_AS_FAILURE_AFTER, Blame, PROBATION_AFTER_MS, QUARANTINE_AFTER, type Schedule } from '../../electron/orchestrator/blame.ts';
import type { Callee } from '../../electron/orchestrator/workers.ts';

const callee = { session: 7, procedure: 'kiln.anneal.7' } as unknown as Callee;

/** A Blame whose quarantines and readmissions go to `events`, and whose waits for probation the test ends (`due`). */
function blameWith(): { blame: Blame; events: string[]; due: Array<{ ms: number; fire: () => void }> } {
  const events: string[] = [];
  const due: Array<{ ms: number; fire: () => void }> = [];
  const schedule: Schedule = (ms, fire) => {
    const wait = { ms, fire };
    due.push(wait);
    return () => {
      const at = due.indexOf(wait);
      if (at >= 0) due.splice(at, 1);
    };
  };
  const blame = new Blame(
    () => events.push('quarantined'),
    (_callee, why) => events.push(why.startsWith('on probation') ? 'probation' : 'lifted'),
    schedule,
  );
  return { blame, events, due };
}

function silentStreak(blame: Blame): void {
  for (let i = 0; i < QUARANTINE_AFTER; i++) blame.failed(callee, 'silent', 'silence');
}

describe('a quarantine', () => {
  it('that silence alone caused is lifted when a late answer comes after all', () => {
    const { blame, events, due } = blameWith();
    silentStreak(blame);
    expect(blame.isQuarantined(callee)).toBe(true);
    blame.succeeded(callee);
    expect(blame.isQuarantined(callee)).toBe(false);
    expect(due).toEqual([]);
    expect(events).toEqual(['quarantined', 'lifted']);
  });

  it('that a fault had a part in stays, late answers or not, and never eases into probation', () => {
    const { blame, events, due } = blameWith();
    blame.failed(callee, 'invalid result');
    for (let i = 1; i < QUARANTINE_AFTER; i++) blame.failed(callee, 'silent', 'silence');
    blame.succeeded(callee);
    expect(blame.isQuarantined(callee)).toBe(true);
    expect(due).toEqual([]);
    expect(events).toEqual(['quarantined']);
  });

  it('counts a new streak from its own first failure: an earlier fault, cleared by a success, does not taint it', () => {
    const { blame } = blameWith();
    blame.failed(callee, 'invalid result');
    blame.succeeded(callee);
    silentStreak(blame);
    blame.succeeded(callee);
    expect(blame.isQuarantined(callee)).toBe(false);
  });
});

describe('a quarantine for silence', () => {
  it('eases into probation after a while: one slice at a time, and its answer lifts the quarantine', () => {
    const { blame, events, due } = blameWith();
    silentStreak(blame);
    expect(blame.mayDeal(callee)).toBe(false);
    expect(due.map(({ ms }) => ms)).toEqual([PROBATION_AFTER_MS]);
    due[0].fire();
    expect(events).toEqual(['quarantined', 'probation']);
    expect(blame.mayDeal(callee)).toBe(true);
    expect(blame.dealt(callee)).toBe(true);
    expect(blame.mayDeal(callee)).toBe(false);
    // A probe that ends with no verdict (its callee busy) makes room for the next.
    blame.probeEnded(callee);
    expect(blame.mayDeal(callee)).toBe(true);
    blame.dealt(callee);
    blame.probeEnded(callee);
    blame.succeeded(callee);
    expect(blame.isQuarantined(callee)).toBe(false);
    expect(blame.dealt(callee)).toBe(false);
    expect(events).toEqual(['quarantined', 'probation', 'lifted']);
  });

  it('comes back twice as long each time its callee is silent on probation, up to a cap', () => {
    const { blame, events, due } = blameWith();
    silentStreak(blame);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const wait = due.splice(0)[0];
      waits.push(wait.ms);
      wait.fire();
      blame.dealt(callee);
      blame.failed(callee, 'silent', 'silence');
      blame.probeEnded(callee);
      expect(blame.mayDeal(callee)).toBe(false);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    expect(events.filter((event) => event === 'quarantined').length).toBe(9);
  });

  it('stays for the run when its callee faults on probation', () => {
    const { blame, events, due } = blameWith();
    silentStreak(blame);
    due.splice(0)[0].fire();
    blame.dealt(callee);
    blame.failed(callee, 'invalid result');
    blame.succeeded(callee);
    expect(blame.isQuarantined(callee)).toBe(true);
    expect(due).toEqual([]);
    expect(events).toEqual(['quarantined', 'probation', 'quarantined']);
  });

  it('that busy answers caused eases into probation too, and busy over and over on probation only brings it back: a full callee claims nothing false', () => {
    const { blame, events, due } = blameWith();
    const busyStreak = () => {
      for (let i = 0; i < BUSY_AS_FAILURE_AFTER; i++) blame.busy(callee, 'crossbar.error.max_concurrency_reached');
    };
    for (let i = 0; i < QUARANTINE_AFTER; i++) busyStreak();
    expect(events).toEqual(['quarantined']);
    expect(due.map(({ ms }) => ms)).toEqual([PROBATION_AFTER_MS]);
    due.splice(0)[0].fire();
    // On probation, each probe answered busy ends with no verdict (the run backs the callee off and deals it the next).
    for (let i = 0; i < BUSY_AS_FAILURE_AFTER; i++) {
      blame.dealt(callee);
      blame.probeEnded(callee);
      blame.busy(callee, 'crossbar.error.max_concurrency_reached');
    }
    expect(events).toEqual(['quarantined', 'probation', 'quarantined']);
    expect(due.map(({ ms }) => ms)).toEqual([2 * PROBATION_AFTER_MS]);
    due.splice(0)[0].fire();
    blame.dealt(callee);
    blame.probeEnded(callee);
    blame.succeeded(callee);
    expect(blame.isQuarantined(callee)).toBe(false);
    expect(events).toEqual(['quarantined', 'probation', 'quarantined', 'probation', 'lifted']);
  });

  it('lifted before its probation no longer waits for it, and a closed run waits for none', () => {
    const { blame, due } = blameWith();
    silentStreak(blame);
    blame.succeeded(callee);
    expect(due).toEqual([]);
    silentStreak(blame);
    expect(due.length).toBe(1);
    blame.close();
    expect(due).toEqual([]);
  });
});
