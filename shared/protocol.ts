/**
 * Kiln's WAMP protocol: realm, procedure and topic URIs, payload types, and their validation.
 * Isomorphic: used by the orchestrator, compute callees (Node and browser) and the renderer.
 *
 * Only standard WAMP plus Crossbar.io's `concurrency` register option is used, so every component
 * also runs against an external Crossbar.io router. Tours and coordinates travel as bytes
 * (little-endian typed-array contents) under MessagePack/CBOR; decoders also accept plain number
 * arrays so JSON clients can take part.
 */
import type { Method, SliceStats } from './tsp/kernel.ts';
import { MAX_CITIES, MAX_EXPLICIT_CITIES, MIN_CITIES, unsolvableReason } from './tsp/limits.ts';
import type { EdgeWeightType, ProblemData } from './tsp/types.ts';

export { MAX_CITIES };

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
   * A donor's own credit and rank ({workerId} -> MyCredit). Compute role, caller disclosed: the first
   * session to ask for a worker id holds it (and its name) until it leaves.
   */
  creditMine: 'kiln.credit.mine',
  /** A donor's display name ({workerId, name} -> MyCredit): only by the session holding that worker id. */
  creditSetName: 'kiln.credit.setName',
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
} as const;

/** Roles, enforced by the router's authorization. */
export const Roles = {
  controller: 'controller',
  compute: 'compute',
  viewer: 'viewer',
} as const;

/** kiln.anneal kwargs: one resumable slice of annealing work. */
export interface AnnealRequest {
  runId: string;
  problemHash: string;
  /** Start tour (Int32 bytes or numbers); absent: the callee builds its own initial tour. */
  tour?: Uint8Array | number[];
  temperature: { start: number; end: number };
  budget: { ms?: number; moves?: number };
  seed: number;
  method?: Method;
  /**
   * Optimise only this stretch of `tour` (positions start .. start+length-1, wrapping), its two ends
   * fixed; the result's tour is then the stretch's new order and its length the stretch's path length.
   */
  segment?: { start: number; length: number };
  /** Where to fetch the problem: kiln.problem.get (absent) or a private orchestrator's kiln.problem.get.<id>. */
  problemFrom?: string;
}

/** kiln.anneal result (kwargs). */
export interface AnnealResult {
  runId: string;
  /** The slice's tour (or segment); absent when a whole-tour slice found nothing shorter than its start. */
  tour?: Uint8Array | number[];
  length: number;
  stats: SliceStats;
  /** The callee's worker id, so the orchestrator can account per machine. */
  workerId: string;
  /** True when the slice was cut short by a stop. */
  stopped: boolean;
}

/** A problem on the wire: ProblemData with typed arrays as bytes. */
export interface ProblemWire {
  name: string;
  comment?: string;
  n: number;
  edgeWeightType: EdgeWeightType;
  xs?: Uint8Array | number[];
  ys?: Uint8Array | number[];
  matrix?: Uint8Array | number[];
  optimum?: number;
}

/**
 * How slices share the work: 'whole' (every slice anneals the whole tour from the best so far; the best
 * result wins), 'segments' (rounds of disjoint stretches, spliced back: improvements add up), or 'auto'
 * (the one measured best: whole-tour so far, see docs/benchmarks.md).
 */
export type SolveScheme = 'auto' | 'whole' | 'segments';

export interface SolveParams {
  method?: Method;
  scheme?: SolveScheme;
  /** Slice length in ms; default chosen from the problem size. */
  sliceMs?: number;
  seed?: number;
}

/** kiln.solve.start kwargs. */
export interface SolveRequest {
  problem: ProblemWire;
  budgetMs: number;
  params?: SolveParams;
  /** Start from this tour (a past run's best, Int32 bytes or numbers) instead of building one. */
  tour?: Uint8Array | number[];
}

export type RunPhase = 'running' | 'finished' | 'stopped' | 'failed';

export interface RunState {
  runId: string;
  phase: RunPhase;
  /** Content hash of the problem: viewers fetch it with kiln.problem.get to draw the map. */
  problemHash: string;
  problemName: string;
  n: number;
  budgetMs: number;
  startedAt: number;
  elapsedMs: number;
  bestLength: number | null;
  optimum?: number;
  error?: string;
  /**
   * Set when a run ended with a tour (its own first one) but every slice failed: which callees failed
   * how, so a person can act on it (check those machines, revoke their invites).
   */
  warning?: string;
}

