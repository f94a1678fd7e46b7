// Ticket codes are sealed with the person's other data since issue 21 (item 12), and the log keeps their
// SHA-256 in clear for the door. A store written before (its registrations' codes in clear beside the
// person's envelope, or wholly in clear as before ADR 007, and no digest) must keep working: its tickets
// are scanned by their codes, an erased person's ticket is still refused `cancelled`, and what is recorded
// from now on holds no code in clear. The old events are written as the old server wrote them, through
// the same sealing decorator with the old rules, into the real store (SQLite file, or the EventStoreDB
// peer), then the server starts on it.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { conferenceStream, ticketSha256 } from '@emargement/conference';
import { EventStoreDbEventStore, SqliteEventStore, type EventStore } from '@emargement/event-store';
import { PERSONAL_DATA_RULES, personalDataTable, ProtectedEventStore, SqliteKeyStore } from '@emargement/privacy';
import { APP_CONFIG } from '../apps/server/src/config/config.module.js';
import type { AppConfig } from '../apps/server/src/config/config.js';
import { conferenceBody, expectStatus, personBody } from './support/data.js';
import { call, startTestServer, type TestServer } from './support/server.js';

/** The rules as they were: names and address sealed, the ticket code left in clear. */
const RULES_BEFORE = personalDataTable(PERSONAL_DATA_RULES.map((rule) => ({ ...rule, dataFields: [] })));

const rawStore = (config: AppConfig): EventStore =>
  config.eventStore === 'eventstoredb'
    ? EventStoreDbEventStore.connect(config.eventStoreConnectionString!)
    : SqliteEventStore.open(join(config.dataDir, 'events.sqlite'));

describe('a store written before ticket codes were sealed', () => {
  let server: TestServer;
  let api: string;
  let cid: string;
  const sealedBefore = { registrationId: randomUUID(), ticketCode: `OLD${randomUUID().replaceAll('-', '')}` };
  const clearBefore = { registrationId: randomUUID(), ticketCode: `OLDER${randomUUID().replaceAll('-', '')}` };

  const legacyRegistration = (who: { registrationId: string; ticketCode: string }, lastName: string) => ({
    id: randomUUID(),
    type: 'PersonRegistered',
    data: {
      conferenceId: cid,
      registrationId: who.registrationId,
      ticketCode: who.ticketCode,
      person: { firstName: 'Ancienne', lastName, email: `${lastName.toLowerCase()}@example.org`, organisation: 'PTCE' },
      category: 'participant',
      lunch: false,
      photoConsent: false,
      source: 'import',
      registeredAt: '2014-09-01T10:00:00+02:00',
    },
  });

  const scan = async (ticketCode: string) =>
    expectStatus(
      await call(api, 'POST', `/conferences/${cid}/scans`, {
        scanId: randomUUID(),
        ticketCode,
        door: 'Accueil principal',
        idCheck: { document: 'passport', nameMatches: true },
      }),
      200,
    ) as { result: string; reason?: string; attendee?: { registrationId: string } };

  beforeAll(async () => {
    const first = await startTestServer();
    api = `${first.base}/api`;
    ({ conferenceId: cid } = expectStatus(await call(api, 'POST', '/conferences', conferenceBody()), 201) as {
      conferenceId: string;
    });
    const config = first.app.get<AppConfig>(APP_CONFIG);
    const stopped = await first.stop();
    // As the server before this change wrote them: one registration sealed by the old rules, one from before
    // any sealing (no envelope at all), neither with a digest.
    const keys = SqliteKeyStore.open(join(config.dataDir, 'keys.sqlite'));
    const inner = rawStore(config);
    const old = new ProtectedEventStore(inner, keys, { personalData: RULES_BEFORE });
    try {
      await old.appendToStream(conferenceStream(cid), [legacyRegistration(sealedBefore, 'Scellee')], {
        expectedRevision: 'any',
      });
      await inner.appendToStream(conferenceStream(cid), [legacyRegistration(clearBefore, 'Enclair')], {
        expectedRevision: 'any',
      });
    } finally {
      await old.close();
    }
    server = await stopped.start();
    api = `${server.base}/api`;
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  test('its tickets are found and admitted by their codes', async () => {
    for (const who of [sealedBefore, clearBefore]) {
      expect(await scan(who.ticketCode)).toMatchObject({
        result: 'admitted',
        attendee: { registrationId: who.registrationId },
      });
    }
  });

  test('an erased person’s old ticket is still refused as cancelled, after a restart too', async () => {
    expectStatus(
      await call(api, 'POST', `/conferences/${cid}/registrations/${sealedBefore.registrationId}/erase`, {
        reason: 'demande écrite',
      }),
      200,
    );
    expect(await scan(sealedBefore.ticketCode)).toMatchObject({ result: 'refused', reason: 'cancelled' });
    server = await server.restart();
    api = `${server.base}/api`;
    expect(await scan(sealedBefore.ticketCode)).toMatchObject({ result: 'refused', reason: 'cancelled' });
  });

  test('a registration recorded now holds its digest and no code in clear', async () => {
    const { ticketCode } = expectStatus(
      await call(api, 'POST', `/conferences/${cid}/registrations`, personBody({ lastName: 'Nouvelle' })),
      201,
    ) as { ticketCode: string };
    const store = rawStore(server.app.get<AppConfig>(APP_CONFIG));
    try {
      const raw = JSON.stringify((await store.readStream(conferenceStream(cid))).map((e) => e.data));
      expect(raw.includes(ticketCode)).toBe(false);
      expect(raw).toContain(ticketSha256(ticketCode));
    } finally {
      await store.close();
    }
    expect(await scan(ticketCode)).toMatchObject({ result: 'admitted' });
  });
});
