/** Shared registrations: which callee gets each invocation under each policy. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFixture, type Client, type Fixture } from './helpers/router-fixture.ts';

describe('invocation policies', () => {
  let fixture: Fixture;
  let caller: Client;
  let callees: Client[];
  beforeEach(async () => {
    fixture = await startFixture();
    caller = await fixture.connect();
    callees = [];
    for (let i = 0; i < 3; i++) callees.push(await fixture.connect());
  });
  afterEach(async () => fixture.close());

  /** Registers callee i (in order) as answering i, optionally slowly, and returns the answers of `calls` sequential calls. */
  async function answers(invoke: string, calls: number, options: Record<string, unknown> = {}): Promise<number[]> {
    for (const [i, callee] of callees.entries()) await callee.session.register('com.test.who', () => i, { invoke, ...options } as never);
    const seen: number[] = [];
    for (let i = 0; i < calls; i++) seen.push((await caller.session.call('com.test.who')) as number);
    return seen;
  }

  it('roundrobin rotates through the callees in registration order', async () => {
    expect(await answers('roundrobin', 6)).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('first always picks the earliest callee (hot standby), and fails over when it leaves', async () => {
    expect(await answers('first', 3)).toEqual([0, 0, 0]);
    await callees[0].leave();
    expect(await caller.session.call('com.test.who')).toBe(1);
  });

  it('last always picks the latest callee, and fails over when it leaves', async () => {
    expect(await answers('last', 3)).toEqual([2, 2, 2]);
    await callees[2].leave();
    expect(await caller.session.call('com.test.who')).toBe(1);
  });

  it('random spreads over all callees', async () => {
    const seen = await answers('random', 60);
    expect(new Set(seen)).toEqual(new Set([0, 1, 2]));
  });

  it('single is the default and serves the one callee', async () => {
    await callees[0].session.register('com.test.single', () => 'only');
    expect(await caller.session.call('com.test.single')).toBe('only');
  });

  it('first spills over to the next callee while the first is at its concurrency', async () => {
    const release: Array<() => void> = [];
    await callees[0].session.register('com.test.busy', () => new Promise((resolve) => release.push(() => resolve(0))), {
      invoke: 'first',
      concurrency: 1,
    } as never);
    await callees[1].session.register('com.test.busy', () => 1, { invoke: 'first', concurrency: 1 } as never);
    const slow = caller.session.call('com.test.busy');
    await fixture.until(() => release.length === 1);
    expect(await caller.session.call('com.test.busy')).toBe(1);
    release[0]();
    expect(await slow).toBe(0);
  });

  it('leastloaded gives each call to the callee with the fewest invocations relative to its concurrency', async () => {
    const pending: Array<Array<() => void>> = [[], [], []];
    const concurrency = [4, 2, 1];
    for (const [i, callee] of callees.entries()) {
      await callee.session.register('com.test.load', () => new Promise((resolve) => pending[i].push(() => resolve(i))), {
        invoke: 'leastloaded',
        concurrency: concurrency[i],
      } as never);
    }
    const calls: PromiseLike<unknown>[] = [];
    const place = async (): Promise<void> => {
      const before = pending.map((p) => p.length);
      calls.push(caller.session.call('com.test.load'));
      await fixture.until(() => pending.reduce((n, p) => n + p.length, 0) === before.reduce((n, c) => n + c, 0) + 1);
    };
    // Loads start 0/4, 0/2, 0/1: the ties go round, then the lightest relative load wins.
    for (let i = 0; i < 7; i++) await place();
    expect(pending.map((p) => p.length)).toEqual([4, 2, 1]);
    for (const list of pending) for (const release of list) release();
    await Promise.all(calls);
  });
});
