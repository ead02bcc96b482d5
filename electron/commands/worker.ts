/**
 * `kiln worker`: offers this machine's cores as `kiln.anneal` callees — to a router given by URL,
 * by a join link, or, with neither, to whichever control center on the LAN invites it.
 */
import { cpus } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { parseCommandLine } from './command-line.ts';
import { startWorker, type RunningWorker } from '../compute/worker.ts';
import { INVITE_AUTHID_PREFIX } from '../lan/invites.ts';
import { parseJoinLink } from '../lan/join-link.ts';
import { offerMachine, type PairingPrompt } from '../lan/offer.ts';
import { CODE } from '../lan/pairing-crypto.ts';
import { UsageError, type Command } from './command.ts';
import { JOIN_ENV, readJoinLink } from './secret-source.ts';
import { JOIN_OPTIONS, JOIN_USAGE, joinSettingsFrom } from './join-options.ts';
import { parseCount, parsePinnedFingerprint, parsePort, parseRouterUrl, waitForShutdown } from './options.ts';
import { MAX_WORKER_ID, isClaimableWorkerId } from '../machines/worker-ids.ts';
import { preparedStateDir } from './state-dir.ts';

const usage = `usage: kiln worker [--router ws://HOST:PORT/ws | --join SOURCE] [options]

Registers this machine's cores as compute callees (kiln.anneal) on a Kiln or Crossbar.io router, and
reconnects with backoff whenever the router goes away. Stops cleanly on SIGINT or SIGTERM, and with
exit 1 when the router refuses it for good (credentials, realm, an HTTP 404/401/403 at the address).
With neither --router nor --join, offers this machine on the LAN (mDNS) and waits for a control
center's invitation: it shows the control center's name and key and a 6-digit code to compare with
the one the control center shows, and remembers the key (state directory, known_control_centers).

options:
  --router URL        the router's WebSocket URL
  --join SOURCE       join with an invite link (http(s)://HOST:PORT/join#invite=...) read from SOURCE:
                      - (standard input), env (the ${JOIN_ENV} variable) or a file only you can read
                      (mode 0600). Never the link itself: the command line is visible to every user.
  --accept-code CODE  offering on the LAN, unattended: accept an invitation made with this 6-digit
                      code (typed into the control center's Invite) without asking; or set
                      KILN_ACCEPT_CODE. Wrong codes lock pairing out for a while after 5 tries.
  --pairing-port PORT offering on the LAN: the pairing endpoint's TCP port (default: a free one)
  --state-dir DIR     offering on the LAN: where the keys of known control centers are kept
                      (default $XDG_CONFIG_HOME/kiln or ~/.config/kiln)
With --router:
${JOIN_USAGE}
  --tls-fingerprint FP
                      with a wss:// --router: pin the router's self-signed certificate by its SHA-256
                      fingerprint (64 hex digits, colons allowed; \`kiln serve --tls\` prints it)
  --threads N         compute threads, and so concurrent calls taken (default: every core)
  --id ID             this worker's id in the machines list (default HOST-PID)
  -h, --help          show this help`;

