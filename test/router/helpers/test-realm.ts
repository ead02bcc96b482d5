/** Realm configurations for router tests: an in-test anonymous method and allow-all roles. */
import type { AuthMethod, RealmConfig, RoleConfig } from '../../../electron/router/types.ts';

/** Welcomes everyone under `authrole`, with the authid the client asked for (or "anonymous"). */
export function anonymous(authrole = 'user'): AuthMethod {
  return {
    name: 'anonymous',
    hello: ({ details }) => ({
      kind: 'welcome',
      identity: { authid: typeof details.authid === 'string' ? details.authid : 'anonymous', authrole, authmethod: 'anonymous', authprovider: 'test' },
    }),
  };
}

export const ALLOW_ALL: RoleConfig = {
  name: 'user',
  permissions: [
    { uri: '', match: 'prefix', allow: { call: true, register: true, publish: true, subscribe: true }, disclose: { caller: true, publisher: true } },
  ],
};

export function openRealm(name = 'realm1', roles: RoleConfig[] = [ALLOW_ALL], auth: AuthMethod[] = [anonymous()]): RealmConfig {
  return { name, auth, roles };
}
