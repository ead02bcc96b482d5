/**
 * Kiln's WAMP names: the realm, procedure and topic URIs, roles, and error URIs with ProtocolError.
 * Isomorphic: used by the orchestrator, compute callees (Node and browser) and the renderer.
 *
 * Only standard WAMP plus Crossbar.io's `concurrency` register option is used, so every component
 * also runs against an external Crossbar.io router.
 */
export const REALM = 'kiln';

export const Procedures = {
  /**
   * Prefix of the compute callees' procedures: each registers kiln.anneal.<its WAMP session id>
   * (concurrency = its threads), so the orchestrator deals each slice to a callee it chose and knows
   * who answered (see annealProcedure).
   */
  anneal: 'kiln.anneal',
  /** Registered by the orchestrator: a problem by content hash, fetched once per worker and cached. */
  problemGet: 'kiln.problem.get',
  /**
   * Registered by an orchestrator private to one process (\`kiln solve --router\`): kiln.problem.get.<its id>.
   * Anneal requests name it in \`problemFrom\`, so any number of them share one router's callees.
   */
  privateProblemGet: (orchestratorId: string) => `kiln.problem.get.${orchestratorId}`,
  /** Registered by the orchestrator: start a run; answers at once with its id. */
  solveStart: 'kiln.solve.start',
  /** Stop a run; answers with the best result so far. */
  solveStop: 'kiln.solve.stop',
  /** Status of one run, or of all runs when no id is given. */
  solveStatus: 'kiln.solve.status',
  /** Waits for a run to end and answers with its result. */
  solveResult: 'kiln.solve.result',
  /**
   * A run's best so far, as its progress topic last published it (RunProgress, tour included), or null
   * before it has a tour: what a window that opens mid-run draws until the next improvement.
   */
  solveProgress: 'kiln.solve.progress',
  /** Registered by the control center (controller role only): the machines discovered on the LAN (LanMachine[]). */
  lanList: 'kiln.lan.list',
  /** Invite a discovered worker by its machineId (LanInviteRequest -> LanInvitation); no secret travels. */
  lanInvite: 'kiln.lan.invite',
  /** Create a join link for an undiscovered machine or a browser (CreateInviteRequest -> CreatedInvite). */
  lanCreateInvite: 'kiln.lan.createInvite',
  /** Revoke an invite or a paired worker's key by inviteId; its sessions end at once (RevokeInviteRequest -> RevokedInvite). */
  lanRevokeInvite: 'kiln.lan.revokeInvite',
  /** Registered by the control center (controller role only): the live join links (JoinLinkSummary[], no secrets). */
  lanInvites: 'kiln.lan.invites',
  /** Run history (state directory): every ended run, newest first (RunSummary[]). Viewers may read it. */
  runsList: 'kiln.runs.list',
  /** One past run in full: its city set, best tour and convergence ({runId} -> RunRecord). Viewers may read it. */
  runsGet: 'kiln.runs.get',
  /** Forget a past run ({runId} -> {deleted}); controllers only. */
  runsDelete: 'kiln.runs.delete',
  /** The history's settings; with {maxRuns}, sets how many runs are kept (RunsSettings); controllers only. */
  runsSettings: 'kiln.runs.settings',
  /** Registered by the control center (controller role only): who it is and how it serves (LanStatus). */
  lanStatus: 'kiln.lan.status',
  /** The leaderboard ({runId?} -> CreditBoard): the whole session, or one run. Controllers and viewers. */
  creditBoard: 'kiln.credit.board',
  /**
   * A donor's own credit and rank ({workerId} -> MyCredit). Compute role, caller disclosed: only for the
   * worker id the caller's session holds (the first to claim it, by its load or here, until it leaves).
   */
  creditMine: 'kiln.credit.mine',
  /** A donor's display name ({workerId, name} -> MyCredit): only by the session holding that worker id. */
  creditSetName: 'kiln.credit.setName',
  /** A city set's best known length ({hash} -> BestKnown), kept in the state directory. Controllers only. */
  bestKnown: 'kiln.problem.bestKnown',
  /** Sets ({hash, length}) or forgets ({hash, length: null}) it -> BestKnown. Controllers only. */
  setBestKnown: 'kiln.problem.setBestKnown',
} as const;

