// Two server instances on one event store and one personal-key store: the
// shape of a deployment behind a load balancer (ARCHITECTURE.md « Several
// instances »). The store is the EventStoreDB test peer (or the server in
// EVENTSTORE_CONNECTION_STRING, when one is given), the keys are in a private
// PostgreSQL (test/support/postgres.ts). Each instance has its own DATA_DIR.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { createApp } from '../apps/server/src/app.js';
import { ConfigError, loadConfig } from '../apps/server/src/config/config.js';
import { EsdbPeer } from './esdb-peer/peer.js';
import { startPostgres, type TestPostgres } from './support/postgres.js';
import { conferenceBody, expectStatus, personBody } from './support/data.js';
import { bearer, call, startTestServer, type TestServer } from './support/server.js';

const ID_OK = { document: 'passport', nameMatches: true };

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
  let pg: TestPostgres;
  let a: TestServer;
  let b: TestServer;
  let env: Record<string, string>;
  let cid: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    pg = await startPostgres();
    const given = process.env.EVENTSTORE_CONNECTION_STRING?.trim();
    if (!given) peer = await EsdbPeer.start();
    env = {
      EVENT_STORE: 'eventstoredb',
      EVENTSTORE_CONNECTION_STRING: given || peer!.connectionString,
      PERSONAL_KEYS_URL: pg.url,
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
    for (const s of scans.filter((x) => x.body.result !== 'admitted')) {
      expect(s.body).toMatchObject({ result: 'refused', reason: 'already_checked_in' });
    }
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
});
