/**
 * Kiln's roles on its realm, as static permissions (the same shape Crossbar.io's static authorization
 * takes, so an external router can be configured alike):
 * - controller: the UI and the orchestrator; everything under kiln., and the meta API.
 * - compute: a compute callee; may register its own kiln.anneal.<session id> (registration-policy.ts
 *   narrows the prefix to exactly that), fetch problems, publish its load (always disclosed, so the
 *   orchestrator knows which session speaks) and follow run states (to stop slices), and nothing else.
 * - viewer: read-only dashboards; follows runs and the machines' summary, asks for status and results,
 *   and reads a followed run's city set (kiln.problem.get, by the hash its state names) for the map.
 *   Individual kiln.worker.load events are for the orchestrator and the summary only: a page that
 *   followed them would do work in proportion to the number of donors.
 */
import { Procedures, Roles, Topics } from '../../shared/protocol/uris.ts';
import type { Permission, RoleConfig } from '../router/types.ts';

const exact = (uri: string, allow: Permission['allow']): Permission => ({ uri, match: 'exact', allow });
const prefix = (uri: string, allow: Permission['allow']): Permission => ({ uri, match: 'prefix', allow });

export const KILN_ROLES: RoleConfig[] = [
  {
    name: Roles.controller,
    permissions: [
      prefix('kiln.', { call: true, register: true, publish: true, subscribe: true }),
      // A control center on a cluster runs its local compute with its own (controller) credentials: its
      // loads count only disclosed, like a compute session's.
      { ...exact(Topics.workerLoad, { publish: true, subscribe: true }), disclose: { publisher: true } },
      prefix('wamp.', { call: true, subscribe: true }),
    ],
  },
  {
    name: Roles.compute,
    permissions: [
      prefix(`${Procedures.anneal}.`, { register: true }),
      exact(Procedures.problemGet, { call: true }),
      prefix(Procedures.privateProblemGet(''), { call: true }),
      { ...exact(Topics.workerLoad, { publish: true }), disclose: { publisher: true } },
      exact(Topics.anyRunState, { subscribe: true }),
      // Donor credit: its own line and its display name, decided by its router session id (so disclosed).
      { ...exact(Procedures.creditMine, { call: true }), disclose: { caller: true } },
      { ...exact(Procedures.creditSetName, { call: true }), disclose: { caller: true } },
    ],
  },
  {
    name: Roles.viewer,
    permissions: [
      prefix('kiln.run.', { subscribe: true }),
      exact(Topics.machinesSummary, { subscribe: true }),
      // The run history, read-only.
      exact(Procedures.runsList, { call: true }),
      exact(Procedures.runsGet, { call: true }),
      exact(Topics.runsChanged, { subscribe: true }),
      exact(Procedures.creditBoard, { call: true }),
      exact(Topics.creditBoard, { subscribe: true }),
      exact(Procedures.solveStatus, { call: true }),
      exact(Procedures.solveResult, { call: true }),
      exact(Procedures.solveProgress, { call: true }),
      // The city set of a run it follows (its state names the hash), for the map; as docs/cluster.md grants on Crossbar.io.
      exact(Procedures.problemGet, { call: true }),
    ],
  },
];
