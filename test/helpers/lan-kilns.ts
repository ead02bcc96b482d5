/**
 * Kiln processes on a LAN a test builds (test-lan.ts): each spawned in a host's namespace from the
 * repository, and all of them, the sessions opened on them, the LAN and the state directories ended
 * by close(). serve() starts `kiln serve` on a host (TLS is on by default off loopback) and reads
 * what a client needs to join it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WampSession } from '../../shared/wamp.ts';
import type { Credentials, WampClient } from '../../electron/wamp/client.ts';
import { join, KILN, KilnProcess } from './kiln-process.ts';
import { createTestLan, type LanHost, type TestLan } from './test-lan.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface ServedOnLan {
  serve: KilnProcess;
  /** The UI's ticket (authid "ui"). */
  ticket: string;
  routerUrl: string;
  /** SHA-256 of the router's certificate (hex). */
  fingerprint: string;
}

export class LanKilns {
  lan: TestLan | undefined;
  /** Every process started, oldest first. */
  readonly processes: KilnProcess[] = [];
  private readonly clients: WampClient[] = [];
  private readonly stateRoot: string;

  constructor(name: string) {
    this.stateRoot = mkdtempSync(joinPath(tmpdir(), `kiln-${name}-`));
  }

  /** Builds the LAN with `hosts` machines. */
  build(hosts: number): TestLan {
    this.lan = createTestLan(hosts);
    return this.lan;
  }

  /** A state directory of this test's own (removed by close()). */
  stateDir(name: string): string {
    return joinPath(this.stateRoot, name);
  }

  /** `node ARGS` in the host's namespace. */
  node(host: LanHost, args: string[], env: NodeJS.ProcessEnv = {}): KilnProcess {
    const child = this.lan!.spawnIn(host, process.execPath, args, { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const started = new KilnProcess(child);
    this.processes.push(started);
    return started;
  }

  /** `kiln ARGS` in the host's namespace. */
  kiln(host: LanHost, args: string[], env: NodeJS.ProcessEnv = {}): KilnProcess {
    return this.node(host, [KILN, ...args], env);
  }

  /** `kiln serve` on `host` with no local threads, and the ticket, router URL and certificate it printed. */
  async serve(host: LanHost, stateDir: string, args: string[] = []): Promise<ServedOnLan> {
    const serve = this.kiln(host, ['serve', '--host', host.address, '--port', '0', '--threads', '0', '--state-dir', stateDir, ...args]);
    const ticket = (await serve.line(/Kiln is serving https:\S+#token=(\S+)/))[1];
    const routerUrl = (await serve.line(/^router (wss:\S+)/))[1];
    const fingerprint = (await serve.line(/^tls certificate sha256 ([0-9a-f]{64})$/))[1];
    return { serve, ticket, routerUrl, fingerprint };
  }

  /** A session on a served router (pinning its certificate), closed by close(). */
  async join(served: Pick<ServedOnLan, 'routerUrl' | 'fingerprint'>, credentials: Credentials): Promise<WampSession> {
    const { client, session } = await join(served.routerUrl, credentials, served.fingerprint);
    this.clients.push(client);
    return session;
  }

  async close(): Promise<void> {
    try {
      for (const client of this.clients) await client.close().catch(() => undefined);
      await Promise.all(this.processes.map((started) => started.stop('SIGKILL')));
    } finally {
      this.lan?.close();
      rmSync(this.stateRoot, { recursive: true, force: true });
    }
  }
}
