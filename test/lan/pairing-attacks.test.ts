/**
 * The attacks of a machine on the LAN against pairing, on a LAN the test builds
 * (test/helpers/test-lan.ts): `kiln serve` (TLS by default) in one namespace, offering workers in
 * others, an intruder process in another, and the test's own address as one more machine on the LAN.
 * Each attack is refused, and genuine pairing still takes one click and one code comparison.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Procedures, REALM } from '../../shared/protocol/uris.ts';
import type { LanInvitation, LanMachine, RevokedInvite } from '../../shared/protocol/wire.ts';
import type { WampSession } from '../../shared/wamp.ts';
import { controlCenterKeyFrom, loadOrCreateControlCenterKey, type ControlCenterKey } from '../../electron/lan/control-center-key.ts';
import { agreedSecret, codeProof, rawPublicKey, sha256Hex, signHex } from '../../electron/lan/pairing-crypto.ts';
import { INVITATION_PATH, PAIRING_PATH, invitationBytes, type Invitation, type PairingInfo } from '../../electron/lan/pairing.ts';
import { until, type KilnProcess } from '../helpers/kiln-process.ts';
import { LanKilns } from '../helpers/lan-kilns.ts';
import { unavailableReason, type LanHost, type TestLan } from '../helpers/test-lan.ts';

function callError(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'no error',
    (error: { error?: string; args?: unknown[] }) => `${error.error ?? String(error)}: ${String(error.args?.[0] ?? '')}`,
  );
}

describe('pairing under attack from the LAN', () => {
  const why = unavailableReason();
  const kilns = new LanKilns('lan-attacks');
  let lan: TestLan | undefined;
  let ui: WampSession;
  let routerUrl = '';
  let serve: KilnProcess;
  let controlKey: ControlCenterKey;
  const stateDir = (name: string): string => kilns.stateDir(name);
  const spawnIn = (host: LanHost, args: string[], env: NodeJS.ProcessEnv = {}): KilnProcess => kilns.node(host, args, env);
  const worker = (host: LanHost, id: string, env: NodeJS.ProcessEnv = {}): KilnProcess =>
    kilns.kiln(host, ['worker', '--threads', '1', '--id', id, '--state-dir', stateDir(id)], env);
  const machineIdOf = async (started: KilnProcess): Promise<string> => (await started.line(/^worker (\S+) waiting for an invitation/))[1];
  const listed = (machineId: string): Promise<LanMachine> =>
    until(async () => (await ui.call<LanMachine[]>(Procedures.lanList)).find((machine) => machine.machineId === machineId), `${machineId} to be listed`);
  const pairingInfo = async (machine: LanMachine): Promise<PairingInfo> =>
    (await (await fetch(`http://${machine.address}:${machine.port}${PAIRING_PATH}?nonce=${randomBytes(32).toString('hex')}`)).json()) as PairingInfo;
  const post = async (machine: LanMachine, invitation: unknown): Promise<{ status: number; error?: string }> => {
    const response = await fetch(`http://${machine.address}:${machine.port}${INVITATION_PATH}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(invitation),
    });
    return { status: response.status, ...((await response.json()) as { error?: string }) };
  };

  /** An invitation as a control center holding `key` would sign it (with `code`: for an unattended worker). */
  const invitationFor = (info: PairingInfo, key: ControlCenterKey, overrides: Partial<Invitation> = {}, code?: string): Invitation => {
    const oneTime = code === undefined ? null : generateKeyPairSync('x25519');
    const body = {
      inviteId: randomBytes(9).toString('base64url'),
      routerUrls: [`wss://${lan!.testAddress}:9/ws`],
      realm: REALM,
      authid: 'worker:intruder',
      controlCenterName: 'intruder',
      controlCenterKey: key.publicKey,
      workerKey: info.publicKey,
      nonceCommitment: sha256Hex(randomBytes(32).toString('hex')),
      expiresAt: Date.now() + 60_000,
      ...(oneTime === null ? {} : { agreementKey: rawPublicKey(oneTime.publicKey) }),
      ...overrides,
    };
    const bytes = invitationBytes(body);
    const invitation: Invitation = { ...body, signature: signHex(key.privateKey, bytes) };
    if (oneTime !== null) invitation.codeProof = codeProof(agreedSecret(oneTime.privateKey, info.agreementKey), code!, bytes);
    return invitation;
  };
  const intruderKey = controlCenterKeyFrom(generateKeyPairSync('ed25519').privateKey);

  beforeAll(async () => {
    if (why !== null) return;
    lan = kilns.build(6);
    const [control] = lan.hosts;
    const served = await kilns.serve(control, stateDir('control'));
    ({ serve, routerUrl } = served);
    controlKey = loadOrCreateControlCenterKey(stateDir('control'));
    expect((await serve.line(/^control center key sha256 ([0-9a-f]{64})$/))[1]).toBe(controlKey.fingerprint);
    ui = await kilns.join(served, { method: 'ticket', authid: 'ui', ticket: served.ticket });
  }, 60_000);

  afterAll(() => kilns.close());

  it('a machine serving a copied key (even relaying the proof) and re-advertising a worker does not take over its row; the invitation goes to the worker', async (context) => {
    if (why !== null) return context.skip(why);
    const [, hostA, , , hostIntruder] = lan!.hosts;
    const victim = worker(hostA, 'victim');
    const machineId = await machineIdOf(victim);
    const row = await listed(machineId);
    expect(row.address).toBe(hostA.address);

    const intruder = spawnIn(hostIntruder, ['--import', 'tsx', 'test/helpers/lan-intruder.ts', row.address, String(row.port), machineId, row.keyFingerprint]);
    await intruder.line(/^advertising \d+/);
    // The control center sees the intruder's record and challenges it; the relayed proof names the victim's address.
    await intruder.line(new RegExp(`^challenged (::ffff:)?${lan!.hosts[0].address.replace(/\./g, '\\.')}$`), 30_000);
    const intruderPort = (await intruder.line(/^advertising (\d+)/))[1];
    await serve.line(
      new RegExp(
        `^warn: ${hostIntruder.address.replace(/\./g, '\\.')}:${intruderPort} advertises ${machineId}, listed at ${hostA.address.replace(/\./g, '\\.')}:${row.port}, but did not prove its key .*the row stays$`,
      ),
      30_000,
    );
    const invitation = await ui.call<LanInvitation>(Procedures.lanInvite, [], { machineId });
    expect((await listed(machineId)).address).toBe(hostA.address);
    expect((await victim.line(/^pairing code (\d{6})/))[1]).toBe(invitation.code);
    expect(intruder.output).not.toContain('invitation received');
    victim.child.stdin!.write('y\n');
    await victim.line(new RegExp(`joined ${routerUrl.replace(/[.]/g, '\\.').replace(/:\d+\//, ':\\d+/')}`));
  }, 90_000);

  it('a code the user declines counts as a failed attempt; unsigned, badly signed and relayed invitations (router URLs swapped) are refused, and the pending genuine pairing still succeeds', async (context) => {
    if (why !== null) return context.skip(why);
    const [, , hostB] = lan!.hosts;
    const target = worker(hostB, 'target');
    const machineId = await machineIdOf(target);
    const row = await listed(machineId);
    const info = await pairingInfo(row);

    // A code the user does not confirm is a failed attempt, logged once.
    const declined = await ui.call<LanInvitation>(Procedures.lanInvite, [], { machineId });
    expect((await target.line(/^pairing code (\d{6})/))[1]).toBe(declined.code);
    target.child.stdin!.write('n\n');
    await target.line(new RegExp(`^refused invitation ${declined.inviteId} from "${hostname()}": the code was not confirmed \\(4 more before a lockout\\)$`));

    // The genuine invitation is pending: the worker shows its code and waits for the user.
    const genuine = await ui.call<LanInvitation>(Procedures.lanInvite, [], { machineId });
    await target.line(new RegExp(`^pairing code ${genuine.code}$`));

    // Relayed: an invitation signed by the control center's own key, with the router URLs swapped for a relay.
    const signed = invitationFor(info, controlKey, { controlCenterName: hostname(), routerUrls: [routerUrl] });
    expect(await post(row, { ...signed, routerUrls: [`wss://${lan!.testAddress}:8443/ws`] })).toMatchObject({
      status: 400,
      error: 'the invitation is not signed by the control center key it names',
    });
    expect(await post(row, { ...signed, signature: '00'.repeat(64) })).toMatchObject({
      status: 400,
      error: 'the invitation is not signed by the control center key it names',
    });
    const { signature: _dropped, ...unsigned } = signed;
    expect(await post(row, unsigned)).toMatchObject({ status: 400, error: expect.stringMatching(/invitation\.signature/) });
    // Signed, but for another worker's key.
    expect(await post(row, invitationFor({ ...info, publicKey: rawPublicKey(generateKeyPairSync('ed25519').publicKey) }, intruderKey))).toMatchObject({
      status: 400,
      error: "the invitation is for another worker's key",
    });

    target.child.stdin!.write('y\n');
    await target.line(/accepted: joining wss:\/\//);
    await target.line(/worker target: joined wss:\/\//);
    expect(target.output.filter((line) => /refused invitation/.test(line))).toHaveLength(1);
  }, 90_000);

  it('a paired worker refuses, loudly, a control center of the same name with another key', async (context) => {
    if (why !== null) return context.skip(why);
    const [, , hostB] = lan!.hosts;
    const target = kilns.processes.find((started) => started.output.some((line) => line.includes('worker target: joined')))!;
    const machineId = await machineIdOf(target);
    // Revoked, the worker offers itself again: now an impostor signs with its own key under the control center's name.
    const grant = await listed(machineId);
    expect((await ui.call<RevokedInvite>(Procedures.lanRevokeInvite, [], { inviteId: grant.inviteId })).sessionsKilled).toBe(1);
    await target.line(/left the control center/);
    const row = await until(async () => {
      const machine = (await ui.call<LanMachine[]>(Procedures.lanList)).find((candidate) => candidate.machineId === machineId);
      return machine?.state === 'available' ? machine : undefined;
    }, 'the revoked worker to offer itself again');
    expect(row.address).toBe(hostB.address);
    const impostor = invitationFor(await pairingInfo(row), intruderKey, { controlCenterName: hostname() });
    expect(await post(row, impostor)).toMatchObject({ status: 403, error: 'this worker knows a control center of that name by another key' });
    await target.line(
      new RegExp(
        `^WARNING: control center "${hostname()}" now signs with key ${intruderKey.fingerprint}, not the one this worker paired with \\(${controlKey.fingerprint}\\)`,
      ),
    );
  }, 90_000);

  it('wrong unattended codes lock the worker out after five tries, each attempt logged once; an unattended worker given its code by the user pairs', async (context) => {
    if (why !== null) return context.skip(why);
    const [, , , hostC, , hostD] = lan!.hosts;
    const code = String(randomBytes(4).readUInt32BE(0) % 1_000_000).padStart(6, '0');
    const locked = worker(hostC, 'locked', { KILN_ACCEPT_CODE: code });
    const row = await listed(await machineIdOf(locked));
    const info = await pairingInfo(row);
    const wrong = (n: number): string => String((Number(code) + 1 + n) % 1_000_000).padStart(6, '0');
    const answers: number[] = [];
    for (let attempt = 0; attempt < 8; attempt++) answers.push((await post(row, invitationFor(info, intruderKey, {}, wrong(attempt)))).status);
    expect(answers).toEqual([403, 403, 403, 403, 403, 429, 429, 429]);
    // Even the right code waits out the lockout (so guessing gains nothing); the control center says why.
    expect(await callError(ui.call(Procedures.lanInvite, [], { machineId: row.machineId, code }))).toMatch(
      /^kiln\.error\.pairing_failed: .*\(429\): too many failed pairing attempts/,
    );
    await until(() => (locked.output.filter((line) => /^refused invitation/.test(line)).length === 9 ? true : undefined), 'nine refusals in the log');
    const refusals = locked.output.filter((line) => /^refused invitation/.test(line));
    expect(refusals.filter((line) => /wrong pairing code/.test(line))).toHaveLength(5);
    expect(refusals[4]).toMatch(/locked out for 60 s/);
    expect(refusals.filter((line) => /too many failed pairing attempts/.test(line))).toHaveLength(4);

    // The unattended path: the worker was started with a code, the user types it into Invite.
    const unattendedCode = '314159';
    const unattended = worker(hostD, 'unattended', { KILN_ACCEPT_CODE: unattendedCode });
    const machineId = await machineIdOf(unattended);
    await listed(machineId);
    expect(await callError(ui.call(Procedures.lanInvite, [], { machineId, code: '27182' }))).toMatch(
      /^wamp\.error\.invalid_argument|kiln\.error\.invalid_argument/,
    );
    const invitation = await ui.call<LanInvitation>(Procedures.lanInvite, [], { machineId, code: unattendedCode });
    expect(invitation).toMatchObject({ confirmation: 'accepted', code: unattendedCode });
    await unattended.line(/worker unattended: joined wss:\/\//);
  }, 120_000);
});
