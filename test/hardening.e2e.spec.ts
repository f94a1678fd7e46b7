// Hostile input, over real HTTP: security headers on every answer (helmet's,
// with the values this server always sent), CORS closed unless configured
// (HTTP and socket.io), size and length limits, and the CSV export's formula
// neutralisation. Rate limits: rate-limits.e2e.spec.ts.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { io } from 'socket.io-client';
import { parseCsv } from '../libs/conference/src/import/csv.js';
import { DOCS_CSP_DIRECTIVES, WEB_CSP_DIRECTIVES } from '../apps/server/src/security/headers.js';
import { ADMIN_TOKEN, bearer, call, startTestServer, type TestServer } from './support/server.js';

const AUTH = bearer(ADMIN_TOKEN);
const EVIL = 'https://evil.example';
const FRIEND = 'https://ok.example';
const WEB_BUILT = existsSync(resolve('apps/web/dist/index.html'));

const conferenceBody = (overrides: Record<string, unknown> = {}) => ({
  name: 'Journée =HYPERLINK("x")',
  venue: 'Bercy',
  startsAt: '2014-09-19T09:30:00+02:00',
  endsAt: '2014-09-19T16:30:00+02:00',
  timezone: 'Europe/Paris',
  capacity: 500,
  idCheckRequired: false,
  lunch: { priceCents: 2000, currency: 'EUR' },
  doors: ['Accueil'],
  ...overrides,
});

let seq = 0;
const person = (overrides: Record<string, unknown> = {}) => {
  seq += 1;
  return {
    firstName: `Prénom${seq}`,
    lastName: `Nom${seq}`,
    email: `h${seq}.${randomUUID().slice(0, 8)}@example.org`,
    organisation: `Org ${seq}`,
    category: 'participant',
    lunch: false,
    photoConsent: false,
    ...overrides,
  };
};

const newConference = async (base: string, headers: Record<string, string> = {}): Promise<string> => {
  const res = await call(`${base}/api`, 'POST', '/conferences', conferenceBody(), headers);
  expect(res.status).toBe(201);
  return res.body.conferenceId as string;
};

const registrationCount = async (base: string, cid: string): Promise<number> => {
  const res = await call(`${base}/api`, 'GET', `/conferences/${cid}/registrations`);
  expect(res.status).toBe(200);
  return res.body.total as number;
};

/** Asserts the contract's error body: `{statusCode, code (snake_case), message}`. */
const expectErrorBody = (status: number, body: unknown, code?: string): void => {
  expect(body).toMatchObject({ statusCode: status, code: expect.stringMatching(/^[a-z][a-z0-9_]*$/) });
  expect(typeof (body as { message?: unknown }).message).toBe('string');
  if (code) expect((body as { code: string }).code).toBe(code);
};

/** A Content-Security-Policy header as directives (helmet joins them with `;`, the hand-written one with `; `). */
const directivesOf = (csp: string | null): Record<string, string[]> =>
  Object.fromEntries(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name!, sources]),
  );

/** The headers and values the server sent before helmet wrote them (issue 16 kept them as they were). */
const EXPECTED_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'permissions-policy':
    'camera=(self), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=(), midi=(), display-capture=()',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'x-dns-prefetch-control': 'off',
  'x-permitted-cross-domain-policies': 'none',
};

