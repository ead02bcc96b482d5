/** Which Host headers and Origins the servers accept: the rules behind test/http/origin-host.test.ts, case by case. */
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { hostAllowed, hostPolicy, originAllowed, parseHostName, parseOrigin } from '../../electron/http/host-policy.ts';

const policy = hostPolicy(['kiln-control-abcd1234.local'], ['https://kiln.example.com']);

describe('hostAllowed', () => {
  it.each([
    ['10.0.0.5:8080', true],
    ['[fe80::1]:8080', true],
    ['[::1]:8080', true],
    ['localhost:8080', true],
    ['LOCALHOST', true],
    [`${hostname()}:8080`, true],
    [`${hostname()}.local:8080`, true],
    ['kiln-control-abcd1234.local:8080', true],
    ['rebind.evil.example:8080', false],
    ['127.0.0.1.nip.io:8080', false],
    ['kiln.example.com', false],
    ['', false],
    [undefined, false],
    ['evil@10.0.0.5', false],
    ['10.0.0.5/x', false],
  ])('Host %j: %s', (host, allowed) => {
    expect(hostAllowed(host, policy)).toBe(allowed);
  });
});

describe('originAllowed', () => {
  it.each([
    [undefined, 'anything', false, true],
    ['http://10.0.0.5:8080', '10.0.0.5:8080', false, true],
    ['https://10.0.0.5:8080', '10.0.0.5:8080', true, true],
    ['http://10.0.0.5:8080', '10.0.0.5:8080', true, false],
    ['http://10.0.0.5:8081', '10.0.0.5:8080', false, false],
    ['http://evil.example', '10.0.0.5:8080', false, false],
    ['null', '10.0.0.5:8080', false, false],
    ['http://rebind.evil.example:8080', 'rebind.evil.example:8080', false, false],
    ['https://kiln.example.com', '10.0.0.5:8080', true, true],
    ['not a url', '10.0.0.5:8080', false, false],
  ])('Origin %j to Host %j (TLS %s): %s', (origin, host, secure, allowed) => {
    expect(originAllowed(origin, host, secure, policy)).toBe(allowed);
  });
});

describe('allow-list values', () => {
  it('takes origins and host names, and says what is wrong with anything else', () => {
    expect(parseOrigin('https://kiln.example.com:8443')).toBe('https://kiln.example.com:8443');
    expect(parseOrigin('https://kiln.example.com/')).toBe('https://kiln.example.com');
    expect(parseOrigin('https://kiln.example.com/path')).toBeInstanceOf(Error);
    expect(parseOrigin('ftp://kiln.example.com')).toBeInstanceOf(Error);
    expect(parseHostName('Kiln.Example.com.')).toBe('kiln.example.com');
    expect(parseHostName('kiln example')).toBeInstanceOf(Error);
  });
});
