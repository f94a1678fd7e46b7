import { afterEach, describe, expect, test } from '@jest/globals';
import { CommandRefusedError } from '@emargement/decider';
import { EventStoreDbEventStore, SqliteEventStore, type EventStore } from '@emargement/event-store';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EsdbPeer } from '../../../../test/esdb-peer/peer.js';
import { FAST_BACKOFF } from '../../../../libs/event-store/test/support/esdb-target.js';
import type { AppConfig } from '../config/config.js';
import { Readiness } from '../health/readiness.js';
import { DeviceRegistry } from './device-registry.js';
import type { Principal } from './roles.js';
import { Clock } from '../shared/clock.js';
import { LogFollowers } from '../shared/log-followers.js';

/**
 * Devices on a real store written the way the earlier version wrote it
 * (every device in one `devices` stream): its tokens keep working, its
 * revocations stay, and what happens next goes to `device-<deviceId>`. On a
 * SQLite file, and on the EventStoreDB adapter over gRPC (the test peer): the
 * registry's filtered reads and subscription are the adapters' own.
 */

const sha = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const ADMIN: Principal = { deviceId: 'admin', name: 'Organisation', role: 'organiser', conferenceId: null };
const ADMIN_TOKEN = 'an-organiser-token-of-this-test-0123456789';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'emargement-devices-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** One server instance's registry, started as Nest would start it. */
const instance = async (store: EventStore) => {
  const readiness = new Readiness();
  const registry = new DeviceRegistry(
    store,
    { dataDir: tempDir(), adminToken: ADMIN_TOKEN } as AppConfig,
    readiness,
    new Clock(),
    new LogFollowers(),
  );
  await registry.onModuleInit();
  registry.onApplicationBootstrap();
  cleanups.push(() => registry.onApplicationShutdown());
  return { registry, readiness };
};

const enrolled = (deviceId: string, name: string, token: string) => ({
  id: randomUUID(),
  type: 'DeviceEnrolled',
  data: {
    deviceId,
    name,
    role: 'door',
    conferenceId: null,
    tokenSha256: sha(token),
    enrolledAt: '2026-09-18T07:00:00.000Z',
    enrolledBy: 'admin',
  },
  metadata: {},
});
const revoked = (deviceId: string) => ({
  id: randomUUID(),
  type: 'DeviceRevoked',
  data: { deviceId, revokedAt: '2026-09-18T08:00:00.000Z', revokedBy: 'admin' },
  metadata: {},
});

const ADAPTERS: Record<string, () => Promise<EventStore>> = {
  sqlite: () => Promise.resolve(SqliteEventStore.open(join(tempDir(), 'events.sqlite'))),
  'eventstoredb (test peer)': async () => {
    const peer = await EsdbPeer.start();
    cleanups.push(() => peer.stop());
    return EventStoreDbEventStore.connect(peer.connectionString, { resubscribe: FAST_BACKOFF });
  },
};