export interface RunProgress {
  runId: string;
  elapsedMs: number;
  bestLength: number;
  tour: Uint8Array | number[];
  gapPercent?: number;
  slicesDone: number;
  movesPerSecond: number;
}

export interface RunResult extends RunState {
  tour: Uint8Array | number[] | null;
  gapPercent?: number;
  /** Every kiln.anneal call is accounted for: dispatched = done + failed + discarded + in flight. */
  slicesDispatched: number;
  slicesInFlight: number;
  slicesDone: number;
  slicesFailed: number;
  /** Slices that came back after the run had ended. */
  slicesDiscarded: number;
  /** Completed slices per worker id. */
  slicesByWorker: Record<string, number>;
  movesTried: number;
}

/** A past run as the history lists it (kiln.runs.list). */
export interface RunSummary {
  runId: string;
  problemHash: string;
  problemName: string;
  n: number;
  budgetMs: number;
  /** 'default' when the run left the method to the kernel. */
  method: Method | 'default';
  phase: RunPhase;
  startedAt: number;
  endedAt: number;
  bestLength: number | null;
  optimum?: number;
  gapPercent?: number;
  /** The machines that completed slices for it, by worker id, most first. */
  machines: Array<{ workerId: string; slices: number }>;
  slicesDone: number;
  /** True when it started from a given tour (a past run's best). */
  continued: boolean;
  error?: string;
}

/** A past run in full (kiln.runs.get). */
export interface RunRecord extends RunSummary {
  /** [ms since start, best length] at each improvement (thinned to at most MAX_CONVERGENCE_SAMPLES). */
  convergence: Array<[number, number]>;
  tour: Uint8Array | number[] | null;
  problem: ProblemWire;
}

export interface RunsSettings {
  /** The history keeps the newest this many runs. */
  maxRuns: number;
}

export const MAX_CONVERGENCE_SAMPLES = 2000;
export const MAX_RUNS_KEPT = 10_000;

/** What one machine (and its donor) gave: over the session, or one run. */
export interface CreditRow {
  workerId: string;
  /** The display name its donor chose, if any. */
  name?: string;
  host: string;
  kind: 'node' | 'browser';
  cpuSeconds: number;
  slices: number;
  /** Slices whose tour became the run's best. */
  improvements: number;
}

/** kiln.credit.board: ranked by CPU-seconds given, then slices, then improvements. */
export interface CreditBoard {
  /** The run it covers; absent: the whole session. */
  runId?: string;
  rows: CreditRow[];
  /** Rows beyond MAX_BOARD_ROWS, counted. */
  omitted: number;
}

/** kiln.credit.mine / setName: a donor's own line and place. */
export interface MyCredit {
  row: CreditRow | null;
  /** 1-based; null before its first slice. */
  rank: number | null;
  of: number;
}

export const MAX_BOARD_ROWS = 100;
export const MAX_DISPLAY_NAME = 24;

/** kiln.worker.load payload. */
export interface WorkerLoad {
  workerId: string;
  host: string;
  kind: 'node' | 'browser';
  cores: number;
  concurrency: number;
  inFlight: number;
  cpuPercent: number;
  movesPerSecond: number;
  slicesDone: number;
  memoryMB: number;
  version: string;
}

export interface WorkerGone {
  workerId: string;
}

/** One machine's latest load, as the summary lists it. */
export type MachineRow = Pick<WorkerLoad, 'workerId' | 'host' | 'kind' | 'cores' | 'concurrency' | 'inFlight' | 'cpuPercent' | 'movesPerSecond' | 'slicesDone'>;

/** Sums over a set of machines (all of them, or one host's). cpuPercent is their mean. */
export interface LoadTotals {
  machines: number;
  browsers: number;
  cores: number;
  concurrency: number;
  inFlight: number;
  cpuPercent: number;
  movesPerSecond: number;
}

export interface HostGroup extends LoadTotals {
  host: string;
}