async function run(args: string[]): Promise<number> {
  const { values } = parseCommandLine({
    args,
    strict: true,
    options: {
      router: { type: 'string' },
      join: { type: 'string' },
      'accept-code': { type: 'string' },
      'pairing-port': { type: 'string', default: '0' },
      'state-dir': { type: 'string' },
      ...JOIN_OPTIONS,
      'tls-fingerprint': { type: 'string' },
      threads: { type: 'string', default: String(cpus().length) },
      id: { type: 'string' },
    },
  });
  const threads = parseCount(values.threads, '--threads', 1, 1024);
  // The orchestrator ignores the loads of an id it cannot bind: such a worker would compute unseen in Machines.
  if (values.id !== undefined && !isClaimableWorkerId(values.id))
    throw new UsageError(
      `--id must be 1 to ${MAX_WORKER_ID} characters and not session-N (kept for sessions without one), got '${values.id.slice(0, 40)}${values.id.length > 40 ? '…' : ''}'`,
    );
  const log = (message: string): void => console.error(message);
  if (values['tls-fingerprint'] !== undefined && values.router === undefined)
    throw new UsageError('--tls-fingerprint goes with --router (a join link carries its own)');
  if (values.router !== undefined && values.join !== undefined) throw new UsageError('give --router or --join, not both');
  const joinFlags = (Object.keys(JOIN_OPTIONS) as (keyof typeof JOIN_OPTIONS)[]).filter((flag) => values[flag] !== undefined);
  if (values.router === undefined && joinFlags.length > 0)
    throw new UsageError(`--${joinFlags[0]} goes with --router (a join link or an invitation carries its own)`);
  if (values.router === undefined && values.join === undefined) {
    const acceptCode = values['accept-code'] ?? (process.env.KILN_ACCEPT_CODE || undefined);
    if (acceptCode !== undefined && !CODE.test(acceptCode)) throw new UsageError('--accept-code (or KILN_ACCEPT_CODE) must be 6 digits');
    if (values['accept-code'] !== undefined)
      log('warning: --accept-code on the command line is visible to every user of this machine (ps); KILN_ACCEPT_CODE is not');
    const offer = await offerMachine({
      threads,
      workerId: values.id,
      acceptCode,
      confirm: askCode,
      stateDir: preparedStateDir(values['state-dir']),
      pairingPort: parsePort(values['pairing-port'], '--pairing-port'),
      log,
    });
    const shutdown = waitForShutdown(); // installed before the line that tells a supervisor we are up
    console.log(`worker ${offer.machineId} waiting for an invitation (pairing port ${offer.pairingPort})`);
    await shutdown;
    await offer.close();
    return 0;
  }
  const shutdown = waitForShutdown().then(() => null); // installed before the line that tells a supervisor we are up
  let worker: RunningWorker;
  let ended: (why: string) => void = () => {};
  const endedForGood = new Promise<string>((resolve) => (ended = resolve));
  // Refused, revoked or killed (autobahn will not retry): nothing to wait for, so leave with the reason.
  const onEnded = (message: string, reason: string): void => ended(message === reason ? reason : `${message} (${reason})`);
  if (values.join !== undefined) {
    const text = await readJoinLink(values.join);
    let link;
    try {
      link = parseJoinLink(text);
    } catch (error) {
      throw new UsageError(`--join: ${(error as Error).message}`);
    }
    worker = startWorker({
      url: link.routerUrl,
      credentials: { method: 'wampcra', authid: `${INVITE_AUTHID_PREFIX}${link.inviteId}`, secret: link.secret },
      tlsFingerprint: link.tlsFingerprint,
      threads,
      workerId: values.id,
      log,
      onEnded,
      rejoinAfterShutdown: true,
    });
    console.log(`worker ${worker.workerId} offering ${worker.threads} threads to ${link.routerUrl} (invite ${link.inviteId})`);
  } else {
    const url = parseRouterUrl(values.router!);
    const pinned = parsePinnedFingerprint(values['tls-fingerprint'], url);
    const { realm, credentials } = joinSettingsFrom(values);
    worker = startWorker({
      url,
      realm,
      credentials,
      tlsFingerprint: pinned,
      threads,
      workerId: values.id,
      log,
      onEnded,
      rejoinAfterShutdown: true,
    });
    console.log(`worker ${worker.workerId} offering ${worker.threads} threads to ${values.router} (realm ${realm})`);
  }
  const refusal = await Promise.race([shutdown, endedForGood]);
  await worker.close();
  if (refusal === null) return 0;
  console.error(`kiln worker: ${refusal}`);
  return 1;
}

/** Shows who invites and the pairing code, and asks the user to compare them with the control center's. */
async function askCode({ code, controlCenterName, controlCenterKey, acquaintance }: PairingPrompt): Promise<boolean> {
  const known =
    acquaintance.state === 'known' ? `known, paired since ${acquaintance.since}` : 'NEW: never paired with before; compare its key with the Machines panel';
  console.log(`invitation from control center ${JSON.stringify(controlCenterName)}, key sha256 ${controlCenterKey.replace(/(.{4})(?!$)/g, '$1 ')} (${known})`);
  console.log(`pairing code ${code}`);
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`Does the control center show the code ${code}? [y/N] `);
    // A terminal echoes the answer and its newline; piped input does not, so end the prompt's line here.
    if (!process.stdin.isTTY) process.stderr.write('\n');
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

export const command: Command = { usage, run };