describe.each(Object.keys(ADAPTERS))('devices on %s', (adapter) => {
  /** A store as the earlier version left it: A and C enrolled, B enrolled then revoked, all in `devices`. */
  const oldStore = async () => {
    const store = await ADAPTERS[adapter]!();
    cleanups.push(() => store.close());
    const ids = { a: randomUUID(), b: randomUUID(), c: randomUUID() };
    await store.appendToStream(
      'devices',
      [
        enrolled(ids.a, 'Porte A', 'token-a'),
        enrolled(ids.b, 'Porte B', 'token-b'),
        revoked(ids.b),
        enrolled(ids.c, 'Porte C', 'token-c'),
      ],
      { expectedRevision: 'no_stream' },
    );
    return { store, ids };
  };

  const streamTypes = async (store: EventStore, name: string) => {
    try {
      return (await store.readStream(name)).map((e) => e.type);
    } catch {
      return [];
    }
  };

  describe('devices recorded by the earlier version in one `devices` stream', () => {
    test('their tokens keep working and their revocations stay', async () => {
      const { store, ids } = await oldStore();
      const { registry, readiness } = await instance(store);
      expect(await registry.authenticate('token-a')).toMatchObject({ deviceId: ids.a, name: 'Porte A', role: 'door' });
      expect(await registry.authenticate('token-b')).toBeNull();
      expect(await registry.authenticate(ADMIN_TOKEN)).toMatchObject({ deviceId: 'admin', role: 'organiser' });
      const list = await registry.list();
      expect(list.map((d) => [d.name, d.revokedAt]).sort()).toEqual([
        ['Porte A', null],
        ['Porte B', '2026-09-18T08:00:00.000Z'],
        ['Porte C', null],
      ]);
      expect(readiness.evaluate()).toEqual([{ name: 'devices', state: expect.anything() }]);
    });

    test('a revocation goes to the device’s own stream, takes effect at once, and reaches another instance', async () => {
      const { store, ids } = await oldStore();
      const a = await instance(store);
      const b = await instance(store);
      expect(await b.registry.authenticate('token-a')).not.toBeNull();
      const seenByB = new Promise<string>((resolve) => b.registry.onRevoked(resolve));

      const view = await a.registry.revoke(ids.a, ADMIN, {});
      expect(view).toMatchObject({ deviceId: ids.a, revokedBy: 'admin', revokedAt: expect.any(String) });
      expect(await a.registry.authenticate('token-a')).toBeNull();
      expect(await streamTypes(store, `device-${ids.a}`)).toEqual(['DeviceRevoked']);
      expect(await streamTypes(store, 'devices')).toEqual([
        'DeviceEnrolled',
        'DeviceEnrolled',
        'DeviceRevoked',
        'DeviceEnrolled',
      ]);

      // B hears of it through the store's subscription alone (it is asked nothing in between).
      expect(await seenByB).toBe(ids.a);
      expect(b.readiness.evaluate()[0]?.state).toMatchObject({ ready: true });
      expect(await b.registry.authenticate('token-a')).toBeNull();

      // Again: nothing written, the first revocation stands.
      expect((await a.registry.revoke(ids.a, ADMIN, {})).revokedAt).toBe(view.revokedAt);
      // A device revoked in the old stream is revoked for the decider too.
      expect((await a.registry.revoke(ids.b, ADMIN, {})).revokedAt).toBe('2026-09-18T08:00:00.000Z');
      expect(await streamTypes(store, `device-${ids.a}`)).toEqual(['DeviceRevoked']);
      expect(await streamTypes(store, `device-${ids.b}`)).toEqual([]);
    });

    test('an unknown device is refused device_not_found by the decider, and nothing is written', async () => {
      const { store } = await oldStore();
      const { registry } = await instance(store);
      const before = (await store.readAll()).length;
      const unknown = randomUUID();
      await expect(registry.revoke(unknown, ADMIN, {})).rejects.toMatchObject({
        constructor: CommandRefusedError,
        reason: 'device_not_found',
      });
      expect((await store.readAll()).length).toBe(before);
    });

    test('a new enrolment has its own stream; another instance and a restart know every device', async () => {
      const { store, ids } = await oldStore();
      const a = await instance(store);
      const b = await instance(store);
      const { device, token } = await a.registry.enrol(
        { name: 'Tablette', role: 'kiosk', conferenceId: null },
        ADMIN,
        {},
      );
      expect(await streamTypes(store, `device-${device.deviceId}`)).toEqual(['DeviceEnrolled']);
      expect(await streamTypes(store, 'devices')).toHaveLength(4);
      // B may not have heard of it yet: an unknown token makes it read the store.
      expect(await b.registry.authenticate(token)).toMatchObject({ deviceId: device.deviceId, role: 'kiosk' });
      await a.registry.revoke(ids.c, ADMIN, {});

      // A stream whose name only looks like the old one is not a device stream.
      await store.appendToStream('devicesx', [enrolled(randomUUID(), 'Intrus', 'token-x')]);

      const restarted = await instance(store);
      expect(await restarted.registry.authenticate(token)).not.toBeNull();
      expect(await restarted.registry.authenticate('token-a')).not.toBeNull();
      expect(await restarted.registry.authenticate('token-b')).toBeNull();
      expect(await restarted.registry.authenticate('token-c')).toBeNull();
      expect(await restarted.registry.authenticate('token-x')).toBeNull();
      expect((await restarted.registry.list()).map((d) => d.name).sort()).toEqual([
        'Porte A',
        'Porte B',
        'Porte C',
        'Tablette',
      ]);
    });
  });
});
