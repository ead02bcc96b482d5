/**
 * The machines' summary: loads aggregated into totals, per-host groups and the busiest machines
 * (summarize), lies and garbage from a compute session clamped or dropped (machineRowOf), and the
 * control center publishing one kiln.machines.summary per second over the real router, which a
 * controller session follows without subscribing to any machine's own events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topics } from '../../shared/protocol/uris.ts';
import { MAX_SUMMARY_MACHINES, type MachineRow, type MachinesSummary, type WorkerLoad } from '../../shared/protocol/wire.ts';
import type { WampSession } from '../../shared/wamp.ts';
import { machineRowOf, summarize } from '../../electron/machines/summary.ts';
import { MachineSummaryPublisher } from '../../electron/machines/summary-publisher.ts';
import type { WampClient } from '../../electron/wamp/client.ts';
import { Cluster } from '../helpers/cluster.ts';
import { join, joinAsController, until } from '../helpers/kiln-process.ts';

function row(workerId: string, host: string, movesPerSecond: number, extra: Partial<MachineRow> = {}): MachineRow {
  return { workerId, host, kind: 'node', cores: 4, concurrency: 4, inFlight: 2, cpuPercent: 50, movesPerSecond, slicesDone: 1, ...extra };
}

describe('summarize', () => {
  it('adds up every machine, groups them by host and lists the busiest first', () => {
    const summary = summarize([row('a', 'alpha', 10), row('b', 'beta', 30, { kind: 'browser', cpuPercent: 100 }), row('c', 'alpha', 20, { cpuPercent: 0 })], 5);
    expect(summary.at).toBe(5);
    expect(summary.totals).toEqual({ machines: 3, browsers: 1, cores: 12, concurrency: 12, inFlight: 6, cpuPercent: 50, movesPerSecond: 60 });
    expect(summary.machines.map((machine) => machine.workerId)).toEqual(['b', 'c', 'a']);
    expect(summary.hosts).toEqual([
      { host: 'alpha', machines: 2, browsers: 0, cores: 8, concurrency: 8, inFlight: 4, cpuPercent: 25, movesPerSecond: 30 },
      { host: 'beta', machines: 1, browsers: 1, cores: 4, concurrency: 4, inFlight: 2, cpuPercent: 100, movesPerSecond: 30 },
    ]);
  });

  it('keeps the event bounded with a crowd: the busiest machines listed, the rest counted', () => {
    const crowd = Array.from({ length: MAX_SUMMARY_MACHINES + 10 }, (_, i) => row(`w${i}`, `h${i}`, i));
    const summary = summarize(crowd, 0);
    expect(summary.machines).toHaveLength(MAX_SUMMARY_MACHINES);
    expect(summary.machinesOmitted).toBe(10);
    expect(summary.machines[0].workerId).toBe(`w${MAX_SUMMARY_MACHINES + 9}`);
    expect(summary.hosts.length + summary.hostsOmitted).toBe(MAX_SUMMARY_MACHINES + 10);
    expect(summary.totals.machines).toBe(MAX_SUMMARY_MACHINES + 10);
  });
});

describe('machineRowOf', () => {
  const load: WorkerLoad = {
    workerId: 'w',
    host: 'h',
    kind: 'browser',
    cores: 8,
    concurrency: 2,
    inFlight: 1,
    cpuPercent: 40,
    movesPerSecond: 1000,
    slicesDone: 3,
    memoryMB: 1,
    version: 'x',
  };

  it('takes a well-formed load', () => {
    expect(machineRowOf(load)).toEqual({
      workerId: 'w',
      host: 'h',
      kind: 'browser',
      cores: 8,
      concurrency: 2,
      inFlight: 1,
      cpuPercent: 40,
      movesPerSecond: 1000,
      slicesDone: 3,
    });
  });

  it('clamps what a donor may exaggerate and strips control characters from its host name', () => {
    const lie = machineRowOf({ ...load, cpuPercent: 5000, cores: 1e9, host: `evil\u001b[2J${'x'.repeat(200)}` })!;
    expect(lie.cpuPercent).toBe(100);
    expect(lie.cores).toBe(1024);
    expect(lie.host).toMatch(/^evil\[2Jx+$/);
    expect(lie.host.length).toBe(64);
  });

  it.each([
    ['no worker id', { ...load, workerId: '' }],
    ['a huge worker id', { ...load, workerId: 'x'.repeat(129) }],
    ['a negative load', { ...load, inFlight: -1 }],
    ['a non-finite rate', { ...load, movesPerSecond: Infinity }],
    ['a string for a number', { ...load, cores: '8' }],
    ['not an object', [load]],
  ])('drops a load with %s', (_what, value) => {
    expect(machineRowOf(value)).toBeNull();
  });
});

describe('kiln.machines.summary', () => {
  let cluster: Cluster;
  let computeClient: WampClient;
  let compute: WampSession;
  let secondClient: WampClient;
  let second: WampSession;
  let controller: WampSession;

  beforeAll(async () => {
    cluster = await Cluster.start();
    ({ client: computeClient, session: compute } = await join(cluster.kiln.routerUrl, { method: 'ticket', ...cluster.kiln.credentials.compute }));
    ({ client: secondClient, session: second } = await join(cluster.kiln.routerUrl, { method: 'ticket', ...cluster.kiln.credentials.compute }));
    controller = await cluster.controller();
  });

  afterAll(async () => {
    await computeClient?.close();
    await secondClient?.close();
    await cluster?.stop();
  });

  it('is published every second with one row per reporting session, and once empty after the last leaves', async () => {
    const summaries: MachinesSummary[] = [];
    await controller.subscribe(Topics.machinesSummary, (args) => summaries.push(args![0] as MachinesSummary));
    const load = (workerId: string, movesPerSecond: number): WorkerLoad => ({
      workerId,
      host: 'test-host',
      kind: 'node',
      cores: 2,
      concurrency: 2,
      inFlight: 1,
      cpuPercent: 50,
      movesPerSecond,
      slicesDone: 0,
      memoryMB: 1,
      version: 'test',
    });
    let loadsPublished = 0;
    const disclosed = { disclose_me: true };
    const publishBoth = () => {
      loadsPublished += 2;
      compute.publish(Topics.workerLoad, [load('one', 100)], {}, disclosed);
      second.publish(Topics.workerLoad, [load('two', 300)], {}, disclosed);
      // Neither an undisclosed load, a second row from one session, nor another session's worker id counts.
      compute.publish(Topics.workerLoad, [load('invented', 1_000_000)]);
      second.publish(Topics.workerLoad, [load('one', 1_000_000)], {}, disclosed);
    };
    publishBoth();
    const timer = setInterval(publishBoth, 500);
    try {
      const both = await until(() => summaries.find((summary) => summary.totals.machines === 2), 'a summary with both machines');
      expect(both.totals.movesPerSecond).toBe(400);
      expect(both.machines.map((machine) => machine.workerId)).toEqual(['two', 'one']);
      expect(both.hosts).toHaveLength(1);
      // One summary for many loads (4 a second here), not an event per load.
      const start = summaries.length;
      const loadsBefore = loadsPublished;
      await until(() => (summaries.length >= start + 3 ? true : undefined), 'three more summaries');
      expect(loadsPublished - loadsBefore).toBeGreaterThan(summaries.length - start);
    } finally {
      clearInterval(timer);
    }
    // No compute session may publish kiln.worker.gone (the orchestrator does, for callees the router
    // reports gone); machines that stop reporting drop out of the summary as stale.
    await until(() => (summaries.at(-1)?.totals.machines === 0 ? true : undefined), 'an empty summary');
  }, 30_000);

  it('releases its kiln.worker.gone subscription when it stops', async () => {
    const { client, session } = await joinAsController(cluster.kiln);
    try {
      const subscribers = async (): Promise<number[]> => {
        const id = await controller.call<number | null>('wamp.subscription.lookup', [Topics.workerGone]);
        return id === null ? [] : controller.call<number[]>('wamp.subscription.list_subscribers', [id]);
      };
      const publisher = new MachineSummaryPublisher(session, cluster.kiln.orchestrator.workers, { topic: 'kiln.test.summary' });
      try {
        await publisher.start();
        expect(await subscribers()).toContain(session.id);
      } finally {
        await publisher.stop();
      }
      expect(await subscribers()).not.toContain(session.id);
      // The control center's own publisher still follows it.
      expect((await subscribers()).length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });
});
