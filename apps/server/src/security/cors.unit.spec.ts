import { describe, expect, test } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import { CorsPolicy, handshakeAllowed } from './cors.js';

const req = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;

describe('CorsPolicy', () => {
  test('closed: no origin is allowed', () => {
    const closed = new CorsPolicy([]);
    expect(closed.open).toBe(false);
    expect(closed.allows('https://evil.example')).toBe(false);
    expect(closed.allows(undefined)).toBe(false);
  });

  test('open to the listed origins only, compared without case or trailing slash; never to null', () => {
    const policy = new CorsPolicy(['https://ok.example', 'http://localhost:5173/']);
    expect(policy.open).toBe(true);
    expect(policy.allows('https://ok.example')).toBe(true);
    expect(policy.allows('HTTPS://OK.EXAMPLE')).toBe(true);
    expect(policy.allows('http://localhost:5173')).toBe(true);
    expect(policy.allows('http://ok.example')).toBe(false);
    expect(policy.allows('https://ok.example.evil.example')).toBe(false);
    expect(policy.allows('https://ok.example:8443')).toBe(false);
    expect(policy.allows('null')).toBe(false);
  });
});

describe('handshakeAllowed', () => {
  const closed = new CorsPolicy([]);

  test('a client without Origin (not a browser) and the server’s own pages are let in', () => {
    expect(handshakeAllowed(req({ host: 'emargement.local:3000' }), closed, false)).toBe(true);
    expect(
      handshakeAllowed(req({ host: 'emargement.local:3000', origin: 'http://emargement.local:3000' }), closed, false),
    ).toBe(true);
  });

  test('another origin is refused unless listed', () => {
    const evil = req({ host: 'emargement.local:3000', origin: 'https://evil.example' });
    expect(handshakeAllowed(evil, closed, false)).toBe(false);
    expect(handshakeAllowed(evil, new CorsPolicy(['https://evil.example']), false)).toBe(true);
    expect(handshakeAllowed(req({ host: 'a', origin: 'not a url' }), closed, false)).toBe(false);
    expect(handshakeAllowed(req({ host: 'a', origin: 'null' }), closed, false)).toBe(false);
  });

  test('behind a trusted proxy, the forwarded host is the server’s; otherwise it is not believed', () => {
    const proxied = req({
      host: 'app:3000',
      'x-forwarded-host': 'emargement.example',
      origin: 'https://emargement.example',
    });
    expect(handshakeAllowed(proxied, closed, true)).toBe(true);
    expect(handshakeAllowed(proxied, closed, false)).toBe(false);
  });
});
