// The request log: one JSON line per HTTP request, carrying the same
// correlation id as the events the request stored, tokens never in it; and
// the built server's stdout, as a person or a log collector reads it.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { EventStore } from '../libs/event-store/src/index.js';
import { createApp } from '../apps/server/src/app.js';
import { loadConfig } from '../apps/server/src/config/config.js';
import { EVENT_STORE } from '../apps/server/src/event-store/event-store.module.js';
import { ADMIN_TOKEN, bearer } from './support/server.js';
import { freePort } from './support/tls.js';

interface LogLine {
  level: number;
  msg: string;
  correlationId?: string;
  deviceId?: string;
  role?: string;
  req?: { id: string; method: string; url: string; remoteAddress?: string; headers: Record<string, string> };
  res?: { statusCode: number };
  responseTime?: number;
}

const conferenceBody = {
  name: 'Journée du journal',
  venue: 'Bercy',
  startsAt: '2014-09-19T09:30:00+02:00',
  endsAt: '2014-09-19T16:30:00+02:00',
  timezone: 'Europe/Paris',
  capacity: 100,
  idCheckRequired: false,
  doors: ['Accueil'],
};

describe('one log line per request', () => {
  const written: string[] = [];
  let app: NestExpressApplication;
  let base: string;
  let dataDir: string;
  let cid: string;

  /** The request lines written so far (Nest's own lines have no `req`). */
  const requestLines = (): LogLine[] => written.map((l) => JSON.parse(l) as LogLine).filter((l) => l.req !== undefined);

  /** The request line of `id`: written when the answer is finished, so it may follow the answer by a tick. */
  const lineOf = async (id: string): Promise<LogLine> => {
    for (;;) {
      const line = requestLines().find((l) => l.req!.id === id);
      if (line) return line;
      await new Promise((r) => setImmediate(r));
    }
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'emargement-logs-'));
    const config = loadConfig({
      DATA_DIR: dataDir,
      PORT: '0',
      ADMIN_TOKEN,
      EVENT_STORE: 'sqlite',
      LOG_LEVEL: 'info',
      // Low enough for the last test to meet the limit in a few requests; the others send one request without a token.
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '10',
    });
    app = await createApp(config, { logDestination: { write: (chunk: string) => void written.push(chunk) } });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const res = await fetch(`${base}/api/conferences`, {
      method: 'POST',
      headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'application/json' },
      body: JSON.stringify(conferenceBody),
    });
    cid = ((await res.json()) as { conferenceId: string }).conferenceId;
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const register = (headers: Record<string, string> = {}) =>
    fetch(`${base}/api/conferences/${cid}/registrations`, {
      method: 'POST',
      headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'application/json', ...headers },
      body: JSON.stringify({
        firstName: 'Zoé',
        lastName: 'Ébrard',
        email: `log.${randomUUID()}@example.org`,
        category: 'participant',
        lunch: false,
        photoConsent: false,
      }),
    });

  /** The correlation ids in the metadata of the events stored for `registrationId`. */
  const correlationIdsOf = async (registrationId: string): Promise<string[]> => {
    const events = await app.get<EventStore>(EVENT_STORE).readAll({ direction: 'backwards', maxCount: 200 });
    return events
      .filter((e) => JSON.stringify(e.data).includes(registrationId))
      .map((e) => (e.metadata as { correlationId: string }).correlationId);
  };

  test('a request that stores events: its line and its events carry one id, the token is redacted', async () => {
    const res = await register();
    expect(res.status).toBe(201);
    const id = res.headers.get('x-correlation-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const { registrationId } = (await res.json()) as { registrationId: string };
    const ids = await correlationIdsOf(registrationId);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids)).toEqual(new Set([id]));

    const line = await lineOf(id);
    expect(line).toMatchObject({
      level: 30,
      correlationId: id,
      deviceId: expect.any(String),
      role: 'organiser',
      req: { id, method: 'POST', url: `/api/conferences/${cid}/registrations` },
      res: { statusCode: 201 },
    });
    expect(line.req!.headers.authorization).toBe('[redacted]');
    expect(line.responseTime).toEqual(expect.any(Number));
    expect(line.responseTime).toBeGreaterThanOrEqual(0);
    expect(line.msg).toBe(`POST /api/conferences/${cid}/registrations 201 ${line.responseTime} ms`);
    // Express's client address, the one the rate limits count.
    expect(line.req!.remoteAddress).toBe('127.0.0.1');
    // The fields in the order pino-http wrote them (issue 27 replaced it by our own middleware): collectors and
    // people reading the raw line see what they saw.
    expect(Object.keys(line)).toEqual([
      'level',
      'time',
      'pid',
      'hostname',
      'req',
      'correlationId',
      'deviceId',
      'role',
      'res',
      'responseTime',
      'msg',
    ]);
    expect(Object.keys(line.req!)).toEqual(['id', 'method', 'url', 'remoteAddress', 'headers']);
    // Each key once in the written line (JSON.parse would hide a repeated one).
    const raw = written.find((l) => l.includes(`"res":{"statusCode":201}`) && l.includes(`"id":"${id}"`))!;
    expect(raw.split('"correlationId"').length - 1).toBe(1);
    expect(raw.split('"deviceId"').length - 1).toBe(1);
    // Not once, in any line.
    expect(written.join('')).not.toContain(ADMIN_TOKEN);
  });

  test("the caller's X-Correlation-Id (or X-Request-Id) is honoured when well formed, replaced when not", async () => {
    const given = `integration-${randomUUID()}`;
    const res = await register({ 'x-correlation-id': given });
    expect(res.headers.get('x-correlation-id')).toBe(given);
    const { registrationId } = (await res.json()) as { registrationId: string };
    expect(await correlationIdsOf(registrationId)).toEqual(expect.arrayContaining([given]));
    expect((await lineOf(given)).res!.statusCode).toBe(201);

    const proxied = `req-${randomUUID()}`;
    const viaProxy = await fetch(`${base}/api/me`, { headers: { ...bearer(ADMIN_TOKEN), 'x-request-id': proxied } });
    expect(viaProxy.headers.get('x-correlation-id')).toBe(proxied);
    expect((await lineOf(proxied)).req!.url).toBe('/api/me');

    const forged = await fetch(`${base}/api/me`, {
      headers: { ...bearer(ADMIN_TOKEN), 'x-correlation-id': 'a b","level":60' },
    });
    const replaced = forged.headers.get('x-correlation-id')!;
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    expect((await lineOf(replaced)).level).toBe(30);
  });

  test('refused requests are logged too, and secrets in a URL are not: ticket codes, token query values', async () => {
    const stranger = await fetch(`${base}/api/conferences/${cid}/tickets/SECRET-TICKET-CODE?token=s3cr3t&q=ok`, {
      headers: { authorization: 'Bearer a-guessed-token-0123456789' },
    });
    expect(stranger.status).toBe(401);
    const line = await lineOf(stranger.headers.get('x-correlation-id')!);
    expect(line.res!.statusCode).toBe(401);
    expect(line.req!.url).toBe(`/api/conferences/${cid}/tickets/[redacted]?token=[redacted]&q=[redacted]`);
    expect(line.deviceId).toBeUndefined();
    expect(Object.keys(line)).toEqual([
      'level',
      'time',
      'pid',
      'hostname',
      'req',
      'correlationId',
      'res',
      'responseTime',
      'msg',
    ]);
    const all = written.join('');
    for (const secret of ['SECRET-TICKET-CODE', 's3cr3t', 'a-guessed-token-0123456789'])
      expect(all).not.toContain(secret);
  });

  test('an erased person leaves nothing of them in the log: searches, look-ups and the erasure itself (issue 21)', async () => {
    const person = { firstName: 'Anastasie', lastName: 'Quillebœuf', email: `anastasie.${randomUUID()}@example.org` };
    const api = `${base}/api/conferences/${cid}`;
    const as = { ...bearer(ADMIN_TOKEN), 'content-type': 'application/json' };
    const made = await fetch(`${api}/registrations`, {
      method: 'POST',
      headers: as,
      body: JSON.stringify({ ...person, category: 'participant', lunch: false, photoConsent: false }),
    });
    const { registrationId, ticketCode } = (await made.json()) as { registrationId: string; ticketCode: string };
    // What a desk and an organiser do with a name: search it, in every way a client may put it in a URL.
    for (const query of [
      `q=${encodeURIComponent(person.lastName)}`,
      `q=${encodeURIComponent(`${person.firstName} ${person.lastName}`)}&limit=5`,
      `${encodeURIComponent(person.lastName)}`,
      `${encodeURIComponent(person.firstName)}=1`,
      `q=${encodeURIComponent(person.email)}`,
    ]) {
      await fetch(`${api}/attendees?${query}`, { headers: as });
      await fetch(`${api}/registrations?${query}`, { headers: as });
    }
    await fetch(`${api}/tickets/${ticketCode}`, { headers: as });
    await fetch(`${api}/registrations/${registrationId}/export`, { headers: as });
    const erased = await fetch(`${api}/registrations/${registrationId}/erase`, {
      method: 'POST',
      headers: as,
      body: JSON.stringify({ reason: 'demande écrite' }),
    });
    expect(erased.status).toBe(200);
    await lineOf(erased.headers.get('x-correlation-id')!);
    const log = written.join('');
    for (const text of [person.firstName, person.lastName, person.email, ticketCode]) {
      for (const form of new Set([text, encodeURIComponent(text), encodeURIComponent(text).replace(/%20/g, '+')])) {
        expect([form, log.includes(form)]).toEqual([form, false]);
      }
    }
  });

  // Last: it spends the anonymous budget of 127.0.0.1 for the rest of the minute.
  test('a request refused by a rate limit is written at warn', async () => {
    let limited: Response | undefined;
    for (let i = 0; i < 30 && limited === undefined; i += 1) {
      const res = await fetch(`${base}/api/me`);
      if (res.status === 429) limited = res;
    }
    expect(limited?.status).toBe(429);
    const line = await lineOf(limited!.headers.get('x-correlation-id')!);
    expect(line).toMatchObject({ level: 40, res: { statusCode: 429 }, req: { method: 'GET', url: '/api/me' } });
    expect(line.msg).toBe(`GET /api/me 429 ${line.responseTime} ms`);
    expect(line.deviceId).toBeUndefined();
  });
});

