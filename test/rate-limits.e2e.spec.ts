// Rate limits over real HTTP and socket.io: without a token, per client
// address (IPv6 by /64, behind a trusted proxy the forwarded client), shared
// with socket.io's handshakes; with a token, per device at its role's pace;
// the organiser's integrations are not held to a person's pace.
import { afterEach, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { io } from 'socket.io-client';
import { conferenceWithCharter } from './support/data.js';
import { ADMIN_TOKEN, bearer, call, startTestServer, type TestServer } from './support/server.js';

const conferenceBody = {
  name: 'Journée des limites',
  venue: 'Bercy',
  startsAt: '2014-09-19T09:30:00+02:00',
  endsAt: '2014-09-19T16:30:00+02:00',
  timezone: 'Europe/Paris',
  capacity: 100_000,
  idCheckRequired: false,
  doors: ['Accueil'],
};

const person = () => {
  const n = randomUUID().slice(0, 8);
  return {
    firstName: `Prénom ${n}`,
    lastName: `Nom ${n}`,
    email: `rl.${n}@example.org`,
    category: 'participant',
    lunch: false,
    photoConsent: false,
  };
};

/** Asserts a 429 in the contract's shape, with a Retry-After within the minute. */
const expectRateLimited = async (res: Response): Promise<void> => {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(await res.json()).toMatchObject({ statusCode: 429, code: 'rate_limited', message: expect.any(String) });
};

const enrol = async (base: string, role: string, conferenceId?: string) => {
  const res = await call(`${base}/api`, 'POST', '/devices', {
    name: `${role} ${randomUUID().slice(0, 4)}`,
    role,
    conferenceId,
  });
  expect(res.status).toBe(201);
  return res.body as { deviceId: string; token: string };
};

/**
 * A socket.io handshake on /attendance: connected, or the code the server refused it with. `header`: the
 * token on the engine.io handshake itself too (`Authorization`), as a Node client or a polling browser can send.
 */
const handshake = (base: string, token: string, conferenceId: string, header?: string) =>
  new Promise<string>((done) => {
    const socket = io(`${base}/attendance`, {
      auth: { token, conferenceId },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      ...(header === undefined ? {} : { extraHeaders: { authorization: `Bearer ${header}` } }),
    });
    socket.on('connect', () => {
      socket.close();
      done('connected');
    });
    socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      socket.close();
      done(error.data?.code ?? error.message);
    });
  });

