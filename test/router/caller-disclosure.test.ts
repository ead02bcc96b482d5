/** Caller identification: INVOCATION.Details.caller, caller_authid, caller_authrole when the caller asks and its role may be disclosed. */
import { afterEach, describe, expect, it } from 'vitest';
import { startFixture, type Fixture, type InvocationDetails as Details } from './helpers/router-fixture.ts';
import { ALLOW_ALL, openRealm } from './helpers/test-realm.ts';

describe('caller disclosure', () => {
  let fixture: Fixture;
  afterEach(async () => fixture.close());

  async function seen(disclosable: boolean, discloseMe: boolean): Promise<[Details, number]> {
    const role = disclosable ? ALLOW_ALL : { ...ALLOW_ALL, permissions: ALLOW_ALL.permissions.map((p) => ({ ...p, disclose: {} })) };
    fixture = await startFixture({ realms: [openRealm('realm1', [role])] });
    const [caller, callee] = [await fixture.connect({ authid: 'orchestrator' }), await fixture.connect()];
    let details: Details = {};
    await callee.session.register('kiln.solve', (_a: unknown, _k: unknown, d: Details) => {
      details = d;
      return 1;
    });
    await caller.session.call('kiln.solve', [], {}, { disclose_me: discloseMe });
    return [details, caller.session.id];
  }

  it('discloses the caller that asks, when its permission allows', async () => {
    const [details, id] = await seen(true, true);
    expect(details).toMatchObject({ caller: id, caller_authid: 'orchestrator', caller_authrole: 'user' });
  });

  it('does not disclose a caller that did not ask', async () => {
    const [details] = await seen(true, false);
    expect(details.caller).toBeUndefined();
    expect(details.caller_authid).toBeUndefined();
  });

  it('does not disclose when the permission does not allow it, even if asked', async () => {
    const [details] = await seen(false, true);
    expect(details.caller).toBeUndefined();
  });
});
