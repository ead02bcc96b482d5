/**
 * The HTTP status a router's address answered the WebSocket upgrade with. ws reports a refused
 * upgrade (a 404 for a wrong path, a proxy's 401 or 403) to autobahn only as an unspecific error,
 * which autobahn calls 'unreachable' and retries forever; the status line on the socket tells a
 * wrong address, which retrying will not fix, from a router that is down.
 */
import { Agent as HttpAgent, STATUS_CODES } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/** 4xx, except a timeout or too many requests: the path, the address or the client is wrong, not the moment. */
export function isPermanentRefusal(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** One line about a status other than 101 (Switching Protocols). */
export function describeUpgradeAnswer(status: number): string {
  const answer = `the router's address answered the WebSocket upgrade with HTTP ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd();
  return status === 404 ? `${answer}: nothing serves WAMP at that path (Kiln's router is at /ws)` : answer;
}

/**
 * `agent` (a new one for the URL's scheme when none is given), whose sockets report the status of the
 * first response they carry: the upgrade's, since ws opens one socket per connection. `onStatus` hears
 * null as each connection starts, so an answer is never taken for a later connection's.
 */
export function reportingUpgradeStatus(url: string, onStatus: (status: number | null) => void, agent?: HttpAgent): HttpAgent {
  const reporting = agent ?? (url.startsWith('wss://') ? new HttpsAgent({ keepAlive: false }) : new HttpAgent({ keepAlive: false }));
  const createConnection = reporting.createConnection.bind(reporting);
  reporting.createConnection = (options, callback) => {
    onStatus(null);
    const socket = createConnection(options, callback);
    // Attached before the HTTP client's own listener, so it sees the response's first bytes and leaves.
    socket?.once('data', (chunk: Buffer) => {
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(chunk.toString('latin1', 0, 12));
      if (status !== null) onStatus(Number(status[1]));
    });
    return socket;
  };
  return reporting;
}
