/**
 * Best known lengths as WAMP procedures on the orchestrator's controller session: kiln.problem.bestKnown
 * {hash} and kiln.problem.setBestKnown {hash, length} (null forgets), for controllers only (roles.ts:
 * neither compute nor viewer sessions are granted them), kept by BestKnownStore; every change is
 * published on kiln.problem.bestKnownChanged. A control center on a shared router offers them under its
 * own name (kiln.center.<name>.problem.*, centerUris), each with the store of its own state directory.
 * Runs of a set that arrive without a reference length take the one kept (kiln.ts and cluster-center.ts
 * give the store to the orchestrator as its referenceLength).
 */
import { Errors, ProtocolError, centerUris, type CenterUris } from '../../shared/protocol/uris.ts';
import { MAX_BEST_KNOWN_LENGTH, isBestKnownLength, type BestKnown } from '../../shared/protocol/wire.ts';
import type { ErrorFactory, WampRegistration, WampSession } from '../../shared/wamp.ts';
import { registerEndpoints } from '../wamp/endpoints.ts';
import type { BestKnownStore } from './best-known-store.ts';
import { PROBLEM_HASH } from './run-store.ts';

export class BestKnownService {
  private registrations: WampRegistration[] = [];

  constructor(
    private readonly store: BestKnownStore,
    private readonly session: WampSession,
    private readonly makeError: ErrorFactory,
    /** The control center's names (its orchestrator's uris); the embedded router's plain ones by default. */
    private readonly uris: CenterUris = centerUris(),
  ) {}

  async start(): Promise<void> {
    this.registrations = await registerEndpoints(this.session, this.makeError, [
      [
        this.uris.bestKnown,
        (kwargs): BestKnown => {
          const hash = hashOf(kwargs);
          return { hash, length: this.store.get(hash) };
        },
      ],
      [
        this.uris.setBestKnown,
        (kwargs): BestKnown => {
          const hash = hashOf(kwargs);
          const known: BestKnown = { hash, length: this.store.set(hash, lengthOf(kwargs)) };
          if (this.session.isOpen) this.session.publish(this.uris.bestKnownChangedTopic, [known]);
          return known;
        },
      ],
    ]);
  }

  async stop(): Promise<void> {
    if (this.session.isOpen) await Promise.all(this.registrations.map((r) => this.session.unregister(r).catch(() => undefined)));
  }
}

function hashOf(kwargs: Record<string, unknown>): string {
  const { hash } = kwargs;
  if (typeof hash !== 'string' || !PROBLEM_HASH.test(hash)) throw new ProtocolError(Errors.invalidArgument, "hash: expected a city set's content hash (hex)");
  return hash;
}

function lengthOf(kwargs: Record<string, unknown>): number | null {
  const { length } = kwargs;
  if (length === null) return null;
  if (!isBestKnownLength(length))
    throw new ProtocolError(Errors.invalidArgument, `length: expected a positive number up to ${MAX_BEST_KNOWN_LENGTH}, or null to forget it`);
  return length;
}
