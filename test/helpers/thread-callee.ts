/**
 * A real ComputeCallee over its own WebSocket to a test's Kiln, whose threads the test scripts (recording what
 * they are dealt, answering as the test says); closed with the Kiln.
 */
import { makeWampError } from '../../electron/wamp/client.ts';
import { ComputeCallee } from '../../shared/compute/callee.ts';
import { SlicePool, type ComputeThread } from '../../shared/compute/pool.ts';
import type { SliceJob, SliceOutcome, ThreadReply, ThreadRequest } from '../../shared/compute/thread-messages.ts';
import { createInstance, tourLength } from '../../shared/tsp/instance.ts';
import type { ProblemData } from '../../shared/tsp/types.ts';
import type { WampSession } from '../../shared/wamp.ts';
import { until, type GuardedKiln } from '../security/fixture.ts';
import { join } from './kiln-process.ts';

/**
 * Joins `guarded`'s Kiln as worker `workerId` with `cores` threads made by `makeThread`, once its orchestrator has
 * counted the callee's slots (runs started after deal to it); its close also ends the callee.
 */
export async function threadCallee(guarded: GuardedKiln, workerId: string, cores: number, makeThread: () => ComputeThread): Promise<WampSession> {
  const { kiln } = guarded;
  const slotsBefore = kiln.orchestrator.workers.totalConcurrency;
  const pool = new SlicePool(cores, makeThread);
  const { session, client } = await join(kiln.routerUrl, { method: 'ticket', ...kiln.credentials.compute });
  const callee = new ComputeCallee(session, pool, makeWampError, { workerId, host: 'test', kind: 'node', cores, version: 'test' });
  await callee.start();
  const close = guarded.close;
  guarded.close = async () => {
    await callee.stop();
    await client.close();
    await pool.close();
    await close();
  };
  await until(() => kiln.orchestrator.workers.totalConcurrency >= slotsBefore + cores, `callee ${workerId}'s slots`);
  return session;
}

/**
 * What a scripted thread answers for a slice (or, later, once a promise the test holds resolves): fields over the
 * default one, whose `stats` it merges into the default figures.
 */
export type SliceAnswer = Partial<Omit<SliceOutcome, 'id' | 'stats'>> & { stats?: Partial<SliceOutcome['stats']> };
export type SliceScript = (job: SliceJob, data: ProblemData) => SliceAnswer | Promise<SliceAnswer>;

/** A compute thread for tests, ready at once: `reply` answers the pool; `post` is the test's. */
export abstract class TestThread implements ComputeThread {
  protected reply: (reply: ThreadReply) => void = () => {};

  abstract post(message: ThreadRequest): void;
  onReply(listener: (reply: ThreadReply) => void): void {
    this.reply = listener;
    queueMicrotask(() => listener({ type: 'ready' }));
  }
  onFailure(): void {}
  setStop(): void {}
  async terminate(): Promise<void> {}
}

/**
 * A compute thread that records the slices it is dealt and answers as `script` says; by default with its start
 * tour (the identity when it has none), unchanged, as a stopped slice whose descent is not done.
 */
export class ScriptedThread extends TestThread {
  private readonly problems = new Map<string, ProblemData>();

  constructor(
    private readonly jobs: SliceJob[],
    private readonly script: SliceScript = () => ({}),
  ) {
    super();
  }

  post(message: ThreadRequest): void {
    if (message.type === 'problem') {
      this.problems.set(message.hash, message.data);
      return;
    }
    const { job } = message;
    this.jobs.push(job);
    const data = this.problems.get(job.problemHash)!;
    const tour = job.tour ?? Int32Array.from({ length: data.n }, (_, i) => i);
    const length = tourLength(createInstance(data), tour);
    const stats = { movesTried: 1, movesAccepted: 0, improvements: 0, polishMoves: 0, elapsedMs: 1, startLength: length, descended: false };
    void Promise.resolve(this.script(job, data)).then((answer) =>
      setImmediate(() => this.reply({ type: 'done', id: job.id, tour, length, stopped: true, ...answer, stats: { ...stats, ...answer.stats } })),
    );
  }
}