/** kiln.machines.summary payload: one aggregated event per second for every controller and viewer. */
export interface MachinesSummary {
  /** The control center's clock (ms since the epoch). */
  at: number;
  totals: LoadTotals;
  /** Busiest first (moves/s, then name); at most MAX_SUMMARY_HOSTS, the rest counted in hostsOmitted. */
  hosts: HostGroup[];
  hostsOmitted: number;
  /** Busiest first (moves/s, then worker id); at most MAX_SUMMARY_MACHINES, the rest in machinesOmitted. */
  machines: MachineRow[];
  machinesOmitted: number;
}

export const MAX_SUMMARY_HOSTS = 500;
export const MAX_SUMMARY_MACHINES = 2000;

// ---- LAN machines and invitations (controller role only) ---------------------------------------

/**
 * A machine on the LAN: a `kiln worker` offering its cores (discovered over mDNS, state available or
 * invited), or a worker paired by invitation (state paired, until its key is revoked).
 */
export interface LanMachine {
  /** Stable for the worker's key: its mDNS instance name. */
  machineId: string;
  host: string;
  address: string;
  /** The worker's pairing endpoint port. */
  port: number;
  cores: number;
  version: string;
  /** First 16 hex characters of SHA-256 of the worker's Ed25519 public key. */
  keyFingerprint: string;
  state: 'available' | 'invited' | 'paired';
  /** When invited or paired: the invitation, to revoke it with kiln.lan.revokeInvite. */
  inviteId?: string;
  authid?: string;
}

export interface LanInviteRequest {
  machineId: string;
}

/** kiln.lan.invite result: the UI shows `code`; the worker's terminal shows the same code. */
export interface LanInvitation {
  inviteId: string;
  machineId: string;
  authid: string;
  /** The code the worker shows too ('compare'), or the unattended worker's own code it proved ('accepted'). */
  code: string;
  confirmation: 'compare' | 'accepted';
  expiresAt: number;
}

export interface LanStatus {
  /** The name invitations carry (this machine's host name). */
  controlCenterName: string;
  /** SHA-256 of the key that signs invitations (hex): invited workers show it, and pin it. */
  keyFingerprint: string;
  /** With TLS: the certificate's SHA-256 (hex). */
  tlsFingerprint?: string;
  /** Listening beyond loopback over plain http/ws (--insecure): everything on the LAN can read the traffic. */
  insecure: boolean;
}

export interface CreateInviteRequest {
  label?: string;
  /** Default 1 hour; at most 7 days. */
  ttlMs?: number;
}

/** kiln.lan.createInvite result. `secret` is the WAMP-CRA key of authid `invite:<inviteId>`. */
export interface CreatedInvite {
  inviteId: string;
  secret: string;
  expiresAt: number;
  /** http(s)://HOST:PORT/join#invite=<inviteId>.<secret>[&fp=<sha256 fingerprint>] */
  link: string;
  /** kiln worker --join '<link>' */
  command: string;
  /** With TLS: the SHA-256 fingerprint (hex) of the router's certificate, also in the link, for people to compare. */
  tlsFingerprint?: string;
}

export interface RevokeInviteRequest {
  inviteId: string;
}

/** A join link still admitting donors, as the Machines panel lists it (never with its secret). */
export interface JoinLinkSummary {
  inviteId: string;
  label?: string;
  expiresAt: number;
}

export interface RevokedInvite {
  inviteId: string;
  /** Sessions ended because of the revocation. */
  sessionsKilled: number;
}

