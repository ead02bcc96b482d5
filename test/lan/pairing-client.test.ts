/** The control center reading a "worker's" pairing answer: bounded, whatever the other side sends. */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { proveWorker } from '../../electron/lan/pairing-client.ts';
import { MAX_PAIRING_BODY } from '../../electron/lan/pairing.ts';

let server: Server | null = null;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

function fakeWorker(answer: (response: ServerResponse) => void): Promise<number> {
  server = createServer((_request, response) => answer(response));
  return new Promise((resolve) => server!.listen(0, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port)));
}

describe('proveWorker', () => {
  it('stops reading an endless answer past the limit', async () => {
    let sent = 0;
    const port = await fakeWorker((response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        while (sent < 64 * 1024 * 1024 && response.write(chunk)) sent += chunk.length;
        if (sent < 64 * 1024 * 1024) response.once('drain', pump);
        else response.end();
      };
      response.on('close', () => response.removeAllListeners('drain'));
      pump();
    });
    await expect(proveWorker('127.0.0.1', port)).rejects.toThrow(`the worker's answer exceeds ${MAX_PAIRING_BODY} bytes`);
    // The sender was cut off long before its 64 MiB (socket buffers hold a few MiB at most).
    expect(sent).toBeLessThan(16 * 1024 * 1024);
  });

  it('refuses an announced oversized answer without reading it', async () => {
    const port = await fakeWorker((response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(MAX_PAIRING_BODY + 1) });
      response.end(Buffer.alloc(MAX_PAIRING_BODY + 1, 0x20));
    });
    await expect(proveWorker('127.0.0.1', port)).rejects.toThrow(/exceeds/);
  });

  it('reads a short answer, and says when it is not JSON', async () => {
    const port = await fakeWorker((response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end('not json');
    });
    await expect(proveWorker('127.0.0.1', port)).rejects.toThrow('the worker answered with something that is not JSON');
  });
});