/** The procedure a compute callee with this WAMP session id registers; the router allows no other. */
export function annealProcedure(sessionId: number): string {
  return `${Procedures.anneal}.${sessionId}`;
}

/** The session id in a callee's procedure URI, or undefined when the URI is not one. */
export function annealCalleeOf(procedure: string): number | undefined {
  const match = /^kiln\.anneal\.([1-9][0-9]{0,15})$/.exec(procedure);
  const id = match ? Number(match[1]) : NaN;
  return Number.isSafeInteger(id) ? id : undefined;
}

/** Most threads one callee may register (its concurrency); more is refused at REGISTER. */
export const MAX_CALLEE_CONCURRENCY = 256;

export const Topics = {
  /** Each compute callee, every second: its load (WorkerLoad). */
  workerLoad: 'kiln.worker.load',
  /**
   * A compute callee is gone (WorkerGone): published by the orchestrator when the router reports the
   * callee's session left or unregistered, never by a callee (none may speak for another).
   */
  workerGone: 'kiln.worker.gone',
  /** A run's improving best (RunProgress), at most 10 per second. */
  runProgress: (runId: string) => `kiln.run.${runId}.progress`,
  /** A run's lifecycle changes (RunState); callees stop a run's slices on "stopped"/"finished". */
  runState: (runId: string) => `kiln.run.${runId}.state`,
  /** Wildcard patterns (subscribe with match: 'wildcard') for every run. */
  anyRunProgress: 'kiln.run..progress',
  anyRunState: 'kiln.run..state',
  /** The full LanMachine[] list, published whenever a machine appears, disappears or changes state. */
  lanMachines: 'kiln.lan.machines',
  /**
   * The control center, once a second: every machine's load aggregated (MachinesSummary). UIs follow this
   * instead of kiln.worker.load, so their work does not grow with the number of donors' events.
   */
  machinesSummary: 'kiln.machines.summary',
  /** The run history changed (a run was recorded or deleted, or the cap dropped some): {runIds}. */
  runsChanged: 'kiln.runs.changed',
  /** The leaderboard (CreditBoard), at most once a second while credit changes. */
  creditBoard: 'kiln.credit.leaderboard',
  /** A best known length was set or forgotten (BestKnown), so every open page shows the same. */
  bestKnownChanged: 'kiln.problem.bestKnownChanged',
  /**
   * An orchestrator with runs going has shrunk to its share for the active orchestrators it counts
   * (OrchestratorSettled): a newcomer deals once every other active one has said so (orchestrator/peers.ts).
   */
  orchestratorSettled: 'kiln.orchestrator.settled',
} as const;

/**
 * A control center's name on a shared router (`kiln serve --router URL --center NAME`): lower-case
 * letters and digits, as an orchestrator id (its problems are kiln.problem.get.<name>).
 */
export const CENTER_NAME = /^[a-z0-9]{1,32}$/;

/**
 * What a control center registers and publishes for its own clients: on its own embedded router (one
 * control center) the plain names above; on a shared router, under kiln.center.<name>. (its problems
 * under kiln.problem.get.<name>), so several control centers never collide and each client calls its own.
 */
export interface CenterUris {
  /** undefined: the embedded router's single control center. */
  readonly center: string | undefined;
  readonly solveStart: string;
  readonly solveStop: string;
  readonly solveStatus: string;
  readonly solveResult: string;
  readonly solveProgress: string;
  readonly problemGet: string;
  readonly runsList: string;
  readonly runsGet: string;
  readonly runsDelete: string;
  readonly runsSettings: string;
  readonly creditBoard: string;
  readonly creditMine: string;
  readonly creditSetName: string;
  readonly bestKnown: string;
  readonly setBestKnown: string;
  readonly machinesSummaryTopic: string;
  readonly runsChangedTopic: string;
  readonly creditBoardTopic: string;
  readonly bestKnownChangedTopic: string;
}