/** A payload that fails validation: the callee answers with this URI and a precise message. */
export const Errors = {
  invalidArgument: 'kiln.error.invalid_argument',
  noSuchRun: 'kiln.error.no_such_run',
  noSuchProblem: 'kiln.error.no_such_problem',
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

function invalid(message: string): never {
  throw new ProtocolError(Errors.invalidArgument, message);
}

// ---- typed arrays <-> bytes -------------------------------------------------------------------

/** The bytes of a typed array (a view, no copy). */
export function toBytes(array: Int32Array | Float64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function copyAligned(bytes: Uint8Array, width: number, what: string): ArrayBuffer {
  if (bytes.byteLength % width !== 0) invalid(`${what}: ${bytes.byteLength} bytes is not a multiple of ${width}`);
  // Copy: decoders hand out views at arbitrary offsets, and typed arrays need aligned buffers.
  const buffer = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(buffer).set(bytes);
  return buffer;
}

export function decodeInt32s(value: unknown, what: string): Int32Array {
  if (value instanceof Uint8Array) return new Int32Array(copyAligned(value, 4, what));
  if (Array.isArray(value) && value.every((v) => Number.isInteger(v))) return Int32Array.from(value as number[]);
  return invalid(`${what}: expected bytes or an array of integers`);
}

export function decodeFloat64s(value: unknown, what: string): Float64Array {
  if (value instanceof Uint8Array) return new Float64Array(copyAligned(value, 8, what));
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return Float64Array.from(value as number[]);
  return invalid(`${what}: expected bytes or an array of numbers`);
}

// ---- problems ----------------------------------------------------------------------------------

const EDGE_WEIGHT_TYPES: readonly EdgeWeightType[] = ['EUC_2D', 'CEIL_2D', 'ATT', 'GEO', 'EXPLICIT'];
/** Seeds are 31-bit: the kernel's RNG takes them so, and runs count up from theirs slice by slice. */
const MAX_SEED = 2 ** 31 - 1;

export function problemToWire(data: ProblemData): ProblemWire {
  const wire: ProblemWire = { name: data.name, n: data.n, edgeWeightType: data.edgeWeightType };
  if (data.comment !== undefined) wire.comment = data.comment;
  if (data.xs) wire.xs = toBytes(data.xs);
  if (data.ys) wire.ys = toBytes(data.ys);
  if (data.matrix) wire.matrix = toBytes(data.matrix);
  if (data.optimum !== undefined) wire.optimum = data.optimum;
  return wire;
}

/** Validates a problem from the network and turns it into ProblemData, or throws ProtocolError. */
export function problemFromWire(value: unknown): ProblemData {
  if (!isRecord(value)) return invalid('problem: expected an object');
  const { name, n, edgeWeightType } = value;
  if (typeof name !== 'string' || name.length > 200) invalid('problem.name: expected a string of at most 200 characters');
  if (!Number.isInteger(n) || (n as number) < MIN_CITIES || (n as number) > MAX_CITIES)
    invalid(`problem.n: expected an integer from ${MIN_CITIES} to ${MAX_CITIES}`);
  if (!EDGE_WEIGHT_TYPES.includes(edgeWeightType as EdgeWeightType))
    invalid(`problem.edgeWeightType: expected one of ${EDGE_WEIGHT_TYPES.join(', ')}`);
  const count = n as number;
  const data: ProblemData = { name: name as string, n: count, edgeWeightType: edgeWeightType as EdgeWeightType };
  if (typeof value.comment === 'string') data.comment = value.comment.slice(0, 1000);
  if (value.optimum !== undefined) {
    if (typeof value.optimum !== 'number' || !(value.optimum > 0)) invalid('problem.optimum: expected a positive number');
    data.optimum = value.optimum;
  }
  if (value.xs !== undefined || value.ys !== undefined) {
    const xs = decodeFloat64s(value.xs, 'problem.xs');
    const ys = decodeFloat64s(value.ys, 'problem.ys');
    if (xs.length !== count || ys.length !== count) invalid(`problem.xs/ys: expected ${count} coordinates each`);
    for (let i = 0; i < count; i++) {
      if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) invalid(`problem.xs/ys: city ${i + 1} has a non-finite coordinate`);
    }
    data.xs = xs;
    data.ys = ys;
  }
  if (data.edgeWeightType === 'EXPLICIT') {
    if (count > MAX_EXPLICIT_CITIES) invalid(`problem.n: EXPLICIT problems are limited to ${MAX_EXPLICIT_CITIES} cities`);
    const matrix = decodeInt32s(value.matrix, 'problem.matrix');
    if (matrix.length !== count * count) invalid(`problem.matrix: expected ${count * count} entries`);
    data.matrix = matrix;
  } else if (!data.xs) {
    invalid(`problem.xs/ys: ${data.edgeWeightType} problems need coordinates`);
  }
  const reason = unsolvableReason(data);
  if (reason !== undefined) invalid(`problem: ${reason}`);
  return data;
}

// ---- requests ----------------------------------------------------------------------------------

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function finiteNonNegative(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) invalid(`${what}: expected a finite number >= 0`);
  return value;
}

