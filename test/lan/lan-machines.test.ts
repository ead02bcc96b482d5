/**
 * LAN machines end to end, on a LAN the test builds (test/helpers/test-lan.ts): `kiln serve` in one
 * namespace, `kiln worker` (offering, no router) in others. Workers are found over real mDNS,
 * invited through kiln.lan.invite as the UI does, confirm the code, join with WAMP-Cryptosign and
 * take kiln.anneal calls; one is killed mid-run and the run completes. The test's own address on the
 * LAN plays the uninvited machine. Traffic goes only to addresses in the test's namespaces.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Procedures, Topics } from '../../shared/protocol/uris.ts';
import type { CreatedInvite, LanInvitation, LanMachine, RevokedInvite, RunResult, RunState, WorkerLoad } from '../../shared/protocol/wire.ts';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { randomUniformProblem } from '../../shared/tsp/instance.ts';
import type { WampSession } from '../../shared/wamp.ts';
import { parseJoinLink } from '../../electron/lan/join-link.ts';
import type { Credentials } from '../../electron/wamp/client.ts';
import { until, type KilnProcess } from '../helpers/kiln-process.ts';
import { LanKilns, type ServedOnLan } from '../helpers/lan-kilns.ts';
import { unavailableReason, type LanHost, type TestLan } from '../helpers/test-lan.ts';

function callError(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'no error',
    (error: { error?: string }) => error.error ?? String(error),
  );
}

describe('LAN machines: discovery, invitations, authenticated compute', () => {
  const why = unavailableReason();
  let lan: TestLan | undefined;
  const kilns = new LanKilns('lan');
  let served: ServedOnLan | undefined;
  let ui: WampSession;
  // Each host's state directory (certificate, control center key, known control centers), as on real machines.
  const stateDir = (host: LanHost): string => kilns.stateDir(host.namespace);
  const loads = new Map<string, WorkerLoad>();
  let lastMachines: LanMachine[] = [];
  const kiln = (host: LanHost, args: string[], env: NodeJS.ProcessEnv = {}): KilnProcess => kilns.kiln(host, args, env);
  const open = (credentials: Credentials): Promise<WampSession> => kilns.join(served!, credentials);

  beforeAll(async () => {
    if (why !== null) return;
    lan = kilns.build(4);
    const [control] = lan.hosts;
    // Off loopback, TLS is on without being asked for.
    served = await kilns.serve(control, stateDir(control));
    const { ticket } = served;
    ui = await open({ method: 'ticket', authid: 'ui', ticket });
    await ui.subscribe(Topics.workerLoad, (args) => {
      const load = args?.[0] as WorkerLoad;
      loads.set(load.workerId, load);
    });
    await ui.subscribe(Topics.lanMachines, (args) => {
      lastMachines = args?.[0] as LanMachine[];
    });
  }, 60_000);

  afterAll(() => kilns.close());

  it('discovers offering workers, invites them, and runs on them through a worker being killed', async (context) => {
    if (why !== null) return context.skip(why);
    const [, hostA, hostB, hostC] = lan!.hosts;
    const workerA = kiln(hostA, ['worker', '--threads', '1', '--id', 'lan-a', '--state-dir', stateDir(hostA)]);
    const workerB = kiln(hostB, ['worker', '--threads', '1', '--id', 'lan-b', '--state-dir', stateDir(hostB)]);
    const wrongCode = kiln(hostC, ['worker', '--threads', '1', '--id', 'lan-c', '--accept-code', '000000', '--state-dir', stateDir(hostC)]);
    const idOf = async (worker: KilnProcess) => (await worker.line(/^worker (\S+) waiting for an invitation/))[1];
    const [idA, idB, idC] = [await idOf(workerA), await idOf(workerB), await idOf(wrongCode)];

    // All three appear, over mDNS, in kiln.lan.list and on kiln.lan.machines, with their LAN addresses.
    const listed = await until(async () => {
      const machines = await ui.call<LanMachine[]>(Procedures.lanList);
      return machines.filter((machine) => [idA, idB, idC].includes(machine.machineId)).length === 3 ? machines : undefined;
    }, 'three discovered workers');
    expect(listed.find((machine) => machine.machineId === idA)).toMatchObject({ address: hostA.address, state: 'available', cores: expect.any(Number) });
    await until(() => (lastMachines.length >= 3 ? true : undefined), 'kiln.lan.machines event');

    // The invitation's code is the one the worker's terminal shows; the user confirms with "y".
    for (const [id, worker] of [
      [idA, workerA],
      [idB, workerB],
    ] as const) {
      const invitation = await ui.call<LanInvitation>(Procedures.lanInvite, [], { machineId: id });
      expect(invitation.authid).toMatch(/^worker:/);
      const shown = (await worker.line(/^pairing code (\d{6})/))[1];
      expect(shown).toBe(invitation.code);
      worker.child.stdin!.write('y\n');
    }
    // An unattended worker refuses an invitation without its code: nothing is authorized.
    expect(await callError(ui.call(Procedures.lanInvite, [], { machineId: idC }))).toBe('kiln.error.pairing_failed');
    expect(await callError(ui.call(Procedures.lanInvite, [], { machineId: 'kiln-worker-nosuchmachine' }))).toBe('kiln.error.no_such_machine');

    await until(() => (loads.has('lan-a') && loads.has('lan-b') ? true : undefined), 'both invited workers to join');
    const paired = await until(async () => {
      const machines = await ui.call<LanMachine[]>(Procedures.lanList);
      return machines.filter((machine) => machine.state === 'paired').length === 2 ? machines : undefined;
    }, 'two paired machines');
    expect(paired.map((machine) => machine.authid)).toEqual(expect.arrayContaining([expect.stringMatching(/^worker:/)]));

    // A run over both; B is killed mid-run and its slices in flight are re-dispatched.
    const problem = problemToWire(randomUniformProblem(300, 7));
    const started = await ui.call<RunState>(Procedures.solveStart, [], { problem, budgetMs: 14_000, params: { sliceMs: 150, seed: 1 } });
    // Long enough for B's first slice on a busy machine (thread start, problem fetch); the run ends at its budget.
    await until(() => ((loads.get('lan-b')?.slicesDone ?? 0) > 0 ? true : undefined), 'worker B to finish a slice', 12_000);
    await workerB.stop('SIGKILL');
    const result = await ui.call<RunResult>(Procedures.solveResult, [started.runId]);
    expect(result.phase).toBe('finished');
    expect(result.slicesByWorker['lan-a']).toBeGreaterThan(0);
    expect(result.slicesByWorker['lan-b']).toBeGreaterThan(0);
    expect(result.slicesDispatched).toBe(result.slicesDone + result.slicesFailed + result.slicesDiscarded + result.slicesInFlight);

    // Revoking A's key ends its session at once; it goes back to offering itself.
    const grantA = paired.find((machine) => machine.machineId === idA)!;
    const revoked = await ui.call<RevokedInvite>(Procedures.lanRevokeInvite, [], { inviteId: grantA.inviteId });
    expect(revoked.sessionsKilled).toBe(1);
    await workerA.line(/left the control center/, 10_000);
    await until(async () => {
      const machines = await ui.call<LanMachine[]>(Procedures.lanList);
      return machines.some((machine) => machine.machineId === idA && machine.state === 'available') ? true : undefined;
    }, 'revoked worker to offer itself again');
  }, 90_000);

  it('refuses machines without credentials, with wrong, expired or revoked ones, and compute sessions doing controller actions', async (context) => {
    if (why !== null) return context.skip(why);
    // The test's own LAN address is an uninvited machine: no anonymous session off loopback, no guessed tickets.
    await expect(open({ method: 'anonymous' })).rejects.toThrow(/asked for anonymous/);
    await expect(open({ method: 'ticket', authid: 'local-compute', ticket: 'guess' })).rejects.toThrow(/invalid ticket/);
    const stranger = generateKeyPairSync('ed25519');
    const strangerKey = stranger.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
    await expect(open({ method: 'cryptosign', authid: 'worker:x', publicKey: strangerKey, privateKey: stranger.privateKey })).rejects.toThrow(
      /no principal is authorized for public key/,
    );

    const invite = await ui.call<CreatedInvite>(Procedures.lanCreateInvite, [], { label: 'browser', ttlMs: 60_000 });
    expect(invite.link).toMatch(/^https:\/\/10\.231\.\d+\.1:\d+\/join#invite=.*&fp=[0-9a-f]{64}$/);
    // The suggested command keeps the link out of argv (any local user can read a process's arguments).
    expect(invite.command).toBe(`KILN_JOIN='${invite.link}' kiln worker --join env`);
    const link = parseJoinLink(invite.link);
    const authid = `invite:${invite.inviteId}`;
    await expect(open({ method: 'wampcra', authid, secret: 'wrong-secret' })).rejects.toThrow(/invalid WAMP-CRA signature/);

    // A compute session by invite: it may take work, but not steer runs or invite others.
    const compute = await open({ method: 'wampcra', authid, secret: link.secret });
    const problem = problemToWire(randomUniformProblem(20, 1));
    expect(await callError(compute.call(Procedures.solveStart, [], { problem, budgetMs: 1000 }))).toBe('wamp.error.not_authorized');
    expect(await callError(compute.call(Procedures.lanCreateInvite, [], {}))).toBe('wamp.error.not_authorized');
    expect(await callError(compute.call(Procedures.lanList))).toBe('wamp.error.not_authorized');
    expect(await callError(compute.call('wamp.session.kill_by_authid', ['ui']))).toBe('wamp.error.not_authorized');
    expect(await callError(compute.subscribe(Topics.runProgress('any'), () => undefined))).toBe('wamp.error.not_authorized');

    // `kiln worker --join LINK` on another host joins with the same invite and takes work.
    const joined = kiln(lan!.hosts[3], ['worker', '--join', 'env', '--threads', '1', '--id', 'lan-join'], { KILN_JOIN: invite.link });
    await until(() => (loads.has('lan-join') ? true : undefined), 'the --join worker to join');
    expect(joined.output.join('\n')).not.toContain(link.secret);

    // Revoked: both sessions end, and the credentials are refused from then on.
    const revoked = await ui.call<RevokedInvite>(Procedures.lanRevokeInvite, [], { inviteId: invite.inviteId });
    expect(revoked.sessionsKilled).toBe(2);
    // The revoked --join worker has nothing to wait for: it says why and leaves.
    await joined.line(/^kiln worker: invite revoked \(wamp\.close\.killed\)$/, 10_000);
    expect(await joined.exited).toBe(1);
    await expect(open({ method: 'wampcra', authid, secret: link.secret })).rejects.toThrow(/: invite revoked$/);
    expect(await callError(ui.call(Procedures.lanRevokeInvite, [], { inviteId: invite.inviteId }))).toBe('kiln.error.no_such_invite');

    // Expired: refused at the next join.
    const brief = await ui.call<CreatedInvite>(Procedures.lanCreateInvite, [], { ttlMs: 1000 });
    // Expired is when the control center stops listing it among the live invites.
    await until(
      async () => ((await ui.call<{ inviteId: string }[]>(Procedures.lanInvites)).some((live) => live.inviteId === brief.inviteId) ? undefined : true),
      'the invite to expire',
    );
    await expect(open({ method: 'wampcra', authid: `invite:${brief.inviteId}`, secret: brief.secret })).rejects.toThrow(/: invite expired$/);
  }, 60_000);
});
