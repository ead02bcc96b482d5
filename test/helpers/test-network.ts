/**
 * Test hosts of our own: network namespaces joined by veth pairs, with addresses the test made.
 * Traffic in tests goes only to loopback and to these addresses. Everything created is removed by
 * close(), also when the test fails. Needs root and iproute2; `unavailableReason()` says why not.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** 10.231.0.0/16 is ours for tests; each helper picks a random /24 inside it to avoid clashes. */
const PREFIX = '10.231';

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Why test namespaces cannot be made here, or null when they can. */
export function unavailableReason(): string | null {
  if (process.getuid?.() !== 0) return 'creating network namespaces needs root';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'iproute2 (the ip command) is not installed';
  }
  return null;
}

export interface VethAddress {
  /** An address on this host's side of the pair: a non-loopback interface a server can bind. */
  hostAddress: string;
  /** The namespace at the other end and its address. */
  namespace: string;
  peerAddress: string;
  close(): void;
}

/**
 * A veth pair with one end in a fresh namespace: `hostAddress` is a non-loopback address of this
 * host that exists only for the test.
 */
export function createVethAddress(): VethAddress {
  const tag = randomBytes(3).toString('hex');
  const subnet = `${PREFIX}.${1 + (parseInt(tag, 16) % 250)}`;
  const namespace = `kiln-t-${tag}`;
  const hostLink = `kt${tag}h`;
  const peerLink = `kt${tag}p`;
  const close = () => {
    for (const args of [
      ['link', 'del', hostLink],
      ['netns', 'del', namespace],
    ]) {
      try {
        ip(...args);
      } catch {
        // Already gone (a partial setup, or deleted with its peer).
      }
    }
  };
  try {
    ip('netns', 'add', namespace);
    ip('link', 'add', hostLink, 'type', 'veth', 'peer', 'name', peerLink);
    ip('link', 'set', peerLink, 'netns', namespace);
    ip('addr', 'add', `${subnet}.1/24`, 'dev', hostLink);
    ip('link', 'set', hostLink, 'up');
    ip('-n', namespace, 'addr', 'add', `${subnet}.2/24`, 'dev', peerLink);
    ip('-n', namespace, 'link', 'set', peerLink, 'up');
    ip('-n', namespace, 'link', 'set', 'lo', 'up');
  } catch (error) {
    close();
    throw error;
  }
  return { hostAddress: `${subnet}.1`, namespace, peerAddress: `${subnet}.2`, close };
}