/** Validates kiln.anneal kwargs. */
export function parseAnnealRequest(value: unknown): AnnealRequest {
  if (!isRecord(value)) return invalid('anneal: expected keyword arguments');
  const { runId, problemHash, tour, temperature, budget, seed, method } = value;
  if (typeof runId !== 'string' || runId.length === 0 || runId.length > 64) invalid('anneal.runId: expected a short string');
  if (typeof problemHash !== 'string' || !/^[0-9a-f]{8,64}$/.test(problemHash)) invalid('anneal.problemHash: expected a hex hash');
  if (!isRecord(temperature)) invalid('anneal.temperature: expected { start, end }');
  if (!isRecord(budget)) invalid('anneal.budget: expected { ms } or { moves }');
  const request: AnnealRequest = {
    runId: runId as string,
    problemHash: problemHash as string,
    temperature: {
      start: finiteNonNegative(temperature.start, 'anneal.temperature.start'),
      end: finiteNonNegative(temperature.end, 'anneal.temperature.end'),
    },
    budget: {},
    seed: isSeed(seed) ? seed : invalid(`anneal.seed: expected an integer from 0 to ${MAX_SEED}`),
  };
  if (budget.ms !== undefined) request.budget.ms = finiteNonNegative(budget.ms, 'anneal.budget.ms');
  if (budget.moves !== undefined) request.budget.moves = finiteNonNegative(budget.moves, 'anneal.budget.moves');
  if (request.budget.ms === undefined && request.budget.moves === undefined) invalid('anneal.budget: expected ms or moves');
  if (tour !== undefined && tour !== null) request.tour = tour as Uint8Array | number[];
  if (method !== undefined) {
    if (method !== 'anneal' && method !== 'lsmc') invalid("anneal.method: expected 'anneal' or 'lsmc'");
    request.method = method;
  }
  if (value.segment !== undefined) {
    const segment = value.segment;
    if (!isRecord(segment) || !Number.isInteger(segment.start) || !Number.isInteger(segment.length) || (segment.start as number) < 0 || (segment.length as number) < 8)
      invalid('anneal.segment: expected { start, length } with integers, length >= 8');
    if (request.tour === undefined) invalid('anneal.segment: a segment slice needs the tour');
    request.segment = { start: segment.start as number, length: segment.length as number };
  }
  if (value.problemFrom !== undefined) {
    // Only an orchestrator's problem procedure: a request must not point a callee at any other.
    if (typeof value.problemFrom !== 'string' || !PROBLEM_PROCEDURE.test(value.problemFrom)) invalid('anneal.problemFrom: expected kiln.problem.get or kiln.problem.get.<id>');
    request.problemFrom = value.problemFrom as string;
  }
  return request;
}

/** kiln.problem.get, or a private orchestrator's kiln.problem.get.<id> (id: lower-case letters and digits). */
const PROBLEM_PROCEDURE = /^kiln\.problem\.get(\.[a-z0-9]{1,32})?$/;

/** The time budget a run may ask for: from 100 ms to one day. */
export const MIN_BUDGET_MS = 100;
export const MAX_BUDGET_MS = 24 * 3600 * 1000;

/** Validates kiln.solve.start kwargs. */
export function parseSolveRequest(value: unknown): { problem: ProblemData; budgetMs: number; params: SolveParams; startTour?: Int32Array } {
  if (!isRecord(value)) return invalid('solve: expected keyword arguments { problem, budgetMs }');
  const problem = problemFromWire(value.problem);
  const budgetMs = value.budgetMs;
  if (typeof budgetMs !== 'number' || !Number.isFinite(budgetMs) || budgetMs < MIN_BUDGET_MS || budgetMs > MAX_BUDGET_MS)
    invalid(`solve.budgetMs: expected a number of milliseconds from ${MIN_BUDGET_MS} to ${MAX_BUDGET_MS}`);
  const params: SolveParams = {};
  if (value.params !== undefined) {
    if (!isRecord(value.params)) invalid('solve.params: expected an object');
    const { method, sliceMs, seed, scheme } = value.params;
    if (scheme !== undefined) {
      if (scheme !== 'auto' && scheme !== 'whole' && scheme !== 'segments') invalid("solve.params.scheme: expected 'auto', 'whole' or 'segments'");
      params.scheme = scheme;
    }
    if (method !== undefined) {
      if (method !== 'anneal' && method !== 'lsmc') invalid("solve.params.method: expected 'anneal' or 'lsmc'");
      params.method = method;
    }
    if (sliceMs !== undefined) {
      if (typeof sliceMs !== 'number' || !(sliceMs >= 20 && sliceMs <= 60_000)) invalid('solve.params.sliceMs: expected 20 to 60000');
      params.sliceMs = sliceMs;
    }
    if (seed !== undefined) {
      if (!isSeed(seed)) invalid(`solve.params.seed: expected an integer from 0 to ${MAX_SEED}`);
      params.seed = seed;
    }
  }
  if (value.tour === undefined || value.tour === null) return { problem, budgetMs: budgetMs as number, params };
  return { problem, budgetMs: budgetMs as number, params, startTour: parseTour(value.tour, problem.n, 'solve.tour') };
}

