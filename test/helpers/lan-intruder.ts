/**
 * The intruder of the LAN attack tests, run in its own test namespace (node --import tsx): it copies
 * a listed worker's identity. It serves the worker's public key from its own pairing endpoint, relaying
 * every challenge to the real worker so even the signature is the worker's, and re-advertises the
 * worker's mDNS name (with one extra TXT key, so browsers see an update) from its own address.
 * It prints `advertising PORT`, `challenged ADDRESS` for each challenge, `invitation received` if the
 * control center ever sends it one.
 *
 * usage: lan-intruder.ts VICTIM_ADDRESS VICTIM_PORT MACHINE_ID KEY_FINGERPRINT
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Bonjour } from 'bonjour-service';
import { WORKER_SERVICE_TYPE } from '../../electron/lan/discovery.ts';

const [victimAddress, victimPort, machineId, keyFingerprint] = process.argv.slice(2);

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://x');
  if (request.method === 'GET') {
    console.log(`challenged ${request.socket.remoteAddress}`);
    fetch(`http://${victimAddress}:${victimPort}${url.pathname}${url.search}`)
      .then(async (answer) => {
        response.writeHead(answer.status, { 'Content-Type': 'application/json' });
        response.end(await answer.text());
      })
      .catch(() => response.writeHead(502).end());
    return;
  }
  console.log('invitation received');
  response.writeHead(400, { 'Content-Type': 'application/json' }).end('{"error":"no"}');
});
server.listen(0, '0.0.0.0', () => {
  const { port } = server.address() as AddressInfo;
  // No probing: the name is taken (by the victim), and taking it anyway is the point.
  new Bonjour({}, () => undefined).publish({
    name: machineId,
    type: WORKER_SERVICE_TYPE,
    port,
    host: `${machineId}.local`,
    probe: false,
    disableIPv6: true,
    txt: { host: 'intruder', cores: '64', version: '0.1.0', key: keyFingerprint, x: '1' },
  });
  console.log(`advertising ${port}`);
});
