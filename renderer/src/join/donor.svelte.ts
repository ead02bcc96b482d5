/**
 * The donor: this page's one WAMP session, authenticated by the invite (WAMP-CRA, authid
 * `invite:<id>`), offering the page's Web Workers as a kiln.anneal callee through the isomorphic
 * ComputeCallee. It leaves cleanly when the page goes away or stays hidden, and rejoins when shown.
 */
import autobahn, { type CloseDetails, type Connection } from 'autobahn-browser';
import { ComputeCallee } from '../../../shared/compute/callee.ts';
import { SlicePool } from '../../../shared/compute/pool.ts';
import type { SliceJob, SliceOutcome } from '../../../shared/compute/thread-messages.ts';
import { Procedures, REALM } from '../../../shared/protocol/uris.ts';
import type { MyCredit } from '../../../shared/protocol/wire.ts';
import type { ProblemData } from '../../../shared/tsp/types.ts';
import type { WampSession } from '../../../shared/wamp.ts';
import { signCraChallenge } from '../lib/wamp/cra.ts';
import { onSessions } from '../lib/wamp/connection.ts';
import { makeWampError } from './autobahn-extras.ts';
import { contribution } from './contribution.svelte.ts';
import type { Invite } from './invite.ts';
import { spawnWebThread } from './web-threads.ts';

export type DonorPhase = 'no-invite' | 'connecting' | 'joined' | 'reconnecting' | 'paused' | 'left' | 'refused';

/** A page hidden this long leaves: a backgrounded phone tab is throttled and may be frozen any time. */
const HIDDEN_LEAVE_MS = 30_000;
/** Rejoin after Kiln announced its restart. */
const RESTART_REJOIN_MS = 2000;
/** Rejoin after a full Kiln refused the page (its session cap, `kiln serve --max-sessions`). */
const FULL_REJOIN_MS = 30_000;
/** The router's ABORT reason when it serves as many sessions as it may. */
const MAX_SESSIONS_REACHED = 'kiln.error.max_sessions_reached';

export interface DonorOptions {
  invite: Invite | null;
  threads: number;
  url: string;
  workerId: string;
  host: string;
  cores: number;
}

/** The pool, reporting every slice it finishes to the page's contribution. */
class WatchedPool extends SlicePool {
  override run(runId: string, job: Omit<SliceJob, 'id'>, data: ProblemData): Promise<SliceOutcome> {
    const outcome = super.run(runId, job, data);
    outcome.then(
      (done) => contribution.onSlice(done, data),
      () => undefined,
    );
    return outcome;
  }
}

/** How often the page asks for its own credit and rank. */
const CREDIT_REFRESH_MS = 2000;

function reasonOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'error' in error) {
    const { error: uri, args } = error as { error: string; args?: unknown[] };
    return typeof args?.[0] === 'string' ? args[0] : uri;
  }
  return error instanceof Error ? error.message : String(error);
}

