/** Shutdown steps are best-effort: one that throws neither skips the later ones nor hides the first error. */
import { describe, expect, it } from 'vitest';
import { runAll } from '../../electron/app/run-all.ts';

describe('runAll', () => {
  it('runs every step after one that throws or rejects, then throws the first error', async () => {
    const ran: string[] = [];
    const first = new Error('server would not close');
    const result = runAll([
      () => ran.push('lan'),
      () => {
        ran.push('server');
        throw first;
      },
      async () => {
        ran.push('worker');
        await Promise.reject(new Error('second'));
      },
      () => ran.push('http'),
    ]);
    await expect(result).rejects.toBe(first);
    expect(ran).toEqual(['lan', 'server', 'worker', 'http']);
  });

  it('resolves when every step does, in order', async () => {
    const ran: number[] = [];
    await runAll([() => ran.push(1), async () => ran.push(2), () => undefined]);
    expect(ran).toEqual([1, 2]);
  });
});
