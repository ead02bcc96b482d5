/**
 * A callee whose slots the router said are all taken (crossbar.error.max_concurrency_reached: another
 * orchestrator's calls) is dealt nothing for BUSY_BACKOFF_MS on the registry's clock, and the orchestrator
 * hears when it may be dealt again; driven here by the test's clock, with no wait.
 */
import { describe, expect, it } from 'vitest';
import { Procedures } from '../../shared/protocol/uris.ts';
import { BUSY_BACKOFF_MS, WorkerRegistry, type Callee } from '../../electron/orchestrator/workers.ts';
import { LateClock } from '../helpers/late-clock.ts';

/** A registry on `clock` with one callee of `concurrency` slots, as the router reports it. */
function registryWithCallee(clock: LateClock, concurrency: number): { workers: WorkerRegistry; changes: () => number } {
  const workers = new WorkerRegistry(clock);
  let changes = 0;
  workers.registrations.created(7, { id: 70, uri: `${Procedures.anneal}.7`, match: 'exact', concurrency });
  workers.onChange(() => changes++);
  return { workers, changes: () => changes };
}

describe('busy back-off', () => {
  it('deals a busy callee nothing until the back-off is over on the registry clock, then says it may be dealt again', () => {
    const clock = new LateClock(0);
    clock.time = 1_000;
    const { workers, changes } = registryWithCallee(clock, 2);
    const callee = workers.acquire(() => true) as Callee;
    expect(callee.session).toBe(7);
    workers.backOff(callee);
    workers.release(callee);
    expect(workers.acquire(() => true)).toBeUndefined();
    clock.advanceTo(1_000 + BUSY_BACKOFF_MS - 1);
    expect(workers.acquire(() => true)).toBeUndefined();
    expect(changes()).toBe(0);
    clock.advanceTo(1_000 + BUSY_BACKOFF_MS + 1);
    expect(changes()).toBe(1);
    expect(workers.acquire(() => true)).toBe(callee);
  });

  it('says nothing after the back-off of a callee that has left meanwhile', () => {
    const clock = new LateClock(0);
    const { workers, changes } = registryWithCallee(clock, 1);
    const callee = workers.acquire(() => true) as Callee;
    workers.backOff(callee);
    workers.registrations.left(7);
    const afterLeaving = changes();
    clock.advanceTo(BUSY_BACKOFF_MS + 1);
    expect(changes()).toBe(afterLeaving);
    expect(workers.size).toBe(0);
  });

  it('schedules one refill for a burst of busy answers, and starts a new back-off only once the last is over', () => {
    const clock = new LateClock(0);
    const { workers, changes } = registryWithCallee(clock, 256);
    const taken = Array.from({ length: 256 }, () => workers.acquire(() => true) as Callee);
    for (const callee of taken) workers.backOff(callee);
    expect(clock.pending).toBe(1);
    for (const callee of taken) workers.release(callee);
    clock.advanceTo(BUSY_BACKOFF_MS + 1);
    expect(changes()).toBeGreaterThanOrEqual(1);
    const before = changes();
    expect(clock.pending).toBe(0);
    workers.backOff(taken[0]!);
    expect(clock.pending).toBe(1);
    clock.advanceTo(2 * BUSY_BACKOFF_MS + 2);
    expect(changes()).toBe(before + 1);
  });
});
