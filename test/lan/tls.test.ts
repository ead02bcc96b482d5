/**
 * `kiln serve --tls` on loopback: a self-signed certificate made once and kept in the state
 * directory; invite links carry its fingerprint; `kiln worker --join` pins it and computes, and
 * refuses a router whose certificate has another fingerprint before any WAMP message.
 */
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Procedures } from '../../shared/protocol/uris.ts';
import type { CreatedInvite, RunResult, RunState } from '../../shared/protocol/wire.ts';
import { problemToWire } from '../../shared/protocol/codecs.ts';
import { randomUniformProblem } from '../../shared/tsp/instance.ts';
import type { WampSession } from '../../shared/wamp.ts';
import { startKiln, type RunningKiln } from '../../electron/app/kiln.ts';
import { parseJoinLink } from '../../electron/lan/join-link.ts';
import { loadOrCreateTlsIdentity, type TlsIdentity } from '../../electron/tls/tls-identity.ts';
import type { WampClient } from '../../electron/wamp/client.ts';
import { joinAsController, KilnProcess, until } from '../helpers/kiln-process.ts';

const KILN = fileURLToPath(new URL('../../bin/kiln.mjs', import.meta.url));

describe('kiln serve --tls', () => {
  const stateDir = mkdtempSync(joinPath(tmpdir(), 'kiln-tls-'));
  let tls: TlsIdentity;
  let kiln: RunningKiln;
  let client: WampClient;
  let ui: WampSession;
  const workers: KilnProcess[] = [];
  const joined: string[] = [];

  beforeAll(async () => {
    tls = loadOrCreateTlsIdentity(stateDir);
    kiln = await startKiln({ host: '127.0.0.1', port: 0, threads: 0, uiDir: null, lan: { discover: false }, tls });
    kiln.router.onEvent((event) => {
      if (event.type === 'join') joined.push(event.authid);
    });
    ({ client, session: ui } = await joinAsController(kiln, tls.fingerprint));
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
    await client?.close();
    await kiln?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const worker = (args: string[], env: NodeJS.ProcessEnv = process.env, stdin?: string): KilnProcess => {
    const child = spawn(process.execPath, [KILN, 'worker', '--threads', '1', ...args], {
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env,
    });
    if (stdin !== undefined) child.stdin!.end(stdin);
    const started = new KilnProcess(child);
    workers.push(started);
    return started;
  };

  it('keeps one self-signed certificate in the state directory: the same fingerprint at every start', () => {
    const again = loadOrCreateTlsIdentity(stateDir);
    expect(again.fingerprint).toBe(tls.fingerprint);
    expect(tls.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const x509 = new X509Certificate(tls.cert);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.fingerprint256.replaceAll(':', '').toLowerCase()).toBe(tls.fingerprint);
    expect(statSync(joinPath(stateDir, 'tls', 'key.pem')).mode & 0o777).toBe(0o600);
    expect(kiln.routerUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ws$/);
  });

  it('a worker joins through the invite link, pinning the fingerprint in it, and computes', async () => {
    const invite = await ui.call<CreatedInvite>(Procedures.lanCreateInvite, [], {});
    expect(invite.link).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/join#invite=\S+&fp=[0-9a-f]{64}$/);
    expect(parseJoinLink(invite.link).tlsFingerprint).toBe(tls.fingerprint);
    expect(invite.tlsFingerprint).toBe(tls.fingerprint);

    // The link travels on standard input, as the invite dialog's command has it: never in argv.
    const pinned = worker(['--join', '-', '--id', 'tls-join'], process.env, `${invite.link}\n`);
    await pinned.line(/worker tls-join: joined wss:\/\//);
    await until(() => (kiln.orchestrator.workers.totalConcurrency === 1 ? true : undefined), 'the worker to register');
    const started = await ui.call<RunState>(Procedures.solveStart, [], {
      problem: problemToWire(randomUniformProblem(60, 7)),
      budgetMs: 1500,
      params: { sliceMs: 250, seed: 1 },
    });
    const result = await ui.call<RunResult>(Procedures.solveResult, [started.runId]);
    expect(result.phase).toBe('finished');
    expect(result.slicesByWorker['tls-join']).toBeGreaterThan(0);
  }, 30_000);

  it('a worker refuses a certificate with another fingerprint: no session, a clear message, exit 1', async () => {
    const invite = await ui.call<CreatedInvite>(Procedures.lanCreateInvite, [], {});
    const wrong = 'ab'.repeat(32);
    const before = joined.length;
    const refusing = worker(['--join', 'env', '--id', 'tls-wrong'], { ...process.env, KILN_JOIN: invite.link.replace(/fp=[0-9a-f]{64}/, `fp=${wrong}`) });
    await refusing.line(new RegExp(`fingerprint ${tls.fingerprint}, not the pinned ${wrong}: refusing to connect`));
    expect(await refusing.exited).toBe(1);
    expect(joined.slice(before)).not.toContain(`invite:${invite.inviteId}`);
  }, 30_000);

  it('takes the join link from a file only its owner can read, and refuses it in argv or in a file others can read', async () => {
    const invite = await ui.call<CreatedInvite>(Procedures.lanCreateInvite, [], {});
    const inArgv = worker(['--join', invite.link]);
    expect(await inArgv.exited).toBe(2);
    expect(inArgv.output.join('\n')).toMatch(/--join takes where to read the link, not the link itself/);
    expect(inArgv.output.join('\n')).not.toContain(parseJoinLink(invite.link).secret);
    const file = joinPath(stateDir, 'join-link');
    writeFileSync(file, `${invite.link}\n`, { mode: 0o644 });
    chmodSync(file, 0o644);
    const loose = worker(['--join', file]);
    expect(await loose.exited).toBe(2);
    expect(loose.output.join('\n')).toMatch(/readable by group or others \(mode 644\).*chmod 600/);
    chmodSync(file, 0o600);
    const owned = worker(['--join', file, '--id', 'tls-file']);
    await owned.line(/worker tls-file: joined wss:\/\//);
    const unset = worker(['--join', 'env'], { ...process.env, KILN_JOIN: '' });
    expect(await unset.exited).toBe(2);
    expect(unset.output.join('\n')).toMatch(/KILN_JOIN is not set/);
  }, 30_000);

  it('a worker given --router wss:// and --tls-fingerprint (openssl style) pins it and computes', async () => {
    const openssl = tls.fingerprint.toUpperCase().match(/../g)!.join(':');
    const args = ['--router', kiln.routerUrl, '--authid', kiln.credentials.compute.authid, '--tls-fingerprint', openssl, '--id', 'tls-router'];
    const pinned = worker(args, { ...process.env, KILN_TICKET: kiln.credentials.compute.ticket });
    await pinned.line(/worker tls-router: joined wss:\/\//);
    await until(() => (kiln.orchestrator.workers.list().some((load) => load.workerId === 'tls-router') ? true : undefined), 'the worker to register');
    await pinned.stop('SIGTERM');
    expect(await pinned.exited).toBe(0);
  }, 30_000);

  it('--router with a wrong --tls-fingerprint: refused before any session, exit 1', async () => {
    const wrong = 'ef'.repeat(32);
    const before = joined.length;
    const args = ['--router', kiln.routerUrl, '--authid', kiln.credentials.compute.authid, '--tls-fingerprint', wrong];
    const refusing = worker(args, { ...process.env, KILN_TICKET: kiln.credentials.compute.ticket });
    await refusing.line(new RegExp(`fingerprint ${tls.fingerprint}, not the pinned ${wrong}: refusing to connect`));
    expect(await refusing.exited).toBe(1);
    expect(joined.length).toBe(before);
  }, 30_000);

  it('--tls-fingerprint is refused with a plain ws:// router or a malformed value', async () => {
    const plain = worker(['--router', 'ws://127.0.0.1:9/ws', '--tls-fingerprint', tls.fingerprint]);
    await plain.line(/--tls-fingerprint needs a wss:\/\/ --router/);
    expect(await plain.exited).not.toBe(0);
    const malformed = worker(['--router', kiln.routerUrl, '--tls-fingerprint', 'abc']);
    await malformed.line(/--tls-fingerprint must be a SHA-256 fingerprint \(64 hex digits\), got 'abc'/);
    expect(await malformed.exited).not.toBe(0);
  }, 30_000);

  it('a session pinning another fingerprint is refused before any WAMP message', async () => {
    const refused = joinAsController(kiln, 'cd'.repeat(32));
    await expect(refused).rejects.toThrow(/kiln.error.tls_fingerprint_mismatch: the router's TLS certificate has fingerprint/);
  });
});
