/**
 * Router limits and their defaults. Every limit has a safe default, so an embedder that passes
 * nothing gets a router that cannot be exhausted by one misbehaving peer.
 */
import type { Limits } from './types.ts';

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  /** 16 MiB: room for a 100k-city TSP instance in one CALL, still bounded. The transport enforces it. */
  maxMessageSize: 16 * 1024 * 1024,
  /** 64 KiB: a HELLO with every role, feature and authextra Kiln's clients send is under 2 KiB. */
  maxHelloSize: 64 * 1024,
  /** Sessions per router; a HELLO beyond it gets ABORT kiln.error.max_sessions_reached. */
  maxSessions: 1000,
  maxOutgoingBuffer: 64 * 1024 * 1024,
  /**
   * Calls waiting per registration while every callee is at its `concurrency`. 64 absorbs the bursts
   * of an orchestrator fanning a run out over a few machines without letting one caller hold
   * unbounded memory; 0 restores Crossbar.io's behaviour (reject at once).
   */
  maxCallQueue: 64,
  /**
   * A dead transport (machine gone, cable cut: no FIN, no RST) is noticed within interval + timeout,
   * 5 s, and its callee's calls answered wamp.error.canceled. A pong is answered by the peer's network
   * stack (browsers) or its event loop, which Kiln's workers keep free: compute runs on threads.
   */
  pingIntervalMs: 2_000,
  pingTimeoutMs: 3_000,
  helloTimeoutMs: 10_000,
  uriCheck: 'loose',
  emulate: 'kiln',
});

/** The effective limits: defaults overridden by what the embedder passes. */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(overrides) as (keyof Limits)[]) {
    const value = overrides[key];
    if (value !== undefined) (limits as unknown as Record<string, unknown>)[key] = value;
  }
  for (const key of [
    'maxMessageSize',
    'maxHelloSize',
    'maxSessions',
    'maxOutgoingBuffer',
    'maxCallQueue',
    'pingIntervalMs',
    'pingTimeoutMs',
    'helloTimeoutMs',
  ] as const) {
    if (!Number.isInteger(limits[key]) || limits[key] < 0) throw new TypeError(`limits.${key} must be a non-negative integer`);
  }
  if (limits.uriCheck !== 'strict' && limits.uriCheck !== 'loose') throw new TypeError("limits.uriCheck must be 'strict' or 'loose'");
  if (!['kiln', 'crossbar', 'nexus'].includes(limits.emulate)) throw new TypeError("limits.emulate must be 'kiln', 'crossbar' or 'nexus'");
  return limits;
}
