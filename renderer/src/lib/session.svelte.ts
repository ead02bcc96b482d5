/**
 * The page's one WAMP session. It owns the connection (with autobahn's reconnect and backoff),
 * feeds the rune stores from subscriptions, and is the only place that calls procedures:
 * components never touch the network.
 */
import type { Connection, Session } from 'autobahn-browser';
import { untrack } from 'svelte';
import type {
  BestKnown,
  CreatedInvite,
  CreditBoard,
  JoinLinkSummary,
  LanInvitation,
  LanStatus,
  RevokedInvite,
  RunRecord,
  RunState,
  RunsSettings,
  SolveParams,
  RunResult,
} from '../../../shared/protocol/wire.ts';
import { Procedures, Topics, centerUris, type CenterUris } from '../../../shared/protocol/uris.ts';
import type { ClusterInfo } from '../../../shared/cluster-info.ts';
import { problemToWire, toBytes } from '../../../shared/protocol/codecs.ts';
import { isRecord, problemFromWire } from '../../../shared/protocol/validate.ts';
import type { ProblemData } from '../../../shared/tsp/types.ts';
import { currentRun } from './run.svelte.ts';
import { history, pastRunOf, type PastRun } from './history.svelte.ts';
import { credit } from './credit.svelte.ts';
import { lanMachines } from './lan.svelte.ts';
import { problem } from './problem.svelte.ts';
import { machines } from './machines.svelte.ts';
import { clusterEndpoint, linkRefusal, resolveEndpoint, type ClusterSignIn, type RouterEndpoint } from './wamp/endpoint.ts';
import { createConnection, onSessions } from './wamp/connection.ts';
import type { WampSession } from '../../../shared/wamp.ts';
import { RunFeed } from './feed/run-feed.ts';
import { CallError, callResult, toCallError } from './wamp/call.ts';

export { CallError };

/** Which thread encoded and sent a call: the run feed worker's session, or the page's own. */
export type CallThread = 'worker' | 'page';

/** 'signin': a cluster's page waiting for the user's credentials. */
export type ConnectionPhase = 'signin' | 'connecting' | 'open' | 'reconnecting' | 'closed';

class RouterSession {
  phase = $state<ConnectionPhase>('connecting');
  /** When reconnecting: seconds until the next attempt. */
  retryInSeconds = $state<number | null>(null);
  /** Why the connection is not open, in words. */
  problem = $state<string | null>(null);
  /** The negotiated serializer ('msgpack' carries tours as bytes). */
  serializer = $state<string | null>(null);
  endpoint = $state.raw<RouterEndpoint>({ url: '', authmethods: [] });
  /** The control center on a shared router this page belongs to (null: Kiln's own router). */
  cluster = $state.raw<ClusterInfo | null>(null);
  /** This page's control center's procedures and topics. */
  #uris: CenterUris = centerUris();
  #connection: Connection | null = null;
  #session: WampSession | null = null;
  /**
   * Where progress is received and decoded: by the run feed worker (false, the default), or by this
   * session on the page's main thread (true: `?feed=main`, the baseline of `npm run bench:ui`; no
   * Worker; or the worker refused).
   */
  #feedOnPage: boolean;
  /** The page's own choice, before any refusal: a cluster sign-in after a refused one tries the worker again. */
  readonly #feedOnPageChosen: boolean;
  #feed: RunFeed | null = null;
  /** Ends the effect that keeps the current feed following this window's run. */
  #unfollowFeed: (() => void) | null = null;

  constructor(endpoint: RouterEndpoint, feedOnPage: boolean) {
    this.endpoint = endpoint;
    this.#feedOnPage = feedOnPage;
    this.#feedOnPageChosen = feedOnPage;
  }

  #startFeed(): void {
    this.#stopFeed(); // a reconnect starts a fresh worker: an old one still signed in would deliver progress twice
    const feed = new RunFeed(
      this.endpoint,
      (progress, received) => currentRun.onFeedProgress(progress, received),
      // Progress comes only with improvements: one made before the feed subscribed (a slow start, a reconnect) would be missed for good.
      () => {
        if (this.#feed === feed) void this.#showRunBest(); // not for a feed stopped since (a reconnect)
      },
      (reason) => {
        if (this.#feed !== feed) return; // a feed of credentials signed in with before
        console.warn(`Kiln: progress comes through the page's own session (${reason})`);
        this.#feed = null;
        this.#feedOnPage = true;
        currentRun.feed = 'page';
        // Here too, an improvement made before the page's own subscription would be missed.
        void this.#subscribeProgress(this.#session).then(() => this.#showRunBest());
      },
    );
    this.#feed = feed;
    currentRun.feed = 'worker';
    // The worker hands over the progress of the run this window follows, whichever that is now.
    this.#unfollowFeed = $effect.root(() => {
      $effect(() => {
        const runId = currentRun.runId;
        untrack(() => this.#feed?.follow(runId));
      });
    });
  }