export function centerUris(center?: string): CenterUris {
  if (center !== undefined && !CENTER_NAME.test(center))
    throw new ProtocolError(Errors.invalidArgument, `control center name: expected 1-32 lower-case letters and digits, got ${JSON.stringify(center)}`);
  const own = (uri: string): string => (center === undefined ? uri : `kiln.center.${center}.${uri.slice('kiln.'.length)}`);
  return {
    center,
    solveStart: own(Procedures.solveStart),
    solveStop: own(Procedures.solveStop),
    solveStatus: own(Procedures.solveStatus),
    solveResult: own(Procedures.solveResult),
    solveProgress: own(Procedures.solveProgress),
    problemGet: center === undefined ? Procedures.problemGet : Procedures.privateProblemGet(center),
    runsList: own(Procedures.runsList),
    runsGet: own(Procedures.runsGet),
    runsDelete: own(Procedures.runsDelete),
    runsSettings: own(Procedures.runsSettings),
    creditBoard: own(Procedures.creditBoard),
    creditMine: own(Procedures.creditMine),
    creditSetName: own(Procedures.creditSetName),
    bestKnown: own(Procedures.bestKnown),
    setBestKnown: own(Procedures.setBestKnown),
    machinesSummaryTopic: own(Topics.machinesSummary),
    runsChangedTopic: own(Topics.runsChanged),
    creditBoardTopic: own(Topics.creditBoard),
    bestKnownChangedTopic: own(Topics.bestKnownChanged),
  };
}

/**
 * Registered by an orchestrator while it has runs going: kiln.orchestrator.active.<its id>. Every
 * orchestrator on a router sees the others' through the registration meta API and takes only its
 * share of each callee's slots (orchestrator/peers.ts).
 */
export const activeOrchestratorProcedure = (orchestratorId: string): string => `kiln.orchestrator.active.${orchestratorId}`;

/** The orchestrator id in an activeOrchestratorProcedure URI, or undefined. */
export function activeOrchestratorOf(procedure: string): string | undefined {
  return /^kiln\.orchestrator\.active\.([a-z0-9]{1,32})$/.exec(procedure)?.[1];
}

/** Roles, enforced by the router's authorization. */
export const Roles = {
  controller: 'controller',
  compute: 'compute',
  viewer: 'viewer',
} as const;

/** A payload that fails validation: the callee answers with this URI and a precise message. */
export const Errors = {
  invalidArgument: 'kiln.error.invalid_argument',
  noSuchRun: 'kiln.error.no_such_run',
  noSuchProblem: 'kiln.error.no_such_problem',
  /** kiln.anneal: the slice asks for a revision of the problem's candidate lists its orchestrator does not have. */
  noSuchCandidates: 'kiln.error.no_such_candidates',
  stopped: 'kiln.error.stopped',
  /** kiln.lan.*: no such machine or invite. */
  noSuchMachine: 'kiln.error.no_such_machine',
  noSuchInvite: 'kiln.error.no_such_invite',
  /** kiln.runs.*: no such past run. */
  noSuchRecord: 'kiln.error.no_such_record',
  /** kiln.credit.setName: another donor's worker id, or a caller that is not disclosed. */
  notYours: 'kiln.error.not_yours',
  /** kiln.credit.setName: the name is taken in this room. */
  nameTaken: 'kiln.error.name_taken',
  /** The worker's pairing endpoint refused or did not answer the invitation. */
  pairingFailed: 'kiln.error.pairing_failed',
} as const;

export class ProtocolError extends Error {
  constructor(
    readonly uri: string,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Throws ProtocolError(invalid_argument): how validators and decoders refuse a payload. */
export function invalid(message: string): never {
  throw new ProtocolError(Errors.invalidArgument, message);
}
