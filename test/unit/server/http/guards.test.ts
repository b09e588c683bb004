import type { IncomingMessage } from 'node:http';
import { describe, it, expect } from 'vitest';
import { allowedHosts, checkHost, isLoopbackOrigin, originVerdict } from '../../../../src/main/server/http/guards';

function fakeReq(headers: Record<string, string>): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

describe('isLoopbackOrigin', () => {
  it.each(['http://localhost:6274', 'http://127.0.0.1', 'http://[::1]:9'])('accepts %s', (origin) => {
    expect(isLoopbackOrigin(origin)).toBe(true);
  });

  it.each([
    'https://evil',
    'null',
    'http://localhost.evil.com',
    'http://127.0.0.1.nip.io',
    'http://localhost:6274/path',
    'https://localhost:6274',
    'http://localhost:6274\n',
    'http://evil.com#http://localhost',
    '',
  ])('refuses %j', (origin) => {
    expect(isLoopbackOrigin(origin)).toBe(false);
  });
});

describe('checkHost', () => {
  const hosts = allowedHosts(6274);

  it('returns the lower-cased host when it names this server', () => {
    expect(checkHost(fakeReq({ host: '127.0.0.1:6274' }), hosts)).toBe('127.0.0.1:6274');
    expect(checkHost(fakeReq({ host: 'LocalHost:6274' }), hosts)).toBe('localhost:6274');
    expect(checkHost(fakeReq({ host: '[::1]:6274' }), hosts)).toBe('[::1]:6274');
  });

  it.each(['evil.example:6274', 'localhost:6275', 'localhost', '127.0.0.1', 'localhost.:6274'])(
    'refuses the Host %s (DNS rebinding, other port, missing port)',
    (host) => {
      expect(checkHost(fakeReq({ host }), hosts)).toBeUndefined();
    },
  );

  it('refuses a request without a Host header', () => {
    expect(checkHost(fakeReq({}), hosts)).toBeUndefined();
  });
});

describe('originVerdict', () => {
  it('is undefined without Origin, true for loopback, false otherwise', () => {
    expect(originVerdict(fakeReq({}))).toBeUndefined();
    expect(originVerdict(fakeReq({ origin: 'http://localhost:6274' }))).toBe(true);
    expect(originVerdict(fakeReq({ origin: 'null' }))).toBe(false);
  });
});