describe('rate limits', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  test('without a token: per client address, answered 429 rate_limited with Retry-After; devices behind it are not held up', async () => {
    server = await startTestServer({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '5', AUTH_FAILURES_PER_MINUTE: '1000' });
    const anonymous = () => fetch(`${server!.base}/api/me`);
    for (let i = 0; i < 5; i++) expect((await anonymous()).status).toBe(401);
    const refused = await anonymous();
    expect(refused.headers.get('ratelimit-policy')).toBe('5;w=60');
    await expectRateLimited(refused);
    // The organiser's token, from the same address, and the health checks are not counted there.
    expect((await call(server.base, 'GET', '/api/me')).status).toBe(200);
    expect((await fetch(`${server.base}/health/live`)).status).toBe(200);
  });

  test('a made-up token is counted as no token at all (issue 21)', async () => {
    server = await startTestServer({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '5', AUTH_FAILURES_PER_MINUTE: '1000' });
    const guess = (i: number) =>
      fetch(`${server!.base}/api/me`, { headers: { authorization: `Bearer made-up-token-${i}-0123456789` } });
    for (let i = 0; i < 5; i++) expect((await guess(i)).status).toBe(401);
    const refused = await guess(5);
    expect(refused.headers.get('ratelimit-policy')).toBe('5;w=60');
    await expectRateLimited(refused);
    expect((await call(server.base, 'GET', '/api/me')).status).toBe(200);
  });

  test('a large body with a made-up token is answered 401 before it is read; the process does not hold it (issue 21)', async () => {
    server = await startTestServer({ AUTH_FAILURES_PER_MINUTE: '1000' });
    const { cid } = await conferenceWithCharter(`${server.base}/api`);
    const url = new URL(`${server.base}/api/conferences/${cid}/registrations/import`);
    const declared = 20 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    // The client declares 20 MB and sends 64 KiB: an answer can only come before the body was read.
    const answer = await new Promise<{ status: number; code: string; sent: number }>((resolve, reject) => {
      let sent = 0;
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            authorization: 'Bearer made-up-token-0123456789abcdef',
            'content-type': 'text/csv',
            'content-length': String(declared),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, code: (JSON.parse(text) as { code: string }).code, sent });
          });
        },
      );
      req.on('error', (error) => {
        // The server closes the connection after answering; only an error before the answer is one.
        if (sent === 0) reject(error);
      });
      req.write(chunk, () => (sent += chunk.length));
    });
    expect(answer).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(answer.sent).toBeLessThan(declared);
  });

  test('bodies have a size per route: 64 KiB for a scan, more for a signature, 20 MB for an import (issue 21)', async () => {
    server = await startTestServer();
    const api = `${server.base}/api`;
    const { cid } = await conferenceWithCharter(api);
    const pad = (bytes: number) => ({ scanId: randomUUID(), door: 'x'.repeat(bytes) });
    const big = await call(api, 'POST', `/conferences/${cid}/scans`, pad(70 * 1024));
    expect([big.status, big.body.code]).toEqual([413, 'payload_too_large']);
    // The same size is still read on the route that needs it (then refused by its own checks, not by size).
    const charter = await call(api, 'POST', `/conferences/${cid}/charters`, {
      title: 'x',
      text: 'y'.repeat(70 * 1024),
    });
    expect(charter.status).not.toBe(413);
  });

  test("with a token: per device, at its role's pace; socket handshakes count with the device's requests", async () => {
    server = await startTestServer({ RATE_LIMIT_DOOR_PER_MINUTE: '5', RATE_LIMIT_DISPLAY_PER_MINUTE: '3' });
    const cid = (await call(`${server.base}/api`, 'POST', '/conferences', conferenceBody)).body.conferenceId as string;
    const doorA = await enrol(server.base, 'door', cid);
    const doorB = await enrol(server.base, 'door', cid);
    const screen = await enrol(server.base, 'display', cid);
    const me = (token: string) => fetch(`${server!.base}/api/me`, { headers: bearer(token) });

    for (let i = 0; i < 5; i++) expect((await me(doorA.token)).status).toBe(200);
    const refused = await me(doorA.token);
    expect(refused.headers.get('ratelimit-policy')).toBe('5;w=60');
    await expectRateLimited(refused);
    // Another door phone and the organiser, from the same address, have their own allowance.
    expect((await me(doorB.token)).status).toBe(200);
    expect((await me(ADMIN_TOKEN)).status).toBe(200);

    expect((await me(screen.token)).status).toBe(200);
    expect(await handshake(server.base, screen.token, cid)).toBe('connected');
    expect(await handshake(server.base, screen.token, cid)).toBe('connected');
    expect(await handshake(server.base, screen.token, cid)).toBe('rate_limited');
    await expectRateLimited(await me(screen.token));
  });

  test('the organiser is not held to a person’s pace: 8 callers at once register 160 people, none refused', async () => {
    server = await startTestServer();
    const api = `${server.base}/api`;
    // One conference for all: the callers race on its stream too (before the write side queued the commands of
    // one aggregate, a registration could lose every retry to the others on the EventStoreDB adapter: a 500).
    const cid = (await call(api, 'POST', '/conferences', conferenceBody)).body.conferenceId as string;
    const statuses = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const mine: number[] = [];
        for (let i = 0; i < 20; i++)
          mine.push((await call(api, 'POST', `/conferences/${cid}/registrations`, person())).status);
        return mine;
      }),
    );
    // Until issue 16, the 61st registration of a minute from one address was refused, the organiser's included.
    expect(statuses.flat().filter((s) => s !== 201)).toEqual([]);
    expect(statuses.flat()).toHaveLength(160);
  });

  test('socket.io handshakes share the address’s budget without a token: one key, the forwarded client, IPv6 by /64', async () => {
    server = await startTestServer({
      TRUST_PROXY: 'true',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3',
      AUTH_FAILURES_PER_MINUTE: '1000',
    });
    const polling = `${server.base}/socket.io/?EIO=4&transport=polling`;
    const from = (address: string) => ({ 'x-forwarded-for': address });
    const anonymous = (address: string) => fetch(`${server!.base}/api/me`, { headers: from(address) });
    // One /64: four addresses, one client.
    expect((await anonymous('2001:db8:0:1::1')).status).toBe(401);
    expect((await anonymous('2001:db8:0:1::2')).status).toBe(401);
    expect((await fetch(polling, { headers: from('2001:db8:0:1::3') })).status).toBe(200);
    const refusedHandshake = await fetch(polling, { headers: from('2001:db8:0:1:ffff::4') });
    expect(refusedHandshake.status).toBe(403);
    expect(await refusedHandshake.text()).toContain('rate_limited');
    await expectRateLimited(await anonymous('2001:db8:0:1::5'));
    // The next /64, and an IPv4 client, are others; the proxy's own address counts for nobody.
    expect((await anonymous('2001:db8:0:2::1')).status).toBe(401);
    expect((await fetch(polling, { headers: from('2001:db8:0:2::1') })).status).toBe(200);
    expect((await fetch(polling, { headers: from('198.51.100.7') })).status).toBe(200);
  });

  // Issue 27: a thousand dashboards behind one address (the live feed's benchmark, screens behind a proxy) met
  // the address's budget of requests without a token, since engine.io's handshake carried none.
  test('a handshake that carries a device token is counted on that device, once; a stranger’s stays on the address', async () => {
    server = await startTestServer({
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3',
      RATE_LIMIT_DISPLAY_PER_MINUTE: '4',
      AUTH_FAILURES_PER_MINUTE: '1000',
    });
    const cid = (await call(`${server.base}/api`, 'POST', '/conferences', conferenceBody)).body.conferenceId as string;
    const screen = await enrol(server.base, 'display', cid);
    // Five screens from one address, each with its token on the handshake: the address's budget (3) is not
    // touched, the device's (4) counts each connection once, not twice.
    for (let i = 0; i < 4; i++) expect(await handshake(server.base, screen.token, cid, screen.token)).toBe('connected');
    // The fifth is refused by engine.io itself (a WebSocket client only sees the upgrade fail; polling reads why).
    const polling = `${server.base}/socket.io/?EIO=4&transport=polling`;
    const fifth = await fetch(polling, { headers: bearer(screen.token) });
    expect(fifth.status).toBe(403);
    expect(await fifth.text()).toContain('rate_limited');
    // The organiser's screens, from the same address, are the organiser's budget.
    for (let i = 0; i < 6; i++) expect(await handshake(server.base, ADMIN_TOKEN, cid, ADMIN_TOKEN)).toBe('connected');
    // A made-up token on the handshake is a stranger: the address's budget.
    const made = { authorization: 'Bearer made-up-token-0123456789abcdef' };
    for (let i = 0; i < 3; i++) expect((await fetch(polling, { headers: made })).status).toBe(200);
    const refused = await fetch(polling, { headers: made });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('rate_limited');
  });
});
