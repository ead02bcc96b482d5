/**
 * A LAN of our own for tests: a bridge in its own network namespace, one namespace per test host
 * joined to it by a veth pair, and one veth into this host's namespace so the test itself can reach
 * the hosts (as a machine on the LAN). Multicast works on it (mDNS): snooping is off on the bridge
 * and every host routes 224.0.0.0/4 to its LAN interface. Addresses are in a random 10.231.x.0/24;
 * names carry a random tag; close() removes everything, also after a partial setup.
 */
import { spawn, execFileSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export { unavailableReason } from './test-network.ts';

export interface LanHost {
  namespace: string;
  address: string;
  /** The host's LAN interface, inside its namespace. */
  iface: string;
}

export interface TestLan {
  /** The test's own address on the LAN (in this host's namespace). */
  testAddress: string;
  hosts: LanHost[];
  /** Runs `command` inside the host's namespace (`ip netns exec`); the child's pid is the command's. */
  spawnIn(host: LanHost, command: string, args: string[], options?: SpawnOptions): ChildProcess;
  close(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function createTestLan(hostCount: number): TestLan {
  const tag = randomBytes(3).toString('hex');
  const subnet = `10.231.${1 + (parseInt(tag, 16) % 250)}`;
  const bridgeNs = `kiln-lb-${tag}`;
  const testLink = `kl${tag}t`;
  const namespaces = [bridgeNs];
  const close = (): void => {
    // Deleting a namespace deletes the veth ends in it, and so their peers.
    for (const args of [['link', 'del', testLink], ...namespaces.map((ns) => ['netns', 'del', ns])]) {
      try {
        ip(...args);
      } catch {
        // Already gone.
      }
    }
  };
  const hosts: LanHost[] = [];
  try {
    ip('netns', 'add', bridgeNs);
    ip('-n', bridgeNs, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0');
    ip('-n', bridgeNs, 'link', 'set', 'br0', 'up');
    const plug = (name: string, peer: string): void => {
      ip('link', 'add', name, 'type', 'veth', 'peer', 'name', peer);
      ip('link', 'set', peer, 'netns', bridgeNs);
      ip('-n', bridgeNs, 'link', 'set', peer, 'master', 'br0');
      ip('-n', bridgeNs, 'link', 'set', peer, 'up');
    };
    plug(testLink, `kl${tag}tb`);
    ip('addr', 'add', `${subnet}.254/24`, 'dev', testLink);
    ip('link', 'set', testLink, 'up');
    for (let i = 1; i <= hostCount; i++) {
      const namespace = `kiln-l${i}-${tag}`;
      const iface = `kl${tag}h${i}`;
      ip('netns', 'add', namespace);
      namespaces.push(namespace);
      plug(iface, `kl${tag}b${i}`);
      ip('link', 'set', iface, 'netns', namespace);
      ip('-n', namespace, 'addr', 'add', `${subnet}.${i}/24`, 'dev', iface);
      ip('-n', namespace, 'link', 'set', iface, 'up');
      ip('-n', namespace, 'link', 'set', 'lo', 'up');
      ip('-n', namespace, 'route', 'add', '224.0.0.0/4', 'dev', iface);
      hosts.push({ namespace, address: `${subnet}.${i}`, iface });
    }
  } catch (error) {
    close();
    throw error;
  }
  return {
    testAddress: `${subnet}.254`,
    hosts,
    spawnIn: (host, command, args, options = {}) => spawn('ip', ['netns', 'exec', host.namespace, command, ...args], options),
    close,
  };
}