/** Validates a tour against a city count: a permutation of 0..n-1. */
export function parseTour(value: unknown, n: number, what: string): Int32Array {
  const tour = decodeInt32s(value, what);
  if (tour.length !== n) invalid(`${what}: expected ${n} cities, got ${tour.length}`);
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const city = tour[i];
    if (city < 0 || city >= n || seen[city]) invalid(`${what}: not a permutation of the ${n} cities (at position ${i})`);
    seen[city] = 1;
  }
  return tour;
}

function isSeed(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_SEED;
}

/** Moves per millisecond of budget that no slot can exceed (the kernel does a few thousand). */
const MAX_MOVES_PER_MS = 100_000;
/** Worker ids longer than this are shown as 'unknown'. */
const MAX_WORKER_ID = 100;

/** What the orchestrator takes from a kiln.anneal result: the tour (checked) and bounded statistics. */
export interface CheckedAnnealResult {
  /** Null when the callee found nothing shorter than the tour it was given and sent none back (allowed only then). */
  tour: Int32Array | null;
  movesTried: number;
  /** The callee's account of its compute time (finite, >= 0; 0 when missing), for credit only. */
  elapsedMs: number;
  /** As the callee names itself: for display and accounting only, never trusted. */
  workerId: string;
}

/**
 * Validates a kiln.anneal result from an untrusted callee: a tour of exactly `cities` entries (a
 * permutation of 0..n-1 for whole-tour slices; a segment's cities are checked by the splice), checked
 * for its length before anything is walked, and statistics within what `budgetMs` allows. Its claimed
 * length is ignored: the orchestrator measures tours itself.
 */
export function parseAnnealResult(value: unknown, cities: number, budgetMs: number, options: { permutationOf?: number; tourOptional?: boolean } = {}): CheckedAnnealResult {
  if (!isRecord(value)) return invalid('anneal result: expected keyword arguments');
  const { tour, stats, workerId } = value;
  let checked: Int32Array | null = null;
  if (tour !== undefined || !options.tourOptional) {
    const entries = tour instanceof Uint8Array ? tour.byteLength / 4 : Array.isArray(tour) ? tour.length : -1;
    if (entries !== cities) invalid(`anneal result tour: expected ${cities} cities as Int32 bytes or integers`);
    checked = options.permutationOf === undefined ? decodeInt32s(tour, 'anneal result tour') : parseTour(tour, options.permutationOf, 'anneal result tour');
  }
  const moves = isRecord(stats) ? stats.movesTried : undefined;
  const maxMoves = MAX_MOVES_PER_MS * (budgetMs + 1000);
  if (!Number.isSafeInteger(moves) || (moves as number) < 0 || (moves as number) > maxMoves)
    invalid(`anneal result stats.movesTried: expected an integer from 0 to ${maxMoves} for a ${budgetMs} ms slice`);
  const elapsed = isRecord(stats) ? stats.elapsedMs : undefined;
  return {
    tour: checked,
    movesTried: moves as number,
    elapsedMs: typeof elapsed === 'number' && Number.isFinite(elapsed) ? Math.max(0, elapsed) : 0,
    workerId: typeof workerId === 'string' && workerId.length <= MAX_WORKER_ID ? workerId : 'unknown',
  };
}