export class Donor {
  phase = $state<DonorPhase>('connecting');
  /** Why the page is not computing, in words (the router's ABORT reason and message when refused). */
  problem = $state<string | null>(null);
  /** This donor's own credit and rank, refreshed every few seconds while joined (kiln.credit.mine). */
  credit = $state.raw<MyCredit | null>(null);
  /** Why the last display name was refused. */
  nameError = $state<string | null>(null);
  #session: WampSession | null = null;
  #creditTimer: ReturnType<typeof setInterval> | null = null;
  #connection: Connection | null = null;
  #callee: ComputeCallee | null = null;
  #pool: SlicePool | null = null;
  #hiddenTimer: ReturnType<typeof setTimeout> | null = null;
  /** A rejoin scheduled after Kiln announced a restart; cancelled when the donor leaves. */
  #rejoinTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly options: DonorOptions) {
    if (!options.invite) {
      this.phase = 'no-invite';
      this.problem = 'This page needs an invite link: ask whoever runs Kiln for one (Machines → Create invite).';
    }
  }

  join(): void {
    const { invite } = this.options;
    if (!invite || this.#connection) return;
    const connection = new autobahn.Connection({
      realm: REALM,
      // MessagePack carries tours as bytes; the callee answers with typed-array views JSON cannot encode.
      transports: [{ type: 'websocket', url: this.options.url, serializers: [new autobahn.serializer.MsgpackSerializer!()] }],
      authmethods: ['wampcra'],
      authid: `invite:${invite.inviteId}`,
      onchallenge: (_session, method, extra) => {
        if (method !== 'wampcra') throw new Error(`the router asked for ${method}; an invite answers wampcra only`);
        return signCraChallenge(invite.secret, extra);
      },
      max_retries: -1,
      initial_retry_delay: 1,
      max_retry_delay: 10,
      retry_delay_growth: 1.5,
      retry_delay_jitter: 0.1,
    });
    onSessions(
      connection,
      this.options.url,
      (session) => void this.#opened(connection, session),
      (reason, details) => this.#closed(connection, reason, details),
    );
    this.#connection = connection;
    this.phase = 'connecting';
    this.problem = null;
    connection.open();
  }

  /**
   * Leaves: unregisters (the UNREGISTER frame goes out at once, so even a closing page sends it), says
   * GOODBYE and stops the threads. Slices in flight are cancelled by the router and re-dispatched.
   */
  leave(to: 'paused' | 'left'): void {
    if (this.#rejoinTimer) clearTimeout(this.#rejoinTimer);
    this.#rejoinTimer = null;
    const connection = this.#connection;
    this.#connection = null;
    this.#stopCredit();
    this.phase = to;
    if (!connection) return;
    void this.#callee?.stop();
    this.#callee = null;
    connection.close('wamp.close.normal', to === 'paused' ? 'page hidden' : 'donor left');
    void this.#pool?.close();
    this.#pool = null;
    contribution.resetRate();
  }

  /** Page shown or hidden: leave after HIDDEN_LEAVE_MS hidden; come back, rejoin. */
  onVisibility(hidden: boolean): void {
    if (this.#hiddenTimer) clearTimeout(this.#hiddenTimer);
    this.#hiddenTimer = null;
    // Also while waiting to rejoin a restarting Kiln (no connection yet): hidden long enough, stay away.
    if (hidden && (this.#connection || this.#rejoinTimer)) this.#hiddenTimer = setTimeout(() => this.leave('paused'), HIDDEN_LEAVE_MS);
    if (!hidden && this.phase === 'paused') this.join();
  }

  async #opened(connection: Connection, session: WampSession): Promise<void> {
    if (connection !== this.#connection) return;
    this.#pool ??= new WatchedPool(this.options.threads, spawnWebThread);
    const pool = this.#pool;
    const callee = new ComputeCallee(session, pool, makeWampError, {
      workerId: this.options.workerId,
      host: this.options.host,
      kind: 'browser',
      cores: this.options.cores,
      version: __KILN_VERSION__,
      // Each busy thread keeps one core fully loaded; the page cannot measure CPU time itself.
      sampleCpuPercent: () => Math.round((100 * pool.busyCount) / Math.max(1, this.options.cores)),
    });
    this.#callee = callee;
    try {
      await callee.start();
      if (connection === this.#connection) this.phase = 'joined';
      this.#session = session;
      // Asking once at once also makes this session the holder of the worker id (and so of its name).
      void this.#refreshCredit();
      if (this.#creditTimer) clearInterval(this.#creditTimer);
      this.#creditTimer = setInterval(() => void this.#refreshCredit(), CREDIT_REFRESH_MS);
    } catch (error) {
      this.problem = `could not offer compute: ${error instanceof Error ? error.message : String((error as { error?: string }).error ?? error)}`;
    }
  }

  /** Picks the display name shown for this donor on the control center's leaderboard. */
  async setName(name: string): Promise<boolean> {
    this.nameError = null;
    try {
      this.credit = await this.#creditCall(Procedures.creditSetName, { workerId: this.options.workerId, name });
      return true;
    } catch (error) {
      this.nameError = reasonOf(error);
      return false;
    }
  }

  async #refreshCredit(): Promise<void> {
    try {
      this.credit = await this.#creditCall(Procedures.creditMine, { workerId: this.options.workerId });
    } catch {
      // A Kiln without credit (or a moment of disconnection): the page simply shows none.
    }
  }

  /** Credit calls disclose this session: the router's session id is what proves the worker id is ours. */
  async #creditCall(procedure: string, kwargs: Record<string, unknown>): Promise<MyCredit> {
    const session = this.#session;
    if (!session || !session.isOpen) throw new Error('not connected to Kiln');
    return (await session.call<MyCredit>(procedure, [], kwargs, { disclose_me: true })) as MyCredit;
  }

  #stopCredit(): void {
    if (this.#creditTimer) clearInterval(this.#creditTimer);
    this.#creditTimer = null;
    this.#session = null;
  }

  #rejoinLater(problem: string, delayMs: number): void {
    this.phase = 'reconnecting';
    this.problem = problem;
    this.#rejoinTimer = setTimeout(() => {
      this.#rejoinTimer = null;
      if (this.phase === 'reconnecting') this.join();
    }, delayMs);
  }

  #closed(connection: Connection, reason: string, details: CloseDetails): boolean {
    this.#stopCredit();
    if (connection !== this.#connection) return true; // left on purpose: no reconnect
    void this.#callee?.stop();
    this.#callee = null;
    if (details.will_retry) {
      this.phase = 'reconnecting';
      this.problem = reason === 'unreachable' ? `cannot reach Kiln at ${this.options.url}` : 'lost the connection to Kiln';
      return false;
    }
    this.#connection = null;
    void this.#pool?.close();
    this.#pool = null;
    if (details.reason === 'wamp.close.system_shutdown') {
      // Kiln restarting: try again; autobahn then retries the unreachable router by itself.
      this.#rejoinLater('Kiln is restarting', RESTART_REJOIN_MS);
      return true;
    }
    if (details.reason === MAX_SESSIONS_REACHED) {
      // Kiln has as many machines as it takes (kiln serve --max-sessions): a place may free up.
      this.#rejoinLater(
        `Kiln is full: ${details.message || 'it takes no more machines now'} (${details.reason}). This page tries again every ${FULL_REJOIN_MS / 1000} s.`,
        FULL_REJOIN_MS,
      );
      return true;
    }
    // Refused at join (wamp.error.not_authorized: "invite expired", "invite revoked", "unknown invite") or
    // ended by a revocation (wamp.close.killed, "invite revoked"): retrying would not help.
    this.phase = 'refused';
    this.problem = details.reason ? `${details.message || details.reason} (${details.reason})` : `connection closed (${reason})`;
    if (details.reason === 'wamp.error.not_authorized' || details.reason === 'wamp.close.killed') this.problem += '. Ask whoever runs Kiln for a new link.';
    return true;
  }
}
