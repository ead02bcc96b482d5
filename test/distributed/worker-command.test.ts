/**
 * `kiln worker --router` as a process: it rides out a router that goes away and comes back, and it
 * leaves with exit 1 and one clear line when the router refuses it or ends its session for good.
 * autobahn's own connection chatter stays out of its output.
 */
import { spawn } from 'node:child_process';
import { createServer as createHttpServer, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { REALM } from '../../shared/protocol/uris.ts';
import { KilnProcess, kilnWithController, until } from '../helpers/kiln-process.ts';

const KILN = fileURLToPath(new URL('../../bin/kiln.mjs', import.meta.url));
const CHATTER = /auto-reconnect|connection closed (closed|lost|unreachable) \{/;

const processes: KilnProcess[] = [];
function kilnProcess(args: string[], env: NodeJS.ProcessEnv = process.env): KilnProcess {
  const started = new KilnProcess(spawn(process.execPath, [KILN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env }));
  processes.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(processes.splice(0).map((started) => (started.child.exitCode === null ? started.stop('SIGKILL') : started.exited)));
});

describe('kiln worker against a Kiln that refuses or ends its session', () => {
  const center = kilnWithController();

  const worker = (ticket: string, id: string): KilnProcess =>
    kilnProcess(['worker', '--router', center.kiln.routerUrl, '--authid', center.kiln.credentials.compute.authid, '--threads', '1', '--id', id], {
      ...process.env,
      KILN_TICKET: ticket,
    });

  it('a refused ticket: exit 1 with the reason, no retrying', async () => {
    const refused = worker('not-the-ticket', 'refused');
    expect(await refused.exited).toBe(1);
    const output = refused.output.join('\n');
    expect(output).toMatch(/^kiln worker: invalid ticket for authid "local-compute" \(wamp\.error\.not_authorized\)$/m);
    expect(output).not.toMatch(/reconnecting/);
    expect(output).not.toMatch(CHATTER);
  }, 30_000);

  it('a ticket over the 64 KiB the router reads before WELCOME: exit 1 saying so, no retrying', async () => {
    const oversized = worker('x'.repeat(100_000), 'oversized');
    expect(await oversized.exited).toBe(1);
    const output = oversized.output.join('\n');
    expect(output).toMatch(/^kiln worker: a message over 65536 bytes before the session was established: .* \(kiln\.error\.message_too_big\)$/m);
    expect(output).not.toMatch(/reconnecting/);
  }, 30_000);

  it('a wrong path (HTTP 404 at the upgrade): exit 1 saying so, no retrying', async () => {
    const wrongPath = kilnProcess(['worker', '--router', center.kiln.routerUrl.replace(/\/ws$/, '/wrong'), '--threads', '1', '--id', 'lost']);
    expect(await wrongPath.exited).toBe(1);
    const output = wrongPath.output.join('\n');
    expect(output).toMatch(
      /^kiln worker: the router's address answered the WebSocket upgrade with HTTP 404 Not Found: nothing serves WAMP at that path \(Kiln's router is at \/ws\) \(kiln\.error\.upgrade_refused\)$/m,
    );
    expect(output).not.toMatch(/reconnecting|unreachable/);
  }, 30_000);

  it('a session the control center kills: exit 1 with its message', async () => {
    const killed = worker(center.kiln.credentials.compute.ticket, 'killed');
    await until(() => (center.kiln.orchestrator.workers.list().some((load) => load.workerId === 'killed') ? true : undefined), 'the worker to join');
    const ids = await center.ui.call<number[]>('wamp.session.kill_by_authid', [center.kiln.credentials.compute.authid], {
      reason: 'wamp.close.killed',
      message: 'taken off the job',
    });
    expect(ids).toHaveLength(1);
    expect(await killed.exited).toBe(1);
    expect(killed.output.join('\n')).toMatch(/^kiln worker: taken off the job \(wamp\.close\.killed\)$/m);
    expect(killed.output.join('\n')).not.toMatch(CHATTER);
  }, 30_000);
});