describe('the built server’s stdout', () => {
  const MAIN = resolve('dist/apps/server/src/main.js');
  let child: ChildProcess | undefined;
  let dataDir: string;
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('JSON lines when stdout is not a terminal, beside the plain start-up notes and the token printed once', async () => {
    // What is checked is the build: without it this test would check nothing, so it says so and fails.
    if (!existsSync(MAIN)) throw new Error('dist/ is missing: run `npm run build:server` first (npm test does)');
    dataDir = mkdtempSync(join(tmpdir(), 'emargement-stdout-'));
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), EVENT_STORE: 'sqlite' };
    for (const name of ['ADMIN_TOKEN', 'LOG_FORMAT', 'LOG_LEVEL', 'TLS', 'TLS_CERT_FILE', 'TLS_KEY_FILE', 'PUBLIC_URL'])
      delete env[name];
    child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const lines = () => out.split('\n').filter((l) => l !== '');
    const until = (predicate: () => boolean) =>
      new Promise<void>((done, fail) => {
        const check = () => {
          if (predicate()) {
            child!.stdout!.off('data', check);
            child!.off('exit', died);
            done();
          }
        };
        const died = () => fail(new Error(`the server exited:\n${out}`));
        child!.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          check();
        });
        child!.once('exit', died);
        check();
      });
    await until(() => lines().some((l) => l.startsWith('Émargement listening on')));

    // The generated organiser token, printed once for the person starting the server: a plain line, never in JSON.
    const token = lines()
      .find((l) => /^\s+[A-Za-z0-9_-]{40,}$/.test(l))
      ?.trim();
    expect(token).toBeDefined();
    const json = lines().filter((l) => l.startsWith('{'));
    expect(json.length).toBeGreaterThan(0);
    for (const l of json) expect(l).not.toContain(token!);
    expect(json.map((l) => (JSON.parse(l) as { msg: string }).msg)).toContain('Nest application successfully started');

    const res = await fetch(`http://127.0.0.1:${port}/api/me`, { headers: bearer(token!) });
    expect(res.status).toBe(200);
    const id = res.headers.get('x-correlation-id')!;
    await until(() => out.includes(`"id":"${id}"`));
    const line = JSON.parse(lines().find((l) => l.includes(`"id":"${id}"`))!) as LogLine;
    expect(line).toMatchObject({ correlationId: id, role: 'organiser', res: { statusCode: 200 } });
    expect(line.req!.headers.authorization).toBe('[redacted]');
    expect(out.split(token!).length - 1).toBe(1);
  });
});

