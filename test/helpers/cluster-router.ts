/**
 * A router like an operator's cluster router: Kiln's roles on a realm that is not Kiln's default,
 * no orchestrator, and principals for each way a component can authenticate (ticket, WAMP-CRA,
 * WAMP-Cryptosign, for compute and for a controller), with their secrets in owner-only files as an operator would keep them.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Roles } from '../../shared/protocol/uris.ts';
import { cryptosignAuth } from '../../electron/router/auth/cryptosign.ts';
import { ticketAuth } from '../../electron/router/auth/ticket.ts';
import { wampcraAuth } from '../../electron/router/auth/wampcra.ts';
import { createRouter, type Router } from '../../electron/router/router.ts';
import { startRouterServer, type RouterServer } from '../../electron/router/server.ts';
import type { RoleConfig, RouterEmulation } from '../../electron/router/types.ts';
import { hostPolicy } from '../../electron/http/host-policy.ts';
import { KILN_ROLES } from '../../electron/security/roles.ts';
import { newSecret } from '../../electron/security/credentials.ts';
import { writeSecretFile } from './secret-files.ts';

export const CLUSTER_REALM = 'compute.example';

export interface ClusterRouter {
  url: string;
  router: Router;
  /** Secrets, each in its own mode-0600 file. */
  files: { controllerTicket: string; computeTicket: string; computeCra: string; computeKey: string; controllerKeyPem: string };
  secrets: { controllerTicket: string; computeTicket: string; viewerTicket: string; computeCra: string; computeKeyHex: string; controllerKeyHex: string };
  /** Lets pages of this origin (a control center's UI, e.g. http://127.0.0.1:PORT) open sessions, as an operator configures it. */
  allowOrigin(origin: string): void;
  close(): Promise<void>;
}

/** `roles`: the realm's roles (default Kiln's own, KILN_ROLES), e.g. those of docs/cluster.md's Crossbar.io configuration. */
export async function startClusterRouter(emulate: RouterEmulation = 'kiln', roles: RoleConfig[] = KILN_ROLES): Promise<ClusterRouter> {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-cluster-'));
  const compute = ed25519Pair();
  const controller = ed25519Pair();
  const seedHex = compute.seedHex;
  const secrets = {
    controllerTicket: newSecret(),
    computeTicket: newSecret(),
    viewerTicket: newSecret(),
    computeCra: newSecret(),
    computeKeyHex: seedHex,
    controllerKeyHex: controller.seedHex,
  };
  const write = (name: string, text: string): string => writeSecretFile(dir, name, `${text}\n`);
  const files = {
    controllerTicket: write('controller.ticket', secrets.controllerTicket),
    computeTicket: write('compute.ticket', secrets.computeTicket),
    computeCra: write('compute.cra', secrets.computeCra),
    computeKey: write('compute.key', seedHex),
    controllerKeyPem: write('controller.pem', controller.pem),
  };
  const router = createRouter({
    realms: [
      {
        name: CLUSTER_REALM,
        auth: [
          ticketAuth({
            principals: {
              'control-1': { ticket: secrets.controllerTicket, role: Roles.controller },
              'worker-ticket': { ticket: secrets.computeTicket, role: Roles.compute },
              dashboard: { ticket: secrets.viewerTicket, role: Roles.viewer },
            },
          }),
          wampcraAuth({ principals: { 'worker-cra': { secret: secrets.computeCra, role: Roles.compute } } }),
          cryptosignAuth({
            principals: {
              'worker-key': { authorizedKeys: [compute.publicHex], role: Roles.compute },
              'control-key': { authorizedKeys: [controller.publicHex], role: Roles.controller },
            },
          }),
        ],
        roles,
      },
    ],
    limits: { emulate },
  });
  const policy = hostPolicy();
  const server: RouterServer = await startRouterServer({ router, host: '127.0.0.1', port: 0, limits: router.limits, hostPolicy: policy });
  return {
    url: server.url,
    router,
    files,
    secrets,
    allowOrigin: (origin) => policy.origins.push(origin),
    close: async () => {
      router.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh Ed25519 key: the seed (the last 32 bytes of the PKCS#8 DER), its PEM, and the raw public key (the last 32 of the SPKI). */
function ed25519Pair(): { seedHex: string; pem: string; publicHex: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    seedHex: privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32).toString('hex'),
    pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString().trim(),
    publicHex: publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex'),
  };
}
