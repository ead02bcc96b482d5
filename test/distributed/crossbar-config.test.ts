/**
 * docs/cluster.md's Crossbar.io configuration covers what Kiln's components do on a cluster: its roles,
 * read from the document itself, run a control center with local compute (`kiln serve --router --center
 * lab`), a `kiln worker` signing in with WAMP-Cryptosign, a controller's solve and a viewer following it.
 * Every CALL, REGISTER, PUBLISH and SUBSCRIBE they made is allowed by Kiln's router under those roles
 * and by Crossbar.io's own static authorization (crossbar/router/role.py, RouterRoleStaticAuth:
 * longest-prefix lookup, an exact permission that is not the URI falls to the default, wildcards keyed
 * by their head), and loads are disclosed where the orchestrator needs them.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Topics, centerUris } from '../../shared/protocol/uris.ts';
import type { MachinesSummary, RunResult, RunState } from '../../shared/protocol/wire.ts';
import { RealmAuthorization } from '../../electron/router/authorization.ts';
import type { Action, Permission, RoleConfig } from '../../electron/router/types.ts';
import type { Session } from '../../electron/router/session.ts';
import type { WampClient } from '../../electron/wamp/client.ts';
import { solveRequest } from '../helpers/cluster.ts';
import { CLUSTER_REALM, startClusterRouter, type ClusterRouter } from '../helpers/cluster-router.ts';
import { join, KILN, KilnProcess, until } from '../helpers/kiln-process.ts';
import { loadTsplib } from '../helpers/tsplib-fixtures.ts';

interface CrossbarPermission extends Permission {
  cache?: boolean;
}

/** The roles of the ```json block under "A Crossbar.io configuration for Kiln". */
function documentedRoles(): RoleConfig[] {
  const text = readFileSync(fileURLToPath(new URL('../../docs/cluster.md', import.meta.url)), 'utf8');
  const section = text.slice(text.indexOf('## A Crossbar.io configuration for Kiln'));
  const json = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
  if (!json) throw new Error('docs/cluster.md has no Crossbar.io configuration block');
  const config = JSON.parse(json) as { workers: { type: string; realms: { roles: RoleConfig[] }[] }[] };
  return config.workers.find((worker) => worker.type === 'router')!.realms[0].roles;
}

const DENY: CrossbarPermission = { uri: '', match: 'exact', allow: {} };

/** Crossbar.io's RouterRoleStaticAuth.authorize for one role, transcribed: the allow and disclose it answers. */
function crossbarAuthorize(permissions: CrossbarPermission[], action: Action, uri: string): { allow: boolean; disclose: boolean } {
  const plain = new Map<string, CrossbarPermission>();
  const wild = new Map<string, CrossbarPermission>();
  for (const permission of permissions) {
    const cut = permission.uri.indexOf('..');
    if (cut === -1) plain.set(permission.uri, permission);
    else wild.set(permission.uri.slice(0, cut), permission); // same head: the later overwrites
  }
  const longest = (trie: Map<string, CrossbarPermission>): CrossbarPermission | undefined =>
    [...trie.keys()]
      .filter((key) => uri.startsWith(key))
      .sort((a, b) => b.length - a.length)
      .map((key) => trie.get(key)!)[0];
  let permission = longest(plain) ?? DENY;
  if (permission !== DENY && permission.match !== 'prefix' && uri !== permission.uri) permission = DENY;
  if (permission === DENY || permission.match !== 'exact') {
    const wildcard = longest(wild);
    const components = uri.split('.');
    const pattern = wildcard?.uri.split('.');
    // A wildcard's empty component matches one non-empty component.
    if (wildcard && pattern!.length === components.length && pattern!.every((part, i) => (part === '' ? components[i] !== '' : part === components[i])))
      permission = wildcard;
  }
  const disclose = action === 'call' ? permission.disclose?.caller : action === 'publish' ? permission.disclose?.publisher : false;
  return { allow: permission.allow[action] === true, disclose: disclose === true };
}

const processes: KilnProcess[] = [];
const clients: WampClient[] = [];
let router: ClusterRouter | null = null;
let stateDir: string | null = null;

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(processes.splice(0).map((started) => (started.child.exitCode === null ? started.stop('SIGKILL') : started.exited)));
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await router?.close();
  router = null;
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

function kiln(args: string[]): KilnProcess {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'KILN_SECRET' && name !== 'KILN_TICKET'));
  const started = new KilnProcess(spawn(process.execPath, [KILN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env }));
  processes.push(started);
  return started;
}