  #stopFeed(): void {
    this.#unfollowFeed?.();
    this.#unfollowFeed = null;
    this.#feed?.close();
    this.#feed = null;
  }

  /** Progress on this session: only where the run feed worker does not follow it. */
  async #subscribeProgress(session: WampSession | null): Promise<void> {
    if (!session || !this.#feedOnPage) return;
    await session.subscribe(Topics.anyRunProgress, (args, kwargs) => currentRun.onProgress(payloadOf(args, kwargs)), { match: 'wildcard' });
  }

  /** The page belongs to a control center on a shared router: it waits for the user to sign in there. */
  useCluster(info: ClusterInfo): void {
    this.cluster = info;
    this.#uris = centerUris(info.center);
    this.endpoint = clusterEndpoint(info);
    this.phase = 'signin';
  }

  /** Signs in to the cluster's router with the user's own credentials (kept in this page's memory only). */
  signIn(credentials: ClusterSignIn): void {
    if (!this.cluster) return;
    this.endpoint = clusterEndpoint(this.cluster, credentials);
    this.#connection?.close();
    this.#connection = null;
    // The run feed worker signs in with these credentials too: a refused one's worker goes.
    this.#stopFeed();
    this.#feedOnPage = this.#feedOnPageChosen;
    this.connect();
  }

  connect(): void {
    if (this.#connection || this.endpoint.authmethods.length === 0) return;
    const { url } = this.endpoint;
    if (this.#feedOnPage === false) this.#startFeed();
    const connection = createConnection(this.endpoint);
    onSessions(
      connection,
      url,
      (session, raw) => void this.#opened(session, raw),
      (reason, details) => {
        this.#session = null;
        this.serializer = null;
        machines.clear();
        history.clear();
        lanMachines.clear();
        void problem.useBestKnownLengths(null);
        if (details.will_retry) {
          this.phase = reason === 'unreachable' && this.phase === 'connecting' ? 'connecting' : 'reconnecting';
          this.retryInSeconds = details.retry_delay === null ? null : Math.round(details.retry_delay * 10) / 10;
          this.problem = reason === 'unreachable' ? `cannot reach the router at ${url}` : 'lost the connection to the router';
        } else {
          // Refused (e.g. wamp.error.not_authorized) or closed: retrying by itself would not help.
          this.phase = 'closed';
          this.retryInSeconds = null;
          const refusal = linkRefusal(this.endpoint, details.reason);
          this.problem = refusal
            ? `${refusal} (${details.reason})`
            : details.reason
              ? `${details.reason}${details.message ? `: ${details.message}` : ''}`
              : `connection closed (${reason})`;
          this.#connection = null;
        }
        return false;
      },
    );
    this.#connection = connection;
    this.phase = 'connecting';
    connection.open();
  }

  /** After the router refused or closed the session: try again from scratch. */
  reconnect(): void {
    this.#connection?.close();
    this.#connection = null;
    this.connect();
  }

  async #opened(session: WampSession, raw: Session): Promise<void> {
    this.#session = session;
    this.phase = 'open';
    this.problem = null;
    this.retryInSeconds = null;
    this.serializer = this.#negotiatedSerializer(raw);
    try {
      await Promise.all([
        session.subscribe(this.#uris.machinesSummaryTopic, (args, kwargs) => machines.onSummary(payloadOf(args, kwargs))),
        // On a shared router every control center's runs are announced: this page follows its own.
        session.subscribe(
          Topics.anyRunState,
          (args, kwargs) => {
            const state = payloadOf(args, kwargs);
            if (isRecord(state) && state.center === this.#uris.center) this.#onRunState(state);
          },
          { match: 'wildcard' },
        ),
        this.#subscribeProgress(session),
      ]);
      // Join a run already in progress (a second window, or a reconnect mid-run), with its city set
      // when this window has none open, so the map shows what Progress reports.
      currentRun.onStatus(await this.#call<unknown>(this.#uris.solveStatus, {}));
      await Promise.all([this.#showRunProblem(), this.#showRunBest()]);
    } catch (error) {
      if (this.#session === session) this.problem = toCallError(error).message;
    }
    // The donors' leaderboard.
    try {
      await session.subscribe(this.#uris.creditBoardTopic, (args, kwargs) => credit.onBoard(payloadOf(args, kwargs)));
      credit.onBoard(await this.#call<unknown>(this.#uris.creditBoard, {}));
    } catch {
      credit.clear();
    }
    // The run history: kept by kiln serve and the desktop app (with a state directory); viewers may read it.
    try {
      await session.subscribe(this.#uris.runsChangedTopic, () => void this.refreshRuns());
      await this.refreshRuns();
      history.maxRuns = (await this.#call<RunsSettings>(this.#uris.runsSettings, {})).maxRuns;
    } catch {
      // No history here (or not ours to read): the panel says so.
    }
    // Best known lengths, kept by the control center with the city sets (controllers only; none without a state directory).
    try {
      const uris = this.#uris;
      await session.subscribe(uris.bestKnownChangedTopic, (args, kwargs) => problem.onBestKnownChanged(payloadOf(args, kwargs)));
      // A control center without a state directory registers no kiln.problem.bestKnown: the store's first read (the open set's) fails.
      await problem.useBestKnownLengths({
        get: async (hash) => (await this.#call<BestKnown>(uris.bestKnown, { hash })).length,
        set: async (hash, length) => (await this.#call<BestKnown>(uris.setBestKnown, { hash, length })).length,
      });
    } catch {
      // A late failure of a session replaced since (a reconnect) must not clear the newer session's store.
      if (this.#session === session) void problem.useBestKnownLengths(null);
    }
    // LAN machines: only a controller may see them, and only a control center started with LAN support offers them.
    try {
      await session.subscribe(Topics.lanMachines, (args, kwargs) => lanMachines.onList(payloadOf(args, kwargs)));
      lanMachines.onList(await this.#call<unknown>(Procedures.lanList, {}));
    } catch {
      lanMachines.clear();
    }
  }

  /**
   * A run state event. A run this window starts following here (another window's, or `kiln solve`'s,
   * started after this page opened) comes with its city set, when the page has none of its own open,
   * and its best tour so far, as for a run joined on opening the page.
   */
  #onRunState(state: unknown): void {
    const followed = currentRun.runId;
    currentRun.onState(state);
    if (currentRun.runId !== followed) void Promise.all([this.#showRunProblem(), this.#showRunBest()]);
  }

  /**
   * The followed run's city set onto the page (kiln.problem.get by its hash), unless the page shows a set
   * of its own: one opened or generated here, or a past run. `force`: the user asked for it (replacing theirs).
   */
  async #showRunProblem(force = false): Promise<void> {
    const run = currentRun.state;
    const wanted = (): boolean => currentRun.state?.runId === run?.runId && (force || takesRunProblem(run!.problemHash));
    if (!run || !wanted()) return;
    try {
      const data = problemFromWire(await this.#call<unknown>(this.#uris.problemGet, {}, [run.problemHash]));
      if (wanted()) problem.adopt({ ...data, name: run.problemName }, 'run');
    } catch (error) {
      // The orchestrator forgets old problems; the run is then shown without its map.
      if (force) throw toCallError(error);
    }
  }

  /** Shows the followed run's city set in place of the one open here (the map's "Show its cities"). Throws CallError when it cannot be had. */
  showRunProblem(): Promise<void> {
    return this.#showRunProblem(true);
  }

  /** The followed run's best tour so far: progress events come only with improvements, and the last may be long past. */
  async #showRunBest(): Promise<void> {
    const runId = currentRun.running ? currentRun.runId : null;
    if (!runId) return;
    try {
      currentRun.onProgress(await this.#call<unknown>(this.#uris.solveProgress, {}, [runId]), true);
    } catch {
      // The run ended meanwhile, or an orchestrator without kiln.solve.progress: the next improvement brings the tour.
    }
  }

  #negotiatedSerializer(session: Session): string | null {
    // autobahn keeps the transport's negotiated subprotocol ("wamp.2.msgpack") on the session.
    const protocol = (session as unknown as { _socket?: { info?: { protocol?: string } } })._socket?.info?.protocol;
    return protocol ? protocol.replace(/^wamp\.2\./, '') : null;
  }

  async #call<T>(procedure: string, kwargs: Record<string, unknown>, args: unknown[] = []): Promise<T> {
    const session = this.#session;
    if (!session) throw new CallError('kiln.error.not_connected', 'not connected to the router');
    try {
      return callResult(await session.call<unknown>(procedure, args, kwargs)) as T;
    } catch (error) {
      throw toCallError(error);
    }
  }

  /**
   * A call with a big payload (a city set): placed by the run feed worker's session, so that encoding
   * and sending it do not block the page; on this session where there is no worker, or its session is
   * not open (nothing was sent then).
   */
  async #callOffPage<T>(procedure: string, kwargs: Record<string, unknown>): Promise<{ value: T; thread: CallThread }> {
    const answer = this.#feed ? await this.#feed.call(procedure, [], kwargs) : null;
    if (answer?.ok) return { value: answer.value as T, thread: 'worker' };
    if (answer?.sent) throw new CallError(answer.uri, answer.message);
    return { value: await this.#call<T>(procedure, kwargs), thread: 'page' };
  }

  /**
   * kiln.solve.start (from `startTour`, a past best, when given): answers at once with the run's initial
   * state, and which thread sent the request. Throws CallError when refused.
   */
  async startRun(problem: ProblemData, budgetMs: number, params: SolveParams, startTour?: Int32Array): Promise<{ state: RunState; thread: CallThread }> {
    const request: Record<string, unknown> = { problem: problemToWire(problem), budgetMs, params };
    if (startTour) request.tour = toBytes(startTour);
    const { value: state, thread } = await this.#callOffPage<RunState>(this.#uris.solveStart, request);
    currentRun.follow(state);
    return { state, thread };
  }

  /** kiln.credit.board for one run (the leaderboard's "This run" view). */
  creditBoard(runId: string): Promise<CreditBoard> {
    return this.#call<CreditBoard>(this.#uris.creditBoard, { runId });
  }

  /** kiln.runs.list into the history store. */
  async refreshRuns(): Promise<void> {
    history.onList(await this.#call<unknown>(this.#uris.runsList, {}));
  }

  /** kiln.runs.get: a past run in full, as stored. */
  runRecord(runId: string): Promise<RunRecord> {
    return this.#call<RunRecord>(this.#uris.runsGet, { runId });
  }

  /** kiln.runs.get, decoded for the map and the chart. */
  async pastRun(runId: string): Promise<PastRun> {
    return pastRunOf(await this.runRecord(runId));
  }

  /** kiln.runs.delete */
  async deleteRun(runId: string): Promise<void> {
    await this.#call(this.#uris.runsDelete, { runId });
    await this.refreshRuns();
  }

  /** kiln.runs.settings: how many runs the history keeps (older ones are deleted at once). */
  async setMaxRuns(maxRuns: number): Promise<void> {
    history.maxRuns = (await this.#call<RunsSettings>(this.#uris.runsSettings, { maxRuns })).maxRuns;
    await this.refreshRuns();
  }

  /**
   * kiln.lan.invite: the code returned is the one the worker's terminal shows; with `code` (an
   * unattended worker's, started with --accept-code), the worker pairs at once if it is the right one.
   */
  inviteMachine(machineId: string, code?: string): Promise<LanInvitation> {
    return this.#call<LanInvitation>(Procedures.lanInvite, code ? { machineId, code } : { machineId });
  }

  /** kiln.lan.status: this control center's name, the key fingerprint workers show, and whether it serves the LAN unencrypted. */
  lanStatus(): Promise<LanStatus> {
    return this.#call<LanStatus>(Procedures.lanStatus, {});
  }

  /** kiln.lan.createInvite: a join link (with its secret) for a browser or an undiscovered machine. */
  createInvite(label?: string): Promise<CreatedInvite> {
    return this.#call<CreatedInvite>(Procedures.lanCreateInvite, label ? { label } : {});
  }

  /** kiln.lan.invites: the join links still admitting donors. */
  listInvites(): Promise<JoinLinkSummary[]> {
    return this.#call<JoinLinkSummary[]>(Procedures.lanInvites, {});
  }

  /** kiln.lan.revokeInvite: ends the sessions using the invite at once. */
  revokeInvite(inviteId: string): Promise<RevokedInvite> {
    return this.#call<RevokedInvite>(Procedures.lanRevokeInvite, { inviteId });
  }

  /** kiln.solve.stop: answers with the best result so far. */
  async stopRun(runId: string): Promise<RunResult> {
    const result = await this.#call<RunResult>(this.#uris.solveStop, {}, [runId]);
    currentRun.onResult(result);
    return result;
  }
}

/** Whether the page takes a followed run's city set by itself: it has none open, or only an earlier followed run's. */
function takesRunProblem(problemHash: string): boolean {
  return problem.data === null || (problem.source === 'run' && problem.hash !== problemHash);
}

/** Kiln publishes its payloads as the single positional argument; keyword arguments are accepted too. */
function payloadOf(args: unknown[] | undefined, kwargs: Record<string, unknown> | undefined): unknown {
  return args && args.length > 0 ? args[0] : kwargs;
}

export const router = new RouterSession(resolveEndpoint(window), new URLSearchParams(location.search).get('feed') === 'main' || typeof Worker !== 'function');
