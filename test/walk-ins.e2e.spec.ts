// Walk-ins over real HTTP, on a real store (issue 22, item 5): the organisers'
// « accept beyond capacity » rule as an event, a door's request beyond the
// capacity refused and recorded without it and recorded as such with it
// (who, which device), and the ticket code a door drew offline accepted once.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { EventStore } from '../libs/event-store/src/index.js';
import { EVENT_STORE } from '../apps/server/src/event-store/event-store.module.js';
import { call, startTestServer, type TestServer, ADMIN_TOKEN } from './support/server.js';

const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe('walk-ins over HTTP', () => {
  let server: TestServer;
  let conferenceId: string;
  let doorAuth: Record<string, string>;
  let doorDeviceId: string;

  const walkIn = (overrides: Record<string, unknown> = {}) =>
    call<Record<string, unknown>>(
      server.base,
      'POST',
      `/api/conferences/${conferenceId}/registrations`,
      {
        registrationId: randomUUID(),
        firstName: 'Sur',
        lastName: 'Place',
        category: 'participant',
        lunch: false,
        photoConsent: false,
        ...overrides,
      },
      doorAuth,
    );

  const conferenceEvents = async () => {
    const store = server.app.get<EventStore>(EVENT_STORE);
    return (
      await store.readAll({ filter: { filterOn: 'eventType', prefixes: ['WalkIn', 'PersonRegistered'] } })
    ).filter((e) => (e.data as { conferenceId: string }).conferenceId === conferenceId);
  };

  beforeAll(async () => {
    server = await startTestServer();
    const created = await call<{ conferenceId: string }>(
      server.base,
      'POST',
      '/api/conferences',
      {
        name: 'Journée test',
        venue: 'Bercy',
        startsAt: '2014-09-19T09:30:00+02:00',
        endsAt: '2014-09-19T16:30:00+02:00',
        timezone: 'Europe/Paris',
        capacity: 1,
        idCheckRequired: false,
        doors: ['Accueil principal'],
      },
      admin,
    );
    conferenceId = created.body.conferenceId;
    const device = await call<{ deviceId: string; token: string }>(
      server.base,
      'POST',
      '/api/devices',
      { name: 'Porte A', role: 'door', conferenceId },
      admin,
    );
    doorAuth = { Authorization: `Bearer ${device.body.token}` };
    doorDeviceId = device.body.deviceId;
    expect((await walkIn({ lastName: 'Première' })).body).toMatchObject({ status: 'registered' });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  test('full, without the setting: a request beyond the capacity is refused with a stable code, and recorded', async () => {
    const registrationId = randomUUID();
    const res = await walkIn({ registrationId, beyondCapacity: true });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'beyond_capacity_not_allowed', registrationId });
    // A retry (the answer was lost) is answered the same and records nothing more.
    const again = await walkIn({ registrationId, beyondCapacity: true });
    expect(again).toMatchObject({ status: 409, body: { code: 'beyond_capacity_not_allowed' } });
    const refusals = (await conferenceEvents()).filter((e) => e.type === 'WalkInRefused');
    expect(refusals).toHaveLength(1);
    const refused = refusals[0];
    expect(refused?.data).toMatchObject({ registrationId, reason: 'beyond_capacity_not_allowed' });
    expect(refused?.metadata).toMatchObject({ deviceId: doorDeviceId });
    // Nothing else changed: no registration under that id.
    const list = await call<{ items: { registrationId: string }[] }>(
      server.base,
      'GET',
      `/api/conferences/${conferenceId}/registrations`,
      undefined,
      admin,
    );
    expect(list.body.items.map((r) => r.registrationId)).not.toContain(registrationId);
  });

  test('only organisers set the rule, and setting it is an event', async () => {
    const path = `/api/conferences/${conferenceId}/walk-in-policy`;
    expect((await call(server.base, 'PUT', path, { beyondCapacity: true }, doorAuth)).status).toBe(403);
    expect((await call(server.base, 'PUT', path, { beyondCapacity: 'yes' }, admin)).status).toBe(400);
    const set = await call(server.base, 'PUT', path, { beyondCapacity: true }, admin);
    expect(set).toMatchObject({ status: 200, body: { conferenceId, beyondCapacity: true } });
    // The same again writes nothing new.
    await call(server.base, 'PUT', path, { beyondCapacity: true }, admin);
    expect((await conferenceEvents()).filter((e) => e.type === 'WalkInPolicySet')).toHaveLength(1);
    const conference = await call(server.base, 'GET', `/api/conferences/${conferenceId}`, undefined, doorAuth);
    expect(conference.body).toMatchObject({ capacity: 1, walkIns: { beyondCapacity: true } });
    const list = await call(server.base, 'GET', `/api/conferences/${conferenceId}/door-dataset`, undefined, doorAuth);
    expect(list.body).toMatchObject({ conference: { capacity: 1, walkIns: { beyondCapacity: true } } });
  });

  test('full, with the setting: the door’s choice registers the person beyond the capacity, recorded with its device', async () => {
    const registrationId = randomUUID();
    const res = await walkIn({ registrationId, lastName: 'Au-delà', beyondCapacity: true });
    expect(res).toMatchObject({ status: 201, body: { registrationId, status: 'registered', beyondCapacity: true } });
    const registered = (await conferenceEvents()).find(
      (e) => e.type === 'PersonRegistered' && (e.data as { registrationId: string }).registrationId === registrationId,
    );
    expect(registered?.data).toMatchObject({ source: 'walk_in', beyondCapacity: true });
    expect(registered?.metadata).toMatchObject({ deviceId: doorDeviceId });
    // Without the choice, the next one still waits: the capacity was not raised.
    expect((await walkIn({ lastName: 'Suivant' })).body).toMatchObject({ status: 'waitlisted' });
  });

  test('a ticket code drawn by a door is kept, a retry keeps the first, a short one is refused', async () => {
    const registrationId = randomUUID();
    const ticketCode = 'AbCdEfGhIjKlMnOpQrStUvWx';
    const first = await walkIn({ registrationId, lastName: 'Horsligne', ticketCode });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ registrationId, ticketCode });
    const again = await walkIn({ registrationId, lastName: 'Horsligne', ticketCode: 'ZZZZZZZZZZZZZZZZZZZZZZZZ' });
    expect(again).toMatchObject({ status: 201, body: { registrationId, ticketCode } });
    const ticket = await call(
      server.base,
      'GET',
      `/api/conferences/${conferenceId}/tickets/${ticketCode}`,
      undefined,
      doorAuth,
    );
    expect(ticket.status).toBe(200);
    const short = await walkIn({ ticketCode: 'tooShort' });
    expect(short.status).toBe(400);
    expect(short.body).toMatchObject({ code: 'validation_failed' });
  });
});
