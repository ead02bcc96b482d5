/**
 * Kiln's payload types on the wire: requests, results, run state, loads, history, credit and LAN
 * machines, with the bounds their producers keep to. Tours and coordinates travel as bytes
 * (little-endian typed-array contents) under MessagePack/CBOR, or as plain number arrays from JSON clients.
 */
import type { Method, SliceStats } from '../tsp/kernel.ts';
import type { MoveType } from '../tsp/lk.ts';
import type { EdgeWeightType } from '../tsp/types.ts';

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
  /** The k of Lin-Kernighan's basic step (method 'lk'), 2 to 5; absent: the kernel's default for the size. */
  moveType?: MoveType;
  /** The start tour is a local optimum of `method` (an earlier slice's answer): skip the first full descent. */
  descended?: boolean;
  /**
   * Whole-tour slices: an earlier slice's first descent of this tour was stopped by its budget with these cities
   * (Int32 bytes or numbers; distinct cities of the problem, validate.ts parsePending) still to search (its result's
   * `pending`): resume that descent rather than start it over.
   */
  pending?: Uint8Array | number[];
  /**
   * Optimise only this stretch of `tour` (positions start .. start+length-1, wrapping), its two ends
   * fixed; the result's tour is then the stretch's new order and its length the stretch's path length.
   */
  segment?: { start: number; length: number };
  /** Where to fetch the problem: kiln.problem.get (absent) or a private orchestrator's kiln.problem.get.<id>. */
  problemFrom?: string;
  /**
   * The revision of the problem's candidate lists this slice is to use (ProblemData.candidatesRevision; absent: 0,
   * the nearest lists a callee builds itself). A callee holding an older revision fetches the lists first, from the
   * same procedure with kwargs { part: 'candidates' } (CandidatesWire); a newer one it holds serves as well.
   */
  candidates?: number;
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
  /** Whole-tour slices whose first descent the budget stopped: the cities still to search (of `tour`, or of the start when no tour came back). */
  pending?: Uint8Array | number[];
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
  /** kiln.problem.get only: the problem's candidate lists (ProblemData.candidates), n * k city ids as Int32 bytes. */
  candidates?: { k: number; neighbours: Uint8Array | number[] };
  /** kiln.problem.get only, with `candidates`: their revision (ProblemData.candidatesRevision); absent: 1. */
  candidatesRevision?: number;
}

/**
 * kiln.problem.get [hash] { part: 'candidates' }: only the problem's candidate lists and their revision (0 and no
 * lists while there are none), for a callee that holds the problem but older lists (AnnealRequest.candidates).
 */
export interface CandidatesWire {
  revision: number;
  candidates?: { k: number; neighbours: Uint8Array | number[] };
}

/**
 * How slices share the work: 'whole' (every slice anneals the whole tour from the best so far; the best
 * result wins), 'segments' (rounds of disjoint stretches, spliced back: improvements add up),
 * 'population' (each slice continues one of several lineages, and partition crossover merges every
 * answer into the best: electron/orchestrator/population.ts), or 'auto' (the one measured best, see
 * docs/benchmarks.md, "Distributed solving").
 */
export type SolveScheme = 'auto' | 'whole' | 'segments' | 'population';

/** Every scheme a run may ask for, for validation and the CLI. */
export const SOLVE_SCHEMES: readonly SolveScheme[] = ['auto', 'whole', 'segments', 'population'];

export interface SolveParams {
  method?: Method;
  /** The k of Lin-Kernighan's basic step for every slice, 2 to 5 (default: the kernel's for the size). */
  moveType?: MoveType;
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
  /** The control center running it, on a shared router (`kiln serve --router --center NAME`); absent on Kiln's own. */
  center?: string;
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

/** A city set's best known length, by content hash (kiln.problem.bestKnown): null when none is kept. */
export interface BestKnown {
  hash: string;
  length: number | null;
}

/** The longest best known length accepted: beyond any tour Kiln can solve (limits.ts: at most 5.7e14), below 2^53. */
export const MAX_BEST_KNOWN_LENGTH = 1e15;

/** A length the control center keeps as a city set's best known: finite, positive, at most MAX_BEST_KNOWN_LENGTH. */
export function isBestKnownLength(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_BEST_KNOWN_LENGTH;
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