describe('kiln worker against a router that goes away', () => {
  it('reconnects with backoff and registers again when the router is back on its port, after a shutdown or a crash', async () => {
    const port = await freePort();
    const routerArgs = ['router', '--port', String(port), '--realm', REALM, '--anonymous'];
    const first = kilnProcess(routerArgs);
    await first.line(/^ready ws:/);
    const worker = kilnProcess(['worker', '--router', `ws://127.0.0.1:${port}/ws`, '--threads', '1', '--id', 'patient']);
    await worker.line(/worker patient: joined/);

    expect(await first.stop('SIGTERM')).toBe(0);
    await worker.line(/worker patient: connection closed \(.+\), reconnecting$/);
    const second = kilnProcess(routerArgs);
    await second.line(/^ready ws:/);
    const joins = (): number => worker.output.filter((text) => /worker patient: joined/.test(text)).length;
    await until(() => (joins() === 2 ? true : undefined), 'the worker to join again after a shutdown');

    // A crash: no GOODBYE, the connection is just lost.
    await second.stop('SIGKILL');
    await worker.line(/worker patient: connection closed \(lost\), reconnecting$/);
    const third = kilnProcess(routerArgs);
    await third.line(/^ready ws:/);
    await until(() => (joins() === 3 ? true : undefined), 'the worker to join again after a crash');
    expect(worker.child.exitCode).toBeNull();
    expect(worker.output.join('\n')).not.toMatch(CHATTER);
  }, 60_000);
});

describe('kiln worker against an HTTP server that answers the upgrade with an error', () => {
  /** A server (a proxy in front of a router, say) that answers every upgrade with `status`, counting them. */
  async function answering(status: number): Promise<{ url: string; upgrades: () => number; close: () => Promise<void> }> {
    let upgrades = 0;
    const server = createHttpServer();
    server.on('upgrade', (_request, socket) => {
      upgrades += 1;
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`,
      upgrades: () => upgrades,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  }

  it('401 and 403 are final: exit 1 after one try, with the status', async () => {
    for (const status of [401, 403]) {
      const server = await answering(status);
      try {
        const refused = kilnProcess(['worker', '--router', server.url, '--threads', '1', '--id', `refused-${status}`]);
        expect(await refused.exited).toBe(1);
        expect(refused.output.join('\n')).toMatch(
          new RegExp(
            `^kiln worker: the router's address answered the WebSocket upgrade with HTTP ${status} ${STATUS_CODES[status]} \\(kiln\\.error\\.upgrade_refused\\)$`,
            'm',
          ),
        );
        expect(server.upgrades()).toBe(1);
      } finally {
        await server.close();
      }
    }
  }, 30_000);

  it('503 (a proxy whose router is down) is retried, saying the status', async () => {
    const server = await answering(503);
    try {
      const patient = kilnProcess(['worker', '--router', server.url, '--threads', '1', '--id', 'patient-503']);
      const retried =
        /worker patient-503: connection closed \(unreachable: the router's address answered the WebSocket upgrade with HTTP 503 Service Unavailable\), reconnecting$/;
      await until(() => (patient.output.filter((text) => retried.test(text)).length >= 2 ? true : undefined), 'two retries');
      expect(patient.child.exitCode).toBeNull();
    } finally {
      await server.close();
    }
  }, 30_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('kiln worker --id', () => {
  it('refuses an id the control center could not show (empty, over 128 characters, or session-N) before joining', async () => {
    const refusals: Array<[string, RegExp]> = [
      ['', /^kiln worker: --id needs a value, got an empty one$/m],
      ['a'.repeat(129), /^kiln worker: --id must be 1 to 128 characters and not session-N/m],
      ['session-7', /^kiln worker: --id must be 1 to 128 characters and not session-N/m],
    ];
    for (const [id, refusal] of refusals) {
      // No router on port 1: a worker that took the id would keep reconnecting until the test kills it.
      const worker = kilnProcess(['worker', '--router', 'ws://127.0.0.1:1/ws', '--threads', '1', '--id', id]);
      expect(await worker.exited, id).toBe(2);
      expect(worker.output.join('\n')).toMatch(refusal);
    }
  });
});