describe("docs/cluster.md's Crossbar.io configuration", () => {
  it('allows every action of a control center, its local compute, a worker, a solve and a viewer, as Crossbar.io matches permissions', async () => {
    const roles = documentedRoles();
    expect(roles.map((role) => role.name).sort()).toEqual(['compute', 'controller', 'viewer']);
    const actions: Array<{ role: string; action: Action; uri: string; allowed: boolean }> = [];
    const authorize = RealmAuthorization.prototype.authorize;
    vi.spyOn(RealmAuthorization.prototype, 'authorize').mockImplementation(function (this: RealmAuthorization, session: Session, action, uri, options) {
      const verdict = authorize.call(this, session, action, uri, options);
      actions.push({ role: session.authorizationIdentity!.authrole, action, uri, allowed: verdict === true });
      return verdict;
    });
    router = await startClusterRouter('crossbar', roles);
    stateDir = mkdtempSync(joinPath(tmpdir(), 'kiln-crossbar-config-'));

    const worker = kiln([
      ...['worker', '--router', router.url, '--realm', CLUSTER_REALM, '--authid', 'worker-key', '--authmethod', 'cryptosign'],
      ...['--secret-file', router.files.computeKey, '--id', 'rack1', '--threads', '1'],
    ]);
    await worker.line(/joined .* with 1 threads/, 60_000);
    const center = kiln([
      ...['serve', '--router', router.url, '--realm', CLUSTER_REALM, '--authid', 'control-1', '--secret-file', router.files.controllerTicket],
      ...['--center', 'lab', '--threads', '1', '--port', '0', '--state-dir', stateDir],
    ]);
    await center.line(/^control center lab on /, 60_000);

    const lab = centerUris('lab');
    const viewer = await join(router.url, { method: 'ticket', authid: 'dashboard', ticket: router.secrets.viewerTicket }, undefined, CLUSTER_REALM);
    clients.push(viewer.client);
    // What the control center's page does as a viewer.
    const summaries: MachinesSummary[] = [];
    await viewer.session.subscribe(lab.machinesSummaryTopic, (args) => summaries.push(args![0] as MachinesSummary));
    await viewer.session.subscribe(Topics.anyRunState, () => undefined, { match: 'wildcard' });
    await viewer.session.subscribe(Topics.anyRunProgress, () => undefined, { match: 'wildcard' });
    await viewer.session.subscribe(lab.runsChangedTopic, () => undefined);
    await viewer.session.subscribe(lab.creditBoardTopic, () => undefined);
    // Both machines are listed: their loads were disclosed (the local compute's under the controller role).
    await until(() => {
      const ids = summaries.at(-1)?.machines.map((machine) => machine.workerId) ?? [];
      return ids.includes('rack1') && ids.includes('lab-local') ? true : undefined;
    }, 'the viewer to see both machines in the summary');

    const controller = await join(router.url, { method: 'ticket', authid: 'control-1', ticket: router.secrets.controllerTicket }, undefined, CLUSTER_REALM);
    clients.push(controller.client);
    const problem = loadTsplib('berlin52');
    const started = await controller.session.call<RunState>(lab.solveStart, [], solveRequest(problem, 2500) as unknown as Record<string, unknown>);
    await viewer.session.call(lab.solveStatus, [], {});
    await viewer.session.call(lab.solveProgress, [started.runId]);
    await viewer.session.call(lab.problemGet, [started.problemHash]);
    const result = await viewer.session.call<RunResult>(lab.solveResult, [started.runId]);
    expect(result.phase).toBe('finished');
    expect(result.slicesDone).toBeGreaterThan(0);
    await until(async () => ((await viewer.session.call<unknown[]>(lab.runsList, [], {})).length > 0 ? true : undefined), 'the run in the history');
    await viewer.session.call(lab.runsGet, [], { runId: started.runId });
    await viewer.session.call(lab.creditBoard, [], {});
    // What viewers may not do.
    await expect(viewer.session.call(lab.solveStart, [], solveRequest(problem, 1000) as unknown as Record<string, unknown>)).rejects.toMatchObject({
      error: 'wamp.error.not_authorized',
    });
    await expect(viewer.session.call(lab.setBestKnown, [], { hash: started.problemHash, length: 1 })).rejects.toMatchObject({
      error: 'wamp.error.not_authorized',
    });

    const documented = new Map(roles.map((role) => [role.name, role.permissions as CrossbarPermission[]]));
    const expectedDenials = new Set([`viewer call ${lab.solveStart}`, `viewer call ${lab.setBestKnown}`]);
    const seen = new Set<string>();
    for (const { role, action, uri, allowed } of actions) {
      const key = `${role} ${action} ${uri.replace(/^kiln\.(anneal|run|orchestrator\.active)\.[^.]+/, 'kiln.$1.ID')}`;
      seen.add(key);
      const denied = expectedDenials.has(`${role} ${action} ${uri}`);
      expect({ key, allowed }).toEqual({ key, allowed: !denied });
      expect({ key, crossbar: crossbarAuthorize(documented.get(role)!, action, uri).allow }).toEqual({ key, crossbar: !denied });
    }
    // The run's actions were all seen (not a test that checked nothing), and loads are disclosed on Crossbar.io too.
    for (const key of [
      'compute register kiln.anneal.ID',
      'compute publish kiln.worker.load',
      'compute subscribe kiln.run..state',
      'compute call kiln.problem.get.lab',
      'controller publish kiln.worker.load',
      'controller subscribe kiln.worker.load',
      'controller call kiln.anneal.ID',
      'controller register kiln.center.lab.solve.start',
      'controller subscribe wamp.registration.on_create',
      'viewer subscribe kiln.run..progress',
    ])
      expect([...seen]).toContain(key);
    for (const role of ['compute', 'controller']) expect(crossbarAuthorize(documented.get(role)!, 'publish', Topics.workerLoad).disclose).toBe(true);
  }, 240_000);
});
