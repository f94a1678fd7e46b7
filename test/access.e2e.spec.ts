// Who may do what: every role against every route of the API and the
// attendance feed, on the real server. The expected table is written here,
// independently of the roles each controller declares (`@Roles`), and must
// name every route the server publishes in its OpenAPI document and every
// route its controllers mount, with the roles they declare.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { ADMIN_TOKEN, bearer, call, startTestServer, type TestServer } from './support/server.js';
import { declaredRoutes } from './support/routes.js';
import {
  admitted,
  conferenceBody,
  conferenceWithCharter,
  expectStatus,
  personBody,
  signatureBody,
} from './support/data.js';

type Who = 'none' | 'bogus' | 'revoked' | 'admin' | 'organiser' | 'door' | 'kiosk' | 'display';
type Role = 'organiser' | 'door' | 'kiosk' | 'display';
const O: Role = 'organiser';
const ALL: Role[] = ['organiser', 'door', 'kiosk', 'display'];

/** Method, path (OpenAPI form) and the roles that may call it. */
const EXPECTED: [string, string, Role[]][] = [
  ['POST', '/api/devices', [O]],
  ['GET', '/api/devices', [O]],
  ['DELETE', '/api/devices/{deviceId}', [O]],
  ['GET', '/api/me', ALL],
  ['POST', '/api/conferences', [O]],
  ['GET', '/api/conferences', ALL],
  ['GET', '/api/conferences/{cid}', ALL],
  ['PUT', '/api/conferences/{cid}', [O]],
  ['PUT', '/api/conferences/{cid}/walk-in-policy', [O]],
  ['POST', '/api/conferences/{cid}/registrations', [O, 'door']],
  ['POST', '/api/conferences/{cid}/registrations/import', [O]],
  ['GET', '/api/conferences/{cid}/registrations', [O]],
  ['GET', '/api/conferences/{cid}/registrations.csv', [O]],
  ['POST', '/api/conferences/{cid}/registrations/{rid}/cancel', [O]],
  ['PATCH', '/api/conferences/{cid}/registrations/{rid}', [O]],
  ['GET', '/api/conferences/{cid}/registrations/{rid}/ticket.png', [O, 'door']],
  ['GET', '/api/conferences/{cid}/registrations/{rid}/ticket.pdf', [O, 'door']],
  ['GET', '/api/conferences/{cid}/tickets.pdf', [O]],
  ['GET', '/api/conferences/{cid}/badges.pdf', [O]],
  ['GET', '/api/conferences/{cid}/registrations/{rid}/badge.pdf', [O, 'door']],
  ['POST', '/api/conferences/{cid}/registrations/{rid}/badge-prints', [O, 'door']],
  ['GET', '/api/conferences/{cid}/badge-printers', [O, 'door']],
  ['PUT', '/api/conferences/{cid}/badge-printers', [O]],
  ['POST', '/api/conferences/{cid}/tickets/send', [O]],
  ['GET', '/api/conferences/{cid}/ticket-mail', [O]],
  ['GET', '/api/conferences/{cid}/attendees', [O, 'door']],
  ['GET', '/api/conferences/{cid}/registrations/{rid}/export', [O]],
  ['POST', '/api/conferences/{cid}/registrations/{rid}/erase', [O]],
  ['GET', '/api/conferences/{cid}/registrations/{rid}/history', [O]],
  ['GET', '/api/conferences/{cid}/tickets/{ticketCode}', [O, 'door']],
  ['POST', '/api/conferences/{cid}/scans', [O, 'door']],
  ['POST', '/api/conferences/{cid}/scans/{scanId}/undo', [O, 'door']],
  ['POST', '/api/conferences/{cid}/registrations/{rid}/undo-admission', [O, 'door']],
  ['POST', '/api/conferences/{cid}/registrations/{rid}/lunch-payment', [O, 'door']],
  ['POST', '/api/conferences/{cid}/registrations/{rid}/lunch-payment/{paymentId}/reverse', [O, 'door']],
  ['GET', '/api/conferences/{cid}/door-dataset', [O, 'door']],
  ['GET', '/api/conferences/{cid}/conflicts', [O]],
  ['POST', '/api/conferences/{cid}/conflicts/{conflictId}/acknowledge', [O]],
  ['POST', '/api/conferences/{cid}/charters', [O]],
  ['GET', '/api/conferences/{cid}/charters', [O, 'kiosk']],
  ['GET', '/api/conferences/{cid}/charters/{chid}', [O, 'kiosk']],
  ['GET', '/api/conferences/{cid}/charters/{chid}/signatories', [O, 'kiosk']],
  ['POST', '/api/conferences/{cid}/charters/{chid}/signatures', [O, 'kiosk']],
  ['POST', '/api/conferences/{cid}/charters/{chid}/signatures/{signatureId}/void', [O]],
  ['POST', '/api/conferences/{cid}/charters/{chid}/close', [O]],
  ['GET', '/api/conferences/{cid}/charters/{chid}/verify', [O, 'kiosk']],
  ['GET', '/api/conferences/{cid}/charters/{chid}/document.pdf', [O]],
  ['GET', '/api/conferences/{cid}/charters/{chid}/signatures/{signatureId}/receipt', [O, 'kiosk']],
  ['GET', '/api/charter-seal/root.crt', ALL],
  ['GET', '/api/conferences/{cid}/attendance', [O, 'display']],
  ['GET', '/api/backups', [O]],
  ['POST', '/api/conferences/{cid}/spaces', [O]],
  ['GET', '/api/conferences/{cid}/spaces', [O, 'door', 'display']],
  ['GET', '/api/conferences/{cid}/on-site', [O, 'door']],
  ['GET', '/api/conferences/{cid}/on-site.pdf', [O, 'door']],
  ['POST', '/api/conferences/{cid}/roll-calls', [O, 'door']],
  ['POST', '/api/conferences/{cid}/roll-calls/{rollCallId}/marks', [O, 'door']],
  ['GET', '/api/conferences/{cid}/roll-calls/{rollCallId}', [O, 'door']],
];
const FEED: Role[] = [O, 'display'];

