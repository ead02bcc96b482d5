/** What the control center accepts from an mDNS advertisement of a Kiln worker. */
import type { Service } from 'bonjour-service';
import { describe, expect, it } from 'vitest';
import { parseWorkerService } from '../../electron/lan/discovery.ts';

const KEY = '0123456789abcdef';
const advert = (overrides: Record<string, unknown> = {}): Service =>
  ({
    name: `kiln-worker-${KEY.slice(0, 12)}`,
    port: 4321,
    txt: { host: 'box', cores: '8', version: '0.1.0', key: KEY },
    referer: { address: '10.0.0.7' },
    ...overrides,
  }) as unknown as Service;

describe('parseWorkerService', () => {
  it('takes a well-formed advertisement, with the packet source as the address', () => {
    expect(parseWorkerService(advert())).toEqual({
      machineId: 'kiln-worker-0123456789ab',
      host: 'box',
      address: '10.0.0.7',
      port: 4321,
      cores: 8,
      version: '0.1.0',
      keyFingerprint: KEY,
    });
  });

  it("refuses a name that is not its key's: no host can take over another machine's row", () => {
    expect(parseWorkerService(advert({ name: 'kiln-worker-ffffffffffff' }))).toBeNull();
  });

  it('refuses malformed fields', () => {
    expect(parseWorkerService(advert({ port: 0 }))).toBeNull();
    expect(parseWorkerService(advert({ txt: { host: 'box', cores: 'many', version: '1', key: KEY } }))).toBeNull();
    expect(parseWorkerService(advert({ txt: { host: 'a\u0000b', cores: '8', version: '1', key: KEY } }))).toBeNull();
    expect(parseWorkerService(advert({ txt: { host: 'box', cores: '8', version: '1', key: 'short' } }))).toBeNull();
  });
});
