/**
 * The command that adds a machine to a router cluster. A control center on a cluster cannot invite
 * workers as Kiln's own router does (its invites are that router's authenticators, handing each worker
 * a key of its own): the cluster's router admits only the principals its operator configured, so a
 * worker joins with the cluster's credentials, from an owner-only file or KILN_SECRET, never argv.
 */
import type { ClusterInfo } from '../../../shared/cluster-info.ts';

export type WorkerAuthMethod = 'ticket' | 'wampcra' | 'cryptosign';

export interface WorkerCredentials {
  /** The worker's principal on the router ('' while not given). */
  authid: string;
  method: WorkerAuthMethod;
  /** Where that machine keeps its secret or key. */
  secretFile: string;
}

/** Shell words that need no quoting; anything else is single-quoted. */
const PLAIN_WORD = /^[A-Za-z0-9_./:@%+=,~-]+$/;

export function shellWord(value: string): string {
  if (PLAIN_WORD.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A path quoted for the shell, its leading ~/ left outside the quotes so that the shell still expands it. */
function shellPath(path: string): string {
  return path.startsWith('~/') && !PLAIN_WORD.test(path) ? `~/${shellWord(path.slice(2))}` : shellWord(path);
}

/** `kiln worker --router URL --realm REALM --authid ID --authmethod M --secret-file PATH`, each value quoted where it must be. */
export function clusterWorkerCommand(cluster: ClusterInfo, credentials: WorkerCredentials): string {
  const authid = credentials.authid.trim() === '' ? 'AUTHID' : shellWord(credentials.authid.trim());
  const secretFile = credentials.secretFile.trim() === '' ? 'SECRET_FILE' : shellPath(credentials.secretFile.trim());
  return [
    'kiln worker',
    `--router ${shellWord(cluster.router)}`,
    `--realm ${shellWord(cluster.realm)}`,
    `--authid ${authid}`,
    `--authmethod ${credentials.method}`,
    `--secret-file ${secretFile}`,
  ].join(' ');
}