describe('devices and roles', () => {
  let server: TestServer;
  let api: string;
  let cid: string;
  let chid: string;
  const tokens: Partial<Record<Who, string>> = { admin: ADMIN_TOKEN, bogus: 'not-a-token-of-this-server-0123456789' };
  const deviceIds: Partial<Record<Who, string>> = {};

  const enrol = async (name: string, role: Role, conferenceId?: string) =>
    expectStatus(
      await call(api, 'POST', '/devices', { name, role, ...(conferenceId ? { conferenceId } : {}) }),
      201,
    ) as {
      deviceId: string;
      token: string;
      role: Role;
    };

  const headersOf = (who: Who): Record<string, string | null> =>
    tokens[who] === undefined ? { authorization: null } : bearer(tokens[who]);

  beforeAll(async () => {
    // The matrix makes hundreds of refused calls from one address on purpose.
    server = await startTestServer({ AUTH_FAILURES_PER_MINUTE: '100000' });
    api = `${server.base}/api`;
    ({ cid, chid } = await conferenceWithCharter(api));
    for (const role of ['organiser', 'door', 'kiosk', 'display'] as const) {
      const d = await enrol(`Appareil ${role}`, role);
      tokens[role] = d.token;
      deviceIds[role] = d.deviceId;
    }
    const gone = await enrol('Téléphone perdu', 'door');
    tokens.revoked = gone.token;
    expectStatus(await call(api, 'DELETE', `/devices/${gone.deviceId}`), 200);
  });
  afterAll(async () => {
    await server.close();
  });

  test('the expected table names every route the server publishes, and only those', async () => {
    const doc = expectStatus(
      await call(server.base, 'GET', '/api/docs-json', undefined, { authorization: null }),
      200,
    ) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const published = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(EXPECTED.map(([m, p]) => `${m} ${p}`).sort()).toEqual(published);
  });

  test('every route under /api declares its roles beside its controller, and they are the expected ones', () => {
    // Outside /api by app.ts's global prefix exclusions: carry no token, guarded by nothing.
    const outside = new Set(['health', 'billet']);
    const mounted = declaredRoutes(server.app).filter((r) => !outside.has(r.path.split('/')[0]!));
    const undeclared = mounted
      .filter((r) => r.roles === undefined)
      .map((r) => `${r.method} /api/${r.path} (${r.handler})`);
    expect(undeclared).toEqual([]);
    const declared = mounted.map((r) => [r.method, `/api/${r.path}`, [...r.roles!].sort()]);
    const expected = EXPECTED.map(([m, p, roles]) => [m, p, [...roles].sort()]);
    const byRoute = (a: unknown[], b: unknown[]) =>
      `${String(a[1])} ${String(a[0])}`.localeCompare(`${String(b[1])} ${String(b[0])}`);
    expect(declared.sort(byRoute)).toEqual(expected.sort(byRoute));
  });

  /** Side-effect free calls: unknown ids and empty bodies, so an allowed call ends in 400/404 (or 200 for reads). */
  const concrete = (path: string): string =>
    path
      .replace('{cid}', cid)
      .replace('{chid}', chid)
      .replace('{ticketCode}', 'AAAAAAAAAAAAAAAAAAAAAAAA')
      .replace(/\{(rid|scanId|signatureId|deviceId|conflictId)\}/g, () => randomUUID());

  const everyone: Who[] = ['none', 'bogus', 'revoked', 'admin', 'organiser', 'door', 'kiosk', 'display'];
  const cells = EXPECTED.flatMap(([method, path, roles]) => everyone.map((who) => [method, path, roles, who] as const));

  test.each(cells)('%s %s, allowed %j, as %s', async (method, path, roles, who) => {
    const csv = path.endsWith('/import');
    const body = method === 'GET' || method === 'DELETE' ? undefined : csv ? 'first_name,last_name\n' : {};
    const res = await call(server.base, method, concrete(path), body, {
      ...headersOf(who),
      ...(csv ? { 'content-type': 'text/csv' } : {}),
    });
    if (who === 'none' || who === 'bogus' || who === 'revoked') {
      expect([res.status, res.body?.code]).toEqual([401, 'unauthorized']);
      return;
    }
    const role: Role = who === 'admin' ? 'organiser' : who;
    if (roles.includes(role)) {
      expect(res.status).not.toBe(401);
      expect(res.status).not.toBe(403);
      expect(res.status).toBeLessThan(500);
    } else {
      expect([res.status, res.body?.code]).toEqual([403, 'forbidden']);
    }
  });

  const handshake = (
    token: string | undefined,
    conferenceId: string,
  ): Promise<{ ok: boolean; code?: string; socket: Socket }> =>
    new Promise((resolve) => {
      const socket = io(`${server.base}/attendance`, {
        auth: { ...(token === undefined ? {} : { token }), conferenceId },
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
      });
      socket.on('snapshot', () => resolve({ ok: true, socket }));
      socket.on('connect_error', (error: Error & { data?: { code?: string } }) =>
        resolve({ ok: false, code: error.data?.code, socket }),
      );
    });

  test.each(everyone)('the attendance feed, as %s', async (who) => {
    const { ok, code, socket } = await handshake(tokens[who], cid);
    socket.close();
    if (who === 'none' || who === 'bogus' || who === 'revoked') {
      expect({ ok, code }).toEqual({ ok: false, code: 'unauthorized' });
    } else if (FEED.includes(who === 'admin' ? 'organiser' : who)) {
      expect(ok).toBe(true);
    } else {
      expect({ ok, code }).toEqual({ ok: false, code: 'forbidden' });
    }
  });

  test('a device enrolled for one conference is refused on another, on HTTP and on the feed', async () => {
    const other = await conferenceWithCharter(api);
    const door = await enrol('Porte conférence B', 'door', other.cid);
    expect(
      (await call(api, 'GET', `/conferences/${other.cid}/attendees?q=a`, undefined, bearer(door.token))).status,
    ).toBe(200);
    const elsewhere = await call(api, 'GET', `/conferences/${cid}/attendees?q=a`, undefined, bearer(door.token));
    expect([elsewhere.status, elsewhere.body.code]).toEqual([403, 'forbidden']);
    const display = await enrol('Écran conférence B', 'display', other.cid);
    const feed = await handshake(display.token, cid);
    feed.socket.close();
    expect({ ok: feed.ok, code: feed.code }).toEqual({ ok: false, code: 'forbidden' });
  });

  test('a bound organiser device sees, enrols and revokes within its conference only, and creates none', async () => {
    const a = await conferenceWithCharter(api);
    const b = await conferenceWithCharter(api);
    const partner = await enrol('Organisateur partenaire A', 'organiser', a.cid);
    const doorB = await enrol('Porte conférence B', 'door', b.cid);
    const doorA = await enrol('Porte conférence A', 'door', a.cid);
    const as = bearer(partner.token);

    // No unbound token: without a conference, what it enrols is bound to its own.
    const minted = expectStatus(
      await call(api, 'POST', '/devices', { name: 'Sans portée', role: 'organiser' }, as),
      201,
    ) as {
      conferenceId: string | null;
      token: string;
    };
    expect(minted.conferenceId).toBe(a.cid);
    const readsB = await call(api, 'GET', `/conferences/${b.cid}/registrations`, undefined, bearer(minted.token));
    expect([readsB.status, readsB.body.code]).toEqual([403, 'forbidden']);
    const enrolB = await call(api, 'POST', '/devices', { name: 'Porte B', role: 'door', conferenceId: b.cid }, as);
    expect([enrolB.status, enrolB.body.code]).toEqual([403, 'forbidden']);

    const { devices } = expectStatus(await call(api, 'GET', '/devices', undefined, as), 200) as {
      devices: { deviceId: string; conferenceId: string | null }[];
    };
    expect(devices.map((d) => d.conferenceId).every((c) => c === a.cid)).toBe(true);
    expect(devices.map((d) => d.deviceId)).toEqual(expect.arrayContaining([partner.deviceId, doorA.deviceId]));

    const revokeB = await call(api, 'DELETE', `/devices/${doorB.deviceId}`, undefined, as);
    expect([revokeB.status, revokeB.body.code]).toEqual([404, 'device_not_found']);
    expect((await call(api, 'GET', '/me', undefined, bearer(doorB.token))).status).toBe(200);
    expectStatus(await call(api, 'DELETE', `/devices/${doorA.deviceId}`, undefined, as), 200);

    const create = await call(api, 'POST', '/conferences', conferenceBody(), as);
    expect([create.status, create.body.code]).toEqual([403, 'forbidden']);
    const listed = expectStatus(await call(api, 'GET', '/conferences', undefined, as), 200) as {
      items: { conferenceId: string }[];
    };
    expect(listed.items.map((c) => c.conferenceId)).toEqual([a.cid]);
  });

  test.each(['door', 'kiosk', 'display'] as const)('a bound %s device lists its own conference only', async (role) => {
    const a = await conferenceWithCharter(api);
    await conferenceWithCharter(api);
    const device = await enrol(`Appareil ${role} A`, role, a.cid);
    const listed = expectStatus(await call(api, 'GET', '/conferences', undefined, bearer(device.token)), 200) as {
      items: { conferenceId: string }[];
    };
    expect(listed.items.map((c) => c.conferenceId)).toEqual([a.cid]);
  });

  test('a device is told who it is; its token is shown once and stored only as a hash', async () => {
    const me = expectStatus(await call(api, 'GET', '/me', undefined, bearer(tokens.door!)), 200);
    expect(me).toEqual({ deviceId: deviceIds.door, name: 'Appareil door', role: 'door', conferenceId: null });
    const { devices } = expectStatus(await call(api, 'GET', '/devices'), 200) as { devices: Record<string, unknown>[] };
    const listed = devices.find((d) => d.deviceId === deviceIds.door)!;
    expect(listed).toMatchObject({ name: 'Appareil door', role: 'door', revokedAt: null });
    expect(typeof listed.lastSeenAt).toBe('string');
    expect(JSON.stringify(devices)).not.toContain(tokens.door!);
    if (server.eventStore === 'sqlite') {
      for (const file of readdirSync(server.dataDir, { withFileTypes: true })) {
        // Folders (the charter seal's keys, made when its root is fetched) hold no token.
        if (!file.isFile()) continue;
        const bytes = readFileSync(join(server.dataDir, file.name));
        for (const who of ['organiser', 'door', 'kiosk', 'display'] as const) {
          expect(bytes.includes(Buffer.from(tokens[who]!))).toBe(false);
        }
      }
    }
  });

  test('the events a device causes carry its id; revocation is immediate, on HTTP and on open sockets', async () => {
    const door = await enrol('Porte B', 'door');
    const display = await enrol('Grand écran', 'display');
    const { registrationId } = await admitted(api, cid, {}, bearer(door.token));
    const exported = expectStatus(
      await call(api, 'GET', `/conferences/${cid}/registrations/${registrationId}/export`),
      200,
    ) as {
      scans: { deviceId?: string; metadata?: { deviceId?: string } }[];
    };
    expect(JSON.stringify(exported.scans)).toContain(door.deviceId);

    const feed = await handshake(display.token, cid);
    expect(feed.ok).toBe(true);
    const closed = new Promise<string>((resolve) => feed.socket.on('disconnect', (reason) => resolve(reason)));
    const revoked = expectStatus(await call(api, 'DELETE', `/devices/${display.deviceId}`), 200) as {
      revokedAt: string;
    };
    expect(typeof revoked.revokedAt).toBe('string');
    expect(await closed).toBe('io server disconnect');
    const after = await call(api, 'GET', `/conferences/${cid}/attendance`, undefined, bearer(display.token));
    expect([after.status, after.body.code]).toEqual([401, 'unauthorized']);
    // Revoking again answers the same and writes nothing new.
    const again = expectStatus(await call(api, 'DELETE', `/devices/${display.deviceId}`), 200) as { revokedAt: string };
    expect(again.revokedAt).toBe(revoked.revokedAt);
    const unknown = await call(api, 'DELETE', `/devices/${randomUUID()}`);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'device_not_found']);
  });

  test('a device cannot be enrolled with an unknown role, a blank name or for a conference that does not exist', async () => {
    for (const body of [
      { name: 'x', role: 'superuser' },
      { name: '   ', role: 'door' },
      { name: 'x'.repeat(101), role: 'door' },
      { name: 'x', role: 'door', conferenceId: 'nope' },
    ]) {
      const res = await call(api, 'POST', '/devices', body);
      expect([res.status, res.body.code]).toEqual([400, 'validation_failed']);
    }
    const missing = await call(api, 'POST', '/devices', { name: 'x', role: 'door', conferenceId: randomUUID() });
    expect([missing.status, missing.body.code]).toEqual([404, 'conference_not_found']);
  });

  test('a signature made from a kiosk records the kiosk device', async () => {
    // A charter of its own: the matrix above closed the first one.
    const fresh = await conferenceWithCharter(api);
    const { registrationId } = await admitted(api, fresh.cid, personBody({ organisation: `Org ${randomUUID()}` }));
    const res = await call(
      api,
      'POST',
      `/conferences/${fresh.cid}/charters/${fresh.chid}/signatures`,
      signatureBody(registrationId),
      bearer(tokens.kiosk!),
    );
    expect(res.status).toBe(201);
    const exported = expectStatus(
      await call(api, 'GET', `/conferences/${fresh.cid}/registrations/${registrationId}/export`),
      200,
    );
    expect(JSON.stringify(exported)).toContain(deviceIds.kiosk!);
  });
});

describe('failed authentication is rate-limited', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ AUTH_FAILURES_PER_MINUTE: '5' });
  });
  afterAll(async () => {
    await server.close();
  });

  test('past the limit an address is answered 429 with Retry-After; a valid token still works', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push(
        (await call(server.base, 'GET', '/api/conferences', undefined, bearer(`guess-${i}-0123456789abcdef`))).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const res = await fetch(`${server.base}/api/conferences`, {
      headers: { authorization: 'Bearer another-guess-0123456789' },
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await res.json()) as { code: string }).code).toBe('rate_limited');
    expect((await call(server.base, 'GET', '/api/conferences')).status).toBe(200);
  });
});