describe('hostile input', () => {
  let server: TestServer;
  let api: string;
  let cid: string;

  beforeAll(async () => {
    server = await startTestServer();
    api = `${server.base}/api`;
    cid = await newConference(server.base);
  });
  afterAll(async () => {
    await server.close();
  });

  describe('security headers', () => {
    const expectSecurityHeaders = (headers: Headers): void => {
      const csp = headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval'(;|$)/);
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain("'unsafe-eval'");
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('x-frame-options')).toBe('DENY');
      expect(headers.get('referrer-policy')).toBe('no-referrer');
      expect(headers.get('permissions-policy')).toMatch(/(^|, )camera=\(self\)(,|$)/);
      expect(headers.get('permissions-policy')).toContain('microphone=()');
      expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(headers.get('x-powered-by')).toBeNull();
      expect(headers.get('access-control-allow-origin')).toBeNull();
      // Exactly the values of before, the whole policy included; nothing more (no legacy headers, no HSTS on HTTP).
      for (const [name, value] of Object.entries(EXPECTED_HEADERS))
        expect({ name, value: headers.get(name) }).toEqual({ name, value });
      expect(directivesOf(csp)).toEqual(WEB_CSP_DIRECTIVES);
      expect(headers.get('x-xss-protection')).toBeNull();
      expect(headers.get('x-download-options')).toBeNull();
      expect(headers.get('cross-origin-embedder-policy')).toBeNull();
      expect(headers.get('strict-transport-security')).toBeNull();
    };

    test('on the API, answers carry them and are never stored', async () => {
      for (const [path, headers, status] of [
        ['/api/conferences', AUTH, 200],
        ['/api/conferences', {}, 401],
        ['/api/no-such-route', AUTH, 404],
        [`/api/conferences/${cid}/registrations.csv`, AUTH, 200],
      ] as const) {
        const res = await fetch(`${server.base}${path}`, { headers });
        expect(res.status).toBe(status);
        expectSecurityHeaders(res.headers);
        expect(res.headers.get('cache-control')).toContain('no-store');
      }
    });

    test('on the web pages and on health', async () => {
      // The web pages are part of what is checked: without the build this test
      // would check less and still pass, so it says so and fails instead.
      if (!WEB_BUILT) throw new Error('apps/web/dist is missing: run `npm run build:web` first (npm test does)');
      const page = await fetch(`${server.base}/door/`);
      expectSecurityHeaders(page.headers);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await page.text())?.[1];
      expect(asset).toBeDefined();
      expectSecurityHeaders((await fetch(`${server.base}${asset}`)).headers);
      const health = await fetch(`${server.base}/health/live`);
      expect(health.status).toBe(200);
      expectSecurityHeaders(health.headers);
    });

    test('the browsable API page gets its own policy (its template has inline styles), still unframeable', async () => {
      const res = await fetch(`${server.base}/api/docs`);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(directivesOf(csp)).toEqual(DOCS_CSP_DIRECTIVES);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    });
  });

  describe('CORS, closed by default', () => {
    test('a preflight from a foreign origin gets no Access-Control-Allow-Origin', async () => {
      const res = await fetch(`${api}/conferences`, {
        method: 'OPTIONS',
        headers: {
          origin: EVIL,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-headers')).toBeNull();
      expect(res.status).toBe(403);
      expectErrorBody(403, await res.json(), 'cors_origin_not_allowed');
    });

    test('a request from a foreign origin is answered without Access-Control-Allow-Origin', async () => {
      const res = await fetch(`${api}/conferences`, { headers: { ...AUTH, origin: EVIL } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    });

    test('socket.io refuses a handshake from a foreign origin, on polling and on websocket', async () => {
      const polling = `${server.base}/socket.io/?EIO=4&transport=polling`;
      expect((await fetch(polling, { headers: { origin: EVIL } })).status).toBe(403);
      // Not a browser (no Origin), or the pages this server serves: let through.
      expect((await fetch(polling)).status).toBe(200);
      expect((await fetch(polling, { headers: { origin: server.base } })).status).toBe(200);

      const handshake = (origin?: string) =>
        new Promise<'connected' | 'refused'>((done) => {
          const socket = io(`${server.base}/attendance`, {
            auth: { token: ADMIN_TOKEN, conferenceId: cid },
            transports: ['websocket'],
            forceNew: true,
            reconnection: false,
            ...(origin ? { extraHeaders: { origin } } : {}),
          });
          socket.on('connect', () => {
            socket.close();
            done('connected');
          });
          socket.on('connect_error', () => {
            socket.close();
            done('refused');
          });
        });
      expect(await handshake(EVIL)).toBe('refused');
      expect(await handshake()).toBe('connected');
    });

    describe('when CORS_ORIGINS names an origin', () => {
      let open: TestServer;
      beforeAll(async () => {
        open = await startTestServer({ CORS_ORIGINS: FRIEND });
      });
      afterAll(async () => {
        await open.close();
      });

      test('that origin, and only it, may call the API with a token', async () => {
        const preflight = await fetch(`${open.base}/api/conferences`, {
          method: 'OPTIONS',
          headers: {
            origin: FRIEND,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization, content-type',
          },
        });
        expect(preflight.status).toBe(204);
        expect(preflight.headers.get('access-control-allow-origin')).toBe(FRIEND);
        expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
        expect(preflight.headers.get('access-control-allow-headers')?.split(/, */)).toEqual(
          expect.arrayContaining(['authorization', 'content-type']),
        );
        expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
        expect(preflight.headers.get('access-control-max-age')).toBe('600');
        expect(preflight.headers.get('vary')).toContain('Origin');

        const get = await fetch(`${open.base}/api/conferences`, { headers: { ...AUTH, origin: FRIEND } });
        expect(get.status).toBe(200);
        expect(get.headers.get('access-control-allow-origin')).toBe(FRIEND);
        expect(get.headers.get('access-control-expose-headers')?.split(/, */)).toEqual(
          expect.arrayContaining(['Retry-After', 'X-Correlation-Id']),
        );

        const other = await fetch(`${open.base}/api/conferences`, {
          method: 'OPTIONS',
          headers: { origin: EVIL, 'access-control-request-method': 'GET' },
        });
        expect(other.headers.get('access-control-allow-origin')).toBeNull();
        const otherGet = await fetch(`${open.base}/api/conferences`, { headers: { ...AUTH, origin: EVIL } });
        expect(otherGet.headers.get('access-control-allow-origin')).toBeNull();
      });

      test('socket.io lets that origin in, with CORS for long-polling, and still refuses others', async () => {
        const polling = `${open.base}/socket.io/?EIO=4&transport=polling`;
        const friend = await fetch(polling, { headers: { origin: FRIEND } });
        expect(friend.status).toBe(200);
        expect(friend.headers.get('access-control-allow-origin')).toBe(FRIEND);
        expect((await fetch(polling, { headers: { origin: EVIL } })).status).toBe(403);
      });
    });
  });

  describe('sizes and lengths', () => {
    test('a body over 1 MB is refused 413 with a code, and nothing is written', async () => {
      const before = await registrationCount(server.base, cid);
      const huge = JSON.stringify(person({ organisation: 'x'.repeat(2 * 1024 * 1024) }));
      const res = await call(api, 'POST', `/conferences/${cid}/registrations`, huge);
      expect(res.status).toBe(413);
      expectErrorBody(413, res.body, 'payload_too_large');
      expect(await registrationCount(server.base, cid)).toBe(before);
    });

    test.each([
      ['firstName', { firstName: 'A'.repeat(101) }],
      ['lastName', { lastName: 'B'.repeat(101) }],
      ['email', { email: `${'c'.repeat(250)}@example.org` }],
      ['organisation', { organisation: 'D'.repeat(201) }],
    ])('a %s over its limit is refused 400 validation_failed, naming the field', async (field, overrides) => {
      const before = await registrationCount(server.base, cid);
      const res = await call(api, 'POST', `/conferences/${cid}/registrations`, person(overrides));
      expect(res.status).toBe(400);
      expectErrorBody(400, res.body, 'validation_failed');
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      expect(await registrationCount(server.base, cid)).toBe(before);
    });

    test('other strings are bounded too: a conference name, a charter title, a reason, a door, a query', async () => {
      const long = (n: number) => 'x'.repeat(n);
      const cases: [string, string, unknown][] = [
        ['POST', '/conferences', conferenceBody({ name: long(201) })],
        ['POST', '/conferences', conferenceBody({ startsAt: `2014-09-19T09:30:00.${'0'.repeat(100)}+02:00` })],
        ['POST', `/conferences/${cid}/charters`, { title: long(201), text: 'Texte' }],
        ['POST', `/conferences/${cid}/charters`, { title: 'Charte', text: long(100_001) }],
        ['POST', `/conferences/${cid}/registrations/${randomUUID()}/cancel`, { reason: long(501) }],
        ['POST', `/conferences/${cid}/scans`, { scanId: randomUUID(), ticketCode: 'abc', door: long(61) }],
        ['GET', `/conferences/${cid}/attendees?q=${long(201)}`, undefined],
        ['GET', `/conferences/${cid}/registrations?q=${long(201)}`, undefined],
      ];
      for (const [method, path, body] of cases) {
        const res = await call(api, method, path, body);
        expect({ path, status: res.status }).toEqual({ path, status: 400 });
        expectErrorBody(400, res.body, 'validation_failed');
      }
    });

    test('a body must be JSON of the right shape: other media types, arrays, deep nesting and __proto__ are refused', async () => {
      const path = `/conferences/${cid}/registrations`;
      const before = await registrationCount(server.base, cid);
      const json = JSON.stringify(person());
      const cases: [Record<string, string>, string, number, string][] = [
        [{ 'content-type': 'text/plain' }, json, 415, 'unsupported_media_type'],
        [{ 'content-type': 'application/x-www-form-urlencoded' }, 'firstName=a', 415, 'unsupported_media_type'],
        [{ 'content-type': 'multipart/form-data; boundary=x' }, '--x--', 415, 'unsupported_media_type'],
        [{ 'content-type': 'application/json', 'content-encoding': 'gzip' }, json, 415, 'unsupported_encoding'],
        [{ 'content-type': 'application/json; charset=utf-7' }, json, 415, 'unsupported_charset'],
        [{ 'content-type': 'application/json' }, `{"x":[${'0,'.repeat(10_000)}0]}`, 400, 'validation_failed'],
        [{ 'content-type': 'application/json' }, '{"firstName":', 400, 'invalid_json'],
        [{ 'content-type': 'application/json' }, `[${json}]`, 400, 'validation_failed'],
        [{ 'content-type': 'application/json' }, '"a string"', 400, 'invalid_json'],
        [
          { 'content-type': 'application/json' },
          `{"__proto__":{"admin":true},${json.slice(1)}`,
          400,
          'validation_failed',
        ],
        [
          { 'content-type': 'application/json' },
          `{"constructor":{"prototype":{}},${json.slice(1)}`,
          400,
          'validation_failed',
        ],
        [
          { 'content-type': 'application/json' },
          `{"x":${'['.repeat(5000)}${']'.repeat(5000)}}`,
          400,
          'validation_failed',
        ],
      ];
      for (const [headers, body, status, code] of cases) {
        const res = await call(api, 'POST', path, body, headers);
        expect({ headers, status: res.status }).toEqual({ headers, status });
        expectErrorBody(status, res.body, code);
      }
      const repeated = await call(api, 'GET', `/conferences/${cid}/attendees?q=a&q=b`);
      expect(repeated.status).toBe(400);
      expectErrorBody(400, repeated.body, 'validation_failed');
      expect(await registrationCount(server.base, cid)).toBe(before);
    });
  });

  describe('the CSV export', () => {
    test('every registration, as a spreadsheet reads it, formulas neutralised and no ticket code', async () => {
      const export_cid = await newConference(server.base);
      const hostile = [
        { firstName: "=cmd|' /C calc'!A0", lastName: '+1' },
        { firstName: '-1', lastName: '@SUM(1)', organisation: '=HYPERLINK("http://evil.example","x")' },
        { firstName: 'Zoé', lastName: 'Ébrard', organisation: 'Coop "Nord", Lille' },
        { firstName: 'Jean-Pierre', lastName: "O'Brien", organisation: 'a=b' },
      ];
      const made: { registrationId: string; ticketCode: string; email: string }[] = [];
      for (const h of hostile) {
        const body = person(h);
        const res = await call(api, 'POST', `/conferences/${export_cid}/registrations`, body);
        expect(res.status).toBe(201);
        made.push({ registrationId: res.body.registrationId, ticketCode: res.body.ticketCode, email: body.email });
      }
      const scan = await call(api, 'POST', `/conferences/${export_cid}/scans`, {
        scanId: randomUUID(),
        registrationId: made[2]!.registrationId,
        door: 'Accueil',
      });
      expect(scan.body.result).toBe('admitted');
      // A person who asked to be forgotten keeps a row, with no name and no address.
      const forgotten = person({ firstName: 'Oubliée', lastName: 'Effacée', organisation: 'Org effacée' });
      const f = await call(api, 'POST', `/conferences/${export_cid}/registrations`, forgotten);
      expect(f.status).toBe(201);
      const erase = await call(api, 'POST', `/conferences/${export_cid}/registrations/${f.body.registrationId}/erase`, {
        reason: 'Demande de la personne',
      });
      expect(erase.status).toBe(200);

      const res = await fetch(`${api}/conferences/${export_cid}/registrations.csv`, { headers: AUTH });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="inscriptions-[a-z0-9-]+\.csv"$/);
      expect(res.headers.get('cache-control')).toContain('no-store');
      const bytes = Buffer.from(await res.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = bytes.toString('utf8');
      for (const m of made) expect(text).not.toContain(m.ticketCode);
      expect(text).not.toContain(f.body.ticketCode);
      expect(text).not.toContain('ticket');
      expect(text).not.toContain('Oubliée');
      expect(text).not.toContain(forgotten.email);

      const { records, errors } = parseCsv(text);
      expect(errors).toEqual([]);
      const [header, ...rows] = records.map((r) => r.fields);
      expect(header!.slice(0, 7)).toEqual([
        'first_name',
        'last_name',
        'email',
        'organisation',
        'category',
        'lunch',
        'photo_consent',
      ]);
      const column = (name: string) => header!.indexOf(name);
      const rowOf = (rid: string) => rows.find((r) => r[column('registration_id')] === rid)!;
      expect(rows).toHaveLength(hostile.length + 1);
      expect(rowOf(f.body.registrationId).slice(0, 4)).toEqual(['', '', '', 'Org effacée']);
      expect(rowOf(f.body.registrationId)[column('erased')]).toBe('yes');

      const [a, b, c, d] = made.map((m) => rowOf(m.registrationId));
      expect(a!.slice(0, 2)).toEqual(["'=cmd|' /C calc'!A0", "'+1"]);
      expect(b!.slice(0, 4)).toEqual(["'-1", "'@SUM(1)", made[1]!.email, `'=HYPERLINK("http://evil.example","x")`]);
      expect(c!.slice(0, 7)).toEqual([
        'Zoé',
        'Ébrard',
        made[2]!.email,
        'Coop "Nord", Lille',
        'participant',
        'no',
        'no',
      ]);
      expect(d!.slice(0, 4)).toEqual(['Jean-Pierre', "O'Brien", made[3]!.email, 'a=b']);
      expect(c![column('status')]).toBe('registered');
      expect(c![column('door')]).toBe('Accueil');
      expect(c![column('admitted_at')]).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(a![column('admitted_at')]).toBe('');
      expect(a![column('erased')]).toBe('no');
      // No cell a spreadsheet would run.
      for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);

      const unknown = await call(api, 'GET', `/conferences/${randomUUID()}/registrations.csv`);
      expect(unknown.status).toBe(404);
      expectErrorBody(404, unknown.body, 'conference_not_found');
    });
  });
});