describe('a stdout that nobody reads', () => {
  const MAIN = resolve('dist/apps/server/src/main.js');
  let child: ChildProcess | undefined;
  let dataDir: string;
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  // Issue 27: the request log was written synchronously, so a pipe whose reader stopped (a log shipper that
  // hung, a terminal paused) filled after ~100 requests and then stopped the server for as long as it stayed full.
  test('never stops the server: 1,000 scans are answered while its log waits or is dropped', async () => {
    if (!existsSync(MAIN)) throw new Error('dist/ is missing: run `npm run build:server` first (npm test does)');
    dataDir = mkdtempSync(join(tmpdir(), 'emargement-stalled-'));
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      EVENT_STORE: 'sqlite',
      ADMIN_TOKEN,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    };
    for (const name of ['TLS', 'TLS_CERT_FILE', 'TLS_KEY_FILE', 'PUBLIC_URL']) delete env[name];
    child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    // Never read: the pipe (and Node's buffer behind it) fills after a few hundred lines.
    child.stdout!.pause();
    const base = `http://127.0.0.1:${port}`;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode})`);
      const ready = await fetch(`${base}/health/ready`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const post = async (path: string, body: unknown, type = 'application/json') => {
      const res = await fetch(`${base}/api${path}`, {
        method: 'POST',
        headers: { ...bearer(ADMIN_TOKEN), 'content-type': type },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const { body: scheduled } = await post('/conferences', { ...conferenceBody, capacity: 2000 });
    const cid = scheduled.conferenceId as string;
    const csv = [
      'first_name,last_name,email,organisation,category,lunch,photo_consent',
      ...Array.from({ length: 1000 }, (_, i) => `Prénom${i},Nom${i},p${i}@example.org,Org,participant,false,false`),
    ].join('\n');
    expect((await post(`/conferences/${cid}/registrations/import`, csv, 'text/csv')).body.created).toBe(1000);
    const ids: string[] = [];
    for (let offset = 0; offset < 1000; offset += 50) {
      const res = await fetch(`${base}/api/conferences/${cid}/registrations?limit=50&offset=${offset}`, {
        headers: bearer(ADMIN_TOKEN),
      });
      const page = (await res.json()) as { items: { registrationId: string }[] };
      ids.push(...page.items.map((i) => i.registrationId));
    }
    expect(ids).toHaveLength(1000);
    let admitted = 0;
    const queue = [...ids];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
          const scan = await post(`/conferences/${cid}/scans`, {
            scanId: randomUUID(),
            registrationId: id,
            door: 'Accueil',
          });
          if (scan.status === 200 && scan.body.result === 'admitted') admitted += 1;
        }
      }),
    );
    expect(admitted).toBe(1000);
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
  }, 120_000);
});
