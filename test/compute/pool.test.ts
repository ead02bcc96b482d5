/** The slice pool over real Node compute threads: what it believes each thread holds stays true. */
import { afterAll, describe, expect, it } from 'vitest';
import { SlicePool } from '../../shared/compute/pool.ts';
import { PROBLEMS_KEPT } from '../../shared/compute/thread-messages.ts';
import { problemHash } from '../../shared/tsp/problem.ts';
import { randomUniformProblem } from '../../shared/tsp/instance.ts';
import { spawnNodeThread } from '../../electron/compute/node-threads.ts';

describe('SlicePool', () => {
  const pool = new SlicePool(1, spawnNodeThread);
  afterAll(() => pool.close());

  const slice = (data: ReturnType<typeof randomUniformProblem>) =>
    pool.run('run', { problemHash: problemHash(data), tour: null, temperature: { start: 0, end: 0 }, budget: { moves: 100 }, seed: 1 }, data);

  it('sends a problem again once the thread has dropped it for newer ones', async () => {
    const problems = Array.from({ length: PROBLEMS_KEPT + 2 }, (_, i) => randomUniformProblem(30, i + 1));
    for (const data of problems) expect((await slice(data)).tour).toHaveLength(30);
    // The first problem left the thread's cache PROBLEMS_KEPT problems ago.
    const again = await slice(problems[0]);
    expect([...again.tour].sort((a, b) => a - b)).toEqual([...Array(30).keys()]);
  });
});
