import { describe, expect, test } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import { clientAddress, clientKey, handshakeAddress, RateLimits } from './rate-limit.js';

/** A raw request as socket.io's handshake sees it (no Express `req.ip`). */
const raw = (remoteAddress: string, headers: Record<string, string> = {}): IncomingMessage =>
  ({ headers, socket: { remoteAddress } }) as unknown as IncomingMessage;

const limitsOf = (overrides: Partial<ConstructorParameters<typeof RateLimits>[0]> = {}) =>
  new RateLimits({
    rateLimits: { anonymous: 3, organiser: 100, door: 2, kiosk: 2, display: 1 },
    authFailuresPerMinute: 2,
    trustProxy: false,
    ...overrides,
  });

describe('clientKey: one client per IPv4 address, per /64 in IPv6', () => {
  test.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:0:1:aaaa:bbbb:cccc:dddd', '2001:db8:0:1::/64'],
    ['2001:db8:0:1::1', '2001:db8:0:1::/64'],
    ['2001:DB8:0:1:ffff::', '2001:db8:0:1::/64'],
    ['2001:0db8::1', '2001:db8::/64'],
    ['::1', '::/64'],
    ['fe80::1%eth0', 'fe80::/64'],
    [undefined, 'unknown'],
    ['not an address', 'unknown'],
  ])('%s → %s', (address, key) => {
    expect(clientKey(address)).toBe(key);
  });

  test('two addresses of one /64 are one client; the next /64 is another', () => {
    expect(clientKey('2001:db8:0:1::1')).toBe(clientKey('2001:db8:0:1:ffff:ffff:ffff:ffff'));
    expect(clientKey('2001:db8:0:1::1')).not.toBe(clientKey('2001:db8:0:2::1'));
  });
});

describe('clientAddress', () => {
  test("Express's req.ip wins (it applies TRUST_PROXY itself)", () => {
    const req = Object.assign(raw('10.0.0.1', { 'x-forwarded-for': '198.51.100.1' }), { ip: '203.0.113.9' });
    expect(clientAddress(req, true)).toBe('203.0.113.9');
  });

  test('a raw request: the socket, unless a trusted proxy forwarded the client', () => {
    const req = raw('10.0.0.1', { 'x-forwarded-for': '198.51.100.1, 10.0.0.2' });
    expect(clientAddress(req, false)).toBe('10.0.0.1');
    expect(clientAddress(req, true)).toBe('198.51.100.1');
    expect(clientAddress(raw('10.0.0.1', { 'x-forwarded-for': 'garbage' }), true)).toBe('10.0.0.1');
  });
});

describe('RateLimits', () => {
  let limits: RateLimits;

  test('socket.io handshakes count per client key, a /64 as one client, and remember the address', async () => {
    limits = limitsOf();
    const verdicts = [];
    for (const host of ['1', '2', 'a:b', 'ffff']) verdicts.push(await limits.handshake(raw(`2001:db8:0:1::${host}`)));
    expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, false]);
    expect(verdicts[3]!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(verdicts[3]!.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await limits.handshake(raw('2001:db8:0:2::1'))).allowed).toBe(true);
    const proxied = raw('10.0.0.1', { 'x-forwarded-for': '198.51.100.4' });
    expect((await limits.handshake(proxied)).allowed).toBe(true);
    expect(handshakeAddress(proxied)).toBe('10.0.0.1');
  });

  test('behind a trusted proxy, a handshake counts for the forwarded client', async () => {
    limits = limitsOf({ trustProxy: true });
    const from = (client: string) => raw('10.0.0.1', { 'x-forwarded-for': client });
    for (let i = 0; i < 3; i++) expect((await limits.handshake(from('198.51.100.4'))).allowed).toBe(true);
    expect((await limits.handshake(from('198.51.100.4'))).allowed).toBe(false);
    const other = from('198.51.100.5');
    expect((await limits.handshake(other)).allowed).toBe(true);
    expect(handshakeAddress(other)).toBe('198.51.100.5');
  });

  test('failed authentications: the limit per address, IPv6 by /64', async () => {
    limits = limitsOf();
    const statuses = [];
    for (const a of ['2001:db8::1', '2001:db8::2', '2001:db8::3'])
      statuses.push((await limits.authenticationFailed(a)).allowed);
    expect(statuses).toEqual([true, true, false]);
    expect((await limits.authenticationFailed('2001:db8:0:9::1')).allowed).toBe(true);
  });

  test("a device's socket handshakes are held to its role's pace", async () => {
    limits = limitsOf();
    const screen = { deviceId: 'd-1', role: 'display' as const };
    expect((await limits.device(screen)).allowed).toBe(true);
    expect((await limits.device(screen)).allowed).toBe(false);
    const organiser = { deviceId: 'd-2', role: 'organiser' as const };
    for (let i = 0; i < 100; i++) expect((await limits.device(organiser)).allowed).toBe(true);
    expect((await limits.device(organiser)).allowed).toBe(false);
  });
});
