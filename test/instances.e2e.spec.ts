// Two server instances on one event store and one personal-key store: the
// shape of a deployment behind a load balancer (ARCHITECTURE.md « Several
// instances »). The store is the EventStoreDB test peer (or the server in
// EVENTSTORE_CONNECTION_STRING, when one is given), the keys are in a private
// PostgreSQL (test/support/postgres.ts). Each instance has its own DATA_DIR.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { createApp } from '../apps/server/src/app.js';
import { ConfigError, loadConfig } from '../apps/server/src/config/config.js';
import { EsdbPeer } from './esdb-peer/peer.js';
import { startNginx, type TestNginx } from './support/nginx.js';
import { startPostgres, type TestPostgres } from './support/postgres.js';
import { conferenceBody, expectStatus, personBody } from './support/data.js';
import { bearer, call, startTestServer, type TestServer } from './support/server.js';

const ID_OK = { document: 'passport', nameMatches: true };
/** A real EventStoreDB given to the run: the test peer's leader change cannot be acted on it. */
const GIVEN_STORE = process.env.EVENTSTORE_CONNECTION_STRING?.trim() || undefined;

interface Snapshot {
  present: number;
}

/** The attendance feed of `base` for `token`, resolved once its first snapshot arrived; `until` waits for an update. */
async function feed(
  base: string,
  token: string,
  conferenceId: string,
  sockets: Socket[],
): Promise<{ socket: Socket; until(what: string, check: (s: Snapshot) => boolean): Promise<Snapshot> }> {
  const socket = io(`${base}/attendance`, {
    auth: { token, conferenceId },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  sockets.push(socket);
  const seen: Snapshot[] = [];
  let waiters: (() => void)[] = [];
  const receive = (s: Snapshot): void => {
    seen.push(s);
    const woken = waiters;
    waiters = [];
    for (const w of woken) w();
  };
  socket.on('update', receive);
  await new Promise<void>((resolve, reject) => {
    socket.once('snapshot', (s: Snapshot) => {
      receive(s);
      resolve();
    });
    socket.once('connect_error', reject);
  });
  return {
    socket,
    until: (what, check) =>
      new Promise<Snapshot>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${what}: no such snapshot within 5000 ms, last ${JSON.stringify(seen.at(-1))}`)),
          5000,
        );
        const look = (): void => {
          const hit = seen.find(check);
          if (hit) {
            clearTimeout(timer);
            resolve(hit);
          } else waiters.push(look);
        };
        look();
      }),
  };
}

/** The heap tuples of `personal_keys` (live or dead, as pageinspect reads the pages) holding `needle`. */
async function tuplesHolding(pg: TestPostgres, needle: Buffer): Promise<number> {
  await pg.query('CREATE EXTENSION IF NOT EXISTS pageinspect');
  const { rows } = await pg.query<{ n: string }>(
    `SELECT count(*) AS n
       FROM generate_series(0, pg_relation_size('personal_keys') / current_setting('block_size')::int - 1) AS blk,
            LATERAL heap_page_items(get_raw_page('personal_keys', blk::int)) AS item
      WHERE item.t_data IS NOT NULL AND position($1::bytea IN item.t_data) > 0`,
    [needle],
  );
  return Number(rows[0]!.n);
}

/** Every file under `dir` whose bytes hold `needle`. */
function filesContaining(dir: string, needle: Buffer): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile() && readFileSync(path).includes(needle));
}

/** A GET sent from a given local address (any of 127.0.0.0/8 is this machine): the status only. */
function statusFrom(localAddress: string, url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress, headers }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end();
  });
}

/** Asks again until `check` holds (what is awaited is another instance's subscription), for at most `ms`. */
async function eventually<T>(what: string, ms: number, probe: () => Promise<T>, check: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms, last ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('two instances on one store and one key database', () => {
  let peer: EsdbPeer | undefined;
  /** The next leader: a second test peer on the same store (failover). */
  let node2: EsdbPeer | undefined;
  let pg: TestPostgres;
  let a: TestServer;
  let b: TestServer;
  let env: Record<string, string>;
  let cid: string;
  const sockets: Socket[] = [];
  /** Admissions made in the conference so far, by every test of this file: what every feed must come to show. */
  let admissions = 0;

  beforeAll(async () => {
    pg = await startPostgres();
    if (!GIVEN_STORE) {
      peer = await EsdbPeer.start();
      node2 = await EsdbPeer.start({ store: peer.store });
    }
    env = {
      EVENT_STORE: 'eventstoredb',
      EVENTSTORE_CONNECTION_STRING: GIVEN_STORE ?? peer!.connectionString,
      PERSONAL_KEYS_URL: pg.url,
      // Both sit behind nginx in the last tests; a direct request (no X-Forwarded-For) is keyed on its socket.
      TRUST_PROXY: 'true',
    };
    [a, b] = await Promise.all([startTestServer(env), startTestServer(env)]);
    const created = expectStatus(await call(`${a.base}/api`, 'POST', '/conferences', conferenceBody()), 201) as {
      conferenceId: string;
    };
    cid = created.conferenceId;
  }, 120_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.allSettled([a?.close(), b?.close()]);
    await peer?.stop();
    await node2?.stop();
    await pg?.stop();
  }, 60_000);

  test('both are ready: the devices subscription caught up and the key store answers', async () => {
    for (const server of [a, b]) {
      const ready = await call(server.base, 'GET', '/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.checks.devices).toMatchObject({ caughtUp: true });
    }
  });

  test('a person registered on A is found by name on B', async () => {
    const lastName = `Quillebœuf${randomUUID().slice(0, 6)}`;
    const reg = expectStatus(
      await call(`${a.base}/api`, 'POST', `/conferences/${cid}/registrations`, personBody({ lastName })),
      201,
    ) as { registrationId: string; ticketCode: string };
    const found = await eventually(
      'the search on B',
      5000,
      () => call(`${b.base}/api`, 'GET', `/conferences/${cid}/attendees?q=${encodeURIComponent(lastName)}`),
      (res) => res.status === 200 && JSON.stringify(res.body).includes(reg.registrationId),
    );
    expect(JSON.stringify(found.body)).toContain(lastName);
    const ticket = expectStatus(
      await call(`${b.base}/api`, 'GET', `/conferences/${cid}/tickets/${reg.ticketCode}`),
      200,
    );
    expect(ticket).toMatchObject({ attendee: { lastName } });
  });

  test('racing scans of one ticket split between A and B admit exactly one', async () => {
    const reg = expectStatus(
      await call(`${b.base}/api`, 'POST', `/conferences/${cid}/registrations`, personBody()),
      201,
    ) as { ticketCode: string };
    const scans = await Promise.all(
      [a, b, a, b, a, b].map((server, i) =>
        call(`${server.base}/api`, 'POST', `/conferences/${cid}/scans`, {
          scanId: randomUUID(),
          ticketCode: reg.ticketCode,
          door: i % 2 === 0 ? 'Accueil principal' : 'Accueil presse',
          idCheck: ID_OK,
        }),
      ),
    );
    expect(scans.map((s) => s.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const admitted = scans.filter((s) => s.body.result === 'admitted');
    expect(admitted).toHaveLength(1);
    admissions += 1;
    for (const s of scans.filter((x) => x.body.result !== 'admitted')) {
      expect(s.body).toMatchObject({ result: 'refused', reason: 'already_checked_in' });
    }
  });

  test("B's live feed shows A's admissions", async () => {
    const display = expectStatus(
      await call(`${a.base}/api`, 'POST', '/devices', { name: 'Écran B', role: 'display' }),
      201,
    ) as { token: string };
    const onB = await feed(b.base, display.token, cid, sockets);
    const reg = expectStatus(
      await call(`${a.base}/api`, 'POST', `/conferences/${cid}/registrations`, personBody()),
      201,
    ) as { ticketCode: string };
    const scan = await call(`${a.base}/api`, 'POST', `/conferences/${cid}/scans`, {
      scanId: randomUUID(),
      ticketCode: reg.ticketCode,
      door: 'Accueil principal',
      idCheck: ID_OK,
    });
    expect(scan.body.result).toBe('admitted');
    admissions += 1;
    await onB.until('B counting the admission made on A', (s) => s.present === admissions);
    onB.socket.close();
  });

  test('a device revoked on A is refused by B, and its socket on B closed, within a second', async () => {
    const display = expectStatus(
      await call(`${a.base}/api`, 'POST', '/devices', { name: 'Grand écran', role: 'display' }),
      201,
    ) as { token: string; deviceId: string };
    // B knows the device enrolled on A.
    expect((await call(`${b.base}/api`, 'GET', '/me', undefined, bearer(display.token))).status).toBe(200);
    const socket = io(`${b.base}/attendance`, {
      auth: { token: display.token, conferenceId: cid },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('snapshot', () => resolve());
      socket.once('connect_error', reject);
    });
    const closed = new Promise<number>((resolve) => socket.once('disconnect', () => resolve(Date.now())));

    expectStatus(await call(`${a.base}/api`, 'DELETE', `/devices/${display.deviceId}`), 200);
    const revokedAt = Date.now();
    const refused = await eventually(
      'B refusing the revoked token',
      1000,
      () => call(`${b.base}/api`, 'GET', '/me', undefined, bearer(display.token)),
      (res) => res.status === 401,
    );
    expect(refused.status).toBe(401);
    const disconnectedAt = await Promise.race([
      closed,
      new Promise<number>((_, reject) => setTimeout(() => reject(new Error('B kept the socket open')), 1000)),
    ]);
    expect(disconnectedAt - revokedAt).toBeLessThan(1000);
  });

  test('a person erased on A is unreadable on B', async () => {
    const firstName = `Zéphyrine${randomUUID().slice(0, 6)}`;
    const reg = expectStatus(
      await call(`${a.base}/api`, 'POST', `/conferences/${cid}/registrations`, personBody({ firstName })),
      201,
    ) as { registrationId: string; ticketCode: string };
    const exportOnB = () =>
      call(`${b.base}/api`, 'GET', `/conferences/${cid}/registrations/${reg.registrationId}/export`);
    // B reads the name first (and has used the key) ...
    const before = await eventually('the export on B', 5000, exportOnB, (res) => res.status === 200);
    expect(before.body.registration.person).toMatchObject({ firstName });
    const [{ key }] = (
      await pg.query<{ key: Buffer }>('SELECT key FROM personal_keys WHERE subject = $1', [reg.registrationId])
    ).rows as [{ key: Buffer }];
    expect(await tuplesHolding(pg, key)).toBe(1);

    expectStatus(
      await call(`${a.base}/api`, 'POST', `/conferences/${cid}/registrations/${reg.registrationId}/erase`, {
        reason: 'demande écrite',
      }),
      200,
    );
    // ... and from the erasure on, B reads it erased straight from the store: no key is left anywhere.
    const after = expectStatus(await exportOnB(), 200) as { registration: { person: Record<string, unknown> } };
    expect(after.registration.person).toMatchObject({ firstName: '', lastName: '', email: '', erased: true });
    expect(JSON.stringify(after)).not.toContain(firstName);
    const { rows } = await pg.query<{ key: Buffer | null }>('SELECT key FROM personal_keys WHERE subject = $1', [
      reg.registrationId,
    ]);
    expect(rows).toEqual([{ key: null }]);
    // Nor in the table's pages (the erasure's VACUUM), nor in any file of either instance.
    expect(await tuplesHolding(pg, key)).toBe(0);
    for (const dir of [a.dataDir, b.dataDir]) {
      expect(filesContaining(dir, key)).toEqual([]);
      expect(filesContaining(dir, Buffer.from(firstName, 'utf8'))).toEqual([]);
    }
    // B's read models mask the person once the erasure event reaches them.
    for (const path of [
      `/conferences/${cid}/attendees?q=${encodeURIComponent(firstName)}`,
      `/conferences/${cid}/tickets/${reg.ticketCode}`,
      `/conferences/${cid}/registrations`,
    ]) {
      await eventually(
        `B forgetting the name in ${path}`,
        5000,
        () => call(`${b.base}/api`, 'GET', path),
        (res) => res.status === 200 && !JSON.stringify(res.body).includes(firstName),
      );
    }
  });

  describe('behind nginx', () => {
    let nginx: TestNginx;
    let api: string;
    beforeAll(async () => {
      nginx = await startNginx([a, b].map((server) => new URL(server.base).host));
      api = `${nginx.base}/api`;
    }, 30_000);
    afterAll(() => nginx?.stop());

    test('the door works through it, whichever instance answers', async () => {
      const door = expectStatus(
        await call(api, 'POST', '/devices', { name: 'Porte nginx', role: 'door', conferenceId: cid }),
        201,
      ) as { token: string };
      for (let i = 0; i < 4; i++) {
        const reg = expectStatus(
          await call(api, 'POST', `/conferences/${cid}/registrations`, personBody({ lastName: `Proxy${i}` })),
          201,
        ) as { ticketCode: string };
        // The ticket registered through one instance is read and admitted through the next.
        const preview = await call(
          api,
          'GET',
          `/conferences/${cid}/tickets/${reg.ticketCode}`,
          undefined,
          bearer(door.token),
        );
        expect([preview.status, preview.body.attendee?.lastName]).toEqual([200, `Proxy${i}`]);
        const scan = await call(
          api,
          'POST',
          `/conferences/${cid}/scans`,
          { scanId: randomUUID(), ticketCode: reg.ticketCode, door: 'Accueil principal', idCheck: ID_OK },
          bearer(door.token),
        );
        expect([scan.status, scan.body.result]).toEqual([200, 'admitted']);
        admissions += 1;
      }
      const dataset = await call(api, 'GET', `/conferences/${cid}/door-dataset`, undefined, bearer(door.token));
      expect(dataset.status).toBe(200);
    });

    test("the attendance feed over a WebSocket through it follows every instance's admissions", async () => {
      const display = expectStatus(
        await call(api, 'POST', '/devices', { name: 'Écran nginx', role: 'display' }),
        201,
      ) as { token: string };
      const live = await feed(nginx.base, display.token, cid, sockets);
      expect(live.socket.io.engine.transport.name).toBe('websocket');
      for (const server of [a, b]) {
        const reg = expectStatus(
          await call(`${server.base}/api`, 'POST', `/conferences/${cid}/registrations`, personBody()),
          201,
        ) as { ticketCode: string };
        const scan = await call(`${server.base}/api`, 'POST', `/conferences/${cid}/scans`, {
          scanId: randomUUID(),
          ticketCode: reg.ticketCode,
          door: 'Accueil presse',
          idCheck: ID_OK,
        });
        expect(scan.body.result).toBe('admitted');
        admissions += 1;
        await live.until(`the feed through nginx counting ${admissions}`, (snap) => snap.present === admissions);
      }
      live.socket.close();
    });

    test('TRUST_PROXY: failed authentications are counted per client address behind the proxy, per instance', async () => {
      const bogus = { authorization: 'Bearer not-a-token-of-anyone-0123456789' };
      const url = `${api}/me`;
      // nginx alternates between A and B, each counting its own failures
      // (AUTH_FAILURES_PER_MINUTE, 30 by default): one client at 127.0.0.2
      // is refused 429 by both after about twice that.
      const statuses: number[] = [];
      for (let i = 0; i < 100 && statuses.slice(-2).join() !== '429,429'; i++) {
        statuses.push(await statusFrom('127.0.0.2', url, bogus));
      }
      expect(statuses.slice(-2)).toEqual([429, 429]);
      expect(statuses.filter((st) => st === 401).length).toBeGreaterThanOrEqual(30);
      // Another client behind the same proxy is not: the address is X-Forwarded-For's, not nginx's.
      expect(await statusFrom('127.0.0.3', url, bogus)).toBe(401);
      expect(await statusFrom('127.0.0.3', url, bogus)).toBe(401);
    });
  });

  test('a key database that refuses stops the start, naming PERSONAL_KEYS_URL', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'emargement-e2e-badkeys-'));
    for (const url of [
      pg.url.replace('emargement-test-password', 'wrong-password'),
      `postgres://emargement:x@127.0.0.1:1/emargement`,
    ]) {
      const config = loadConfig({ ...env, DATA_DIR: dataDir, PORT: '0', PERSONAL_KEYS_URL: url });
      const started = createApp(config, { logger: false });
      await expect(started).rejects.toBeInstanceOf(ConfigError);
      await expect(started).rejects.toMatchObject({ variable: 'PERSONAL_KEYS_URL' });
      await expect(started).rejects.not.toThrow(/wrong-password/);
    }
    rmSync(dataDir, { recursive: true, force: true });
    expect(() => loadConfig({ PERSONAL_KEYS_URL: 'mysql://x@y/z' })).toThrow(/PERSONAL_KEYS_URL/);
  });
  // Last: from here on the store's leader is node 2.
  (GIVEN_STORE ? test.todo : test)(
    'a leader change in the middle of a scan burst on both instances loses no acknowledged scan and admits each ticket once',
    async () => {
      const tickets: { registrationId: string; ticketCode: string }[] = [];
      for (let i = 0; i < 10; i++) {
        tickets.push(
          expectStatus(
            await call(
              `${a.base}/api`,
              'POST',
              `/conferences/${cid}/registrations`,
              personBody({ lastName: `Bascule${i}` }),
            ),
            201,
          ) as { registrationId: string; ticketCode: string },
        );
      }
      const display = expectStatus(
        await call(`${a.base}/api`, 'POST', '/devices', { name: 'Écran bascule', role: 'display' }),
        201,
      ) as { token: string; deviceId: string };
      const door = expectStatus(
        await call(`${a.base}/api`, 'POST', '/devices', { name: 'Porte bascule', role: 'door' }),
        201,
      ) as { token: string; deviceId: string };
      const onB = await feed(b.base, display.token, cid, sockets);
      // The next append is written, its answer lost; then node 1 names node 2 as the leader and drops every connection.
      peer!.handOver({ host: '127.0.0.1', port: node2!.port }, { afterNextAppend: true });
      const scans = await Promise.all(
        tickets.flatMap((t) =>
          [a, b].map(async (server) => {
            const scanId = randomUUID();
            const res = await call(`${server.base}/api`, 'POST', `/conferences/${cid}/scans`, {
              scanId,
              ticketCode: t.ticketCode,
              door: 'Accueil principal',
              idCheck: ID_OK,
            });
            return { ticket: t, scanId, res };
          }),
        ),
      );
      expect(peer!.isLeader).toBe(false);
      // Every scan was answered (the adapter sent the lost append again), each ticket admitted once.
      expect(scans.map((s) => s.res.status)).toEqual(scans.map(() => 200));
      for (const t of tickets) {
        const mine = scans.filter((s) => s.ticket === t);
        const acknowledged = mine.filter((s) => s.res.body.result === 'admitted');
        expect(acknowledged).toHaveLength(1);
        const exported = expectStatus(
          await call(`${b.base}/api`, 'GET', `/conferences/${cid}/registrations/${t.registrationId}/export`),
          200,
        ) as { scans: { type: string; data: { scanId: string } }[] };
        const stored = exported.scans.filter((e) => e.type === 'AttendeeAdmitted');
        expect(stored.map((e) => e.data.scanId)).toEqual([acknowledged[0]!.scanId]);
      }
      // Both instances work on through the new leader, and their subscriptions followed it.
      const late = expectStatus(
        await call(`${b.base}/api`, 'POST', `/conferences/${cid}/registrations`, personBody()),
        201,
      ) as { ticketCode: string };
      const scan = await call(`${a.base}/api`, 'POST', `/conferences/${cid}/scans`, {
        scanId: randomUUID(),
        ticketCode: late.ticketCode,
        door: 'Accueil presse',
        idCheck: ID_OK,
      });
      expect(scan.body.result).toBe('admitted');
      admissions += tickets.length + 1;
      expect(node2!.calls.append + node2!.calls.batchAppend).toBeGreaterThan(0);
      // B's projection resumed from its position on the new leader: every admission counted once.
      await onB.until(`B's feed counting ${admissions} after the change`, (snap) => snap.present === admissions);
      // B's device list resumed too: a revocation on A after the change is refused by B within a second.
      expect((await call(`${b.base}/api`, 'GET', '/me', undefined, bearer(door.token))).status).toBe(200);
      expectStatus(await call(`${a.base}/api`, 'DELETE', `/devices/${door.deviceId}`), 200);
      await eventually(
        'B refusing a token revoked on A after the change',
        1000,
        () => call(`${b.base}/api`, 'GET', '/me', undefined, bearer(door.token)),
        (res) => res.status === 401,
      );
    },
    60_000,
  );
  // Last: stops the key database.
  test('without its key database an instance is not ready (503 key_store_unavailable), and says so', async () => {
    expect((await call(a.base, 'GET', '/health/ready')).status).toBe(200);
    await pg.stop();
    for (const server of [a, b]) {
      const ready = await call(server.base, 'GET', '/health/ready');
      expect([ready.status, ready.body.code]).toEqual([503, 'key_store_unavailable']);
    }
    expect((await call(a.base, 'GET', '/health/live')).status).toBe(200);
  });
});
