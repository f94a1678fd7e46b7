// A person's history (API.md, "A person's history"): the audit trail told from
// the log, oldest first, with the door and the name of the device of each step.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { bearer, call, startTestServer, type TestServer } from './support/server.js';
import { conferenceWithCharter, expectStatus, personBody, signatureBody } from './support/data.js';
import type { EventStore } from '../libs/event-store/src/index.js';
import { EVENT_STORE } from '../apps/server/src/event-store/event-store.module.js';
import { PersonEvents, eventsNaming } from '../apps/server/src/privacy/person-events.js';

const MAIN = 'Accueil principal';
const PRESS = 'Accueil presse';

interface Entry {
  at: string;
  recordedAt: string;
  type: string;
  door?: string;
  device?: string;
  deviceId?: string;
  detail: Record<string, unknown>;
}

describe("a person's history", () => {
  let server: TestServer;
  let api: string;
  let cid: string;
  let chid: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer();
    api = `${server.base}/api`;
    ({ cid, chid } = await conferenceWithCharter(api));
    for (const [name, role] of [
      ['Porte A (téléphone de Léa)', 'door'],
      ['Porte presse', 'door'],
      ['Tablette 1', 'kiosk'],
      ['Grand écran', 'display'],
    ] as const) {
      tokens[name] = (
        expectStatus(await call(api, 'POST', '/devices', { name, role, conferenceId: cid }), 201) as { token: string }
      ).token;
    }
  });
  afterAll(async () => {
    await server.close();
  });

  const history = async (rid: string): Promise<Entry[]> =>
    expectStatus(await call(api, 'GET', `/conferences/${cid}/registrations/${rid}/history`), 200) as Entry[];

  test('organisers only: door, kiosk and display are refused 403', async () => {
    const { registrationId } = expectStatus(
      await call(api, 'POST', `/conferences/${cid}/registrations`, personBody()),
      201,
    ) as { registrationId: string };
    const path = `/conferences/${cid}/registrations/${registrationId}/history`;
    expect((await call(api, 'GET', path)).status).toBe(200);
    for (const name of ['Porte A (téléphone de Léa)', 'Tablette 1', 'Grand écran']) {
      const res = await call(api, 'GET', path, undefined, bearer(tokens[name]!));
      expect([res.status, res.body?.code]).toEqual([403, 'forbidden']);
    }
    expect((await call(api, 'GET', path, undefined, { authorization: null })).status).toBe(401);
  });

  test('an unknown registration is 404 unknown_registration', async () => {
    const res = await call(api, 'GET', `/conferences/${cid}/registrations/${randomUUID()}/history`);
    expect([res.status, res.body?.code]).toEqual([404, 'unknown_registration']);
  });

  test('a day, oldest first: registered, refused, admitted, lunch, undo, admitted again, offline refusal, signature, erasure', async () => {
    const doorA = bearer(tokens['Porte A (téléphone de Léa)']!);
    const press = bearer(tokens['Porte presse']!);
    const reg = expectStatus(
      await call(
        api,
        'POST',
        `/conferences/${cid}/registrations`,
        personBody({ firstName: 'Ada', lastName: 'Lovelace' }),
      ),
      201,
    ) as { registrationId: string; ticketCode: string };
    const rid = reg.registrationId;
    const scan = async (headers: Record<string, string>, body: Record<string, unknown>) =>
      expectStatus(
        await call(
          api,
          'POST',
          `/conferences/${cid}/scans`,
          { scanId: randomUUID(), ticketCode: reg.ticketCode, ...body },
          headers,
        ),
        200,
      ) as { result: string; reason?: string };

    expect(await scan(doorA, { door: MAIN })).toMatchObject({ result: 'refused', reason: 'id_not_checked' });
    const firstScan = randomUUID();
    expect(
      await scan(doorA, { scanId: firstScan, door: MAIN, idCheck: { document: 'passport', nameMatches: true } }),
    ).toMatchObject({ result: 'admitted' });
    expectStatus(
      await call(
        api,
        'POST',
        `/conferences/${cid}/registrations/${rid}/lunch-payment`,
        { paymentId: randomUUID(), amountCents: 2000, method: 'cash' },
        doorA,
      ),
      201,
    );
    expectStatus(
      await call(api, 'POST', `/conferences/${cid}/scans/${firstScan}/undo`, { reason: 'mauvais billet' }, doorA),
      200,
    );
    expect(await scan(press, { door: PRESS, idCheck: { document: 'national_id', nameMatches: true } })).toMatchObject({
      result: 'admitted',
    });
    // A door without network refused the ticket just after, and sends it a moment later.
    const offlineAt = new Date().toISOString();
    await scan(press, {
      door: PRESS,
      scannedAt: offlineAt,
      idCheck: { document: 'national_id', nameMatches: false },
      offline: { result: 'refused', reason: 'id_mismatch' },
    });
    expectStatus(
      await call(
        api,
        'POST',
        `/conferences/${cid}/charters/${chid}/signatures`,
        signatureBody(rid, { onBehalfOf: 'Organisation' }),
        bearer(tokens['Tablette 1']!),
      ),
      201,
    );
    expectStatus(
      await call(api, 'POST', `/conferences/${cid}/registrations/${rid}/erase`, { reason: 'demande écrite' }),
      200,
    );

    const entries = await history(rid);
    expect(entries.map((e) => e.type)).toEqual([
      'PersonRegistered',
      'EntryRefused',
      'AttendeeAdmitted',
      'LunchPaid',
      'AdmissionUndone',
      'AttendeeAdmitted',
      'EntryRefused',
      'CharterSigned',
      'PersonalDataErased',
    ]);
    const [registered, refused, admitted, lunch, undo, again, offline, signed, erased] = entries as [
      Entry,
      Entry,
      Entry,
      Entry,
      Entry,
      Entry,
      Entry,
      Entry,
      Entry,
    ];
    expect(registered).toMatchObject({ device: 'Organisation', detail: { category: 'signatory', lunch: true } });
    expect(refused).toMatchObject({
      door: MAIN,
      device: 'Porte A (téléphone de Léa)',
      detail: { result: 'refused', reason: 'id_not_checked', idCheck: null },
    });
    expect(admitted).toMatchObject({
      door: MAIN,
      device: 'Porte A (téléphone de Léa)',
      detail: { result: 'admitted', scanId: firstScan, idCheck: { document: 'passport', nameMatches: true } },
    });
    expect(lunch).toMatchObject({
      device: 'Porte A (téléphone de Léa)',
      detail: { amountCents: 2000, currency: 'EUR', method: 'cash' },
    });
    expect(undo).toMatchObject({
      device: 'Porte A (téléphone de Léa)',
      detail: { scanId: firstScan, reason: 'mauvais billet' },
    });
    expect(again).toMatchObject({ door: PRESS, device: 'Porte presse', detail: { result: 'admitted' } });
    expect(offline).toMatchObject({
      at: offlineAt,
      door: PRESS,
      device: 'Porte presse',
      detail: { result: 'refused', reason: 'id_mismatch', offline: { receivedAt: expect.any(String) } },
    });
    expect(Date.parse((offline.detail.offline as { receivedAt: string }).receivedAt)).toBeGreaterThanOrEqual(
      Date.parse(offlineAt),
    );
    expect(signed).toMatchObject({
      device: 'Tablette 1',
      detail: { charterId: chid, charterTitle: 'Charte', sequence: 1, onBehalfOf: 'Organisation' },
    });
    expect(erased).toMatchObject({ device: 'Organisation', detail: { reason: 'demande écrite' } });
    for (let i = 1; i < entries.length; i++) {
      expect(Date.parse(entries[i]!.at)).toBeGreaterThanOrEqual(Date.parse(entries[i - 1]!.at));
    }
    // The audit trail names no one and carries no secret, before or after the erasure.
    const text = JSON.stringify(entries);
    for (const secret of ['Ada', 'Lovelace', reg.ticketCode, 'data:image/png']) expect(text).not.toContain(secret);
  });

  test('a waitlisted person promoted, then cancelled', async () => {
    const small = expectStatus(
      await call(api, 'POST', '/conferences', {
        name: 'Petite salle',
        venue: 'Bercy',
        startsAt: '2014-09-19T09:30:00+02:00',
        endsAt: '2014-09-19T16:30:00+02:00',
        timezone: 'Europe/Paris',
        capacity: 1,
        idCheckRequired: false,
        lunch: null,
        doors: [],
      }),
      201,
    ) as { conferenceId: string };
    const first = expectStatus(
      await call(api, 'POST', `/conferences/${small.conferenceId}/registrations`, personBody()),
      201,
    ) as { registrationId: string };
    const second = expectStatus(
      await call(api, 'POST', `/conferences/${small.conferenceId}/registrations`, personBody()),
      201,
    ) as { registrationId: string; status: string };
    expect(second.status).toBe('waitlisted');
    expectStatus(
      await call(api, 'POST', `/conferences/${small.conferenceId}/registrations/${first.registrationId}/cancel`, {
        reason: 'empêché',
      }),
      200,
    );
    const res = expectStatus(
      await call(api, 'GET', `/conferences/${small.conferenceId}/registrations/${second.registrationId}/history`),
      200,
    ) as Entry[];
    expect(res.map((e) => [e.type, e.detail])).toEqual([
      ['PersonWaitlisted', { category: 'signatory', source: 'api', lunch: true }],
      ['WaitlistedPersonPromoted', { cause: 'place_freed' }],
    ]);
    const cancelled = expectStatus(
      await call(api, 'GET', `/conferences/${small.conferenceId}/registrations/${first.registrationId}/history`),
      200,
    ) as Entry[];
    expect(cancelled.map((e) => [e.type, e.detail.reason])).toEqual([
      ['PersonRegistered', undefined],
      ['RegistrationCancelled', 'empêché'],
    ]);
  });

  test("the organisers' table: arrival (admitted, or refused and why), signature, and the arrival filter", async () => {
    const fresh = await conferenceWithCharter(api);
    const register = async () =>
      expectStatus(await call(api, 'POST', `/conferences/${fresh.cid}/registrations`, personBody()), 201) as {
        registrationId: string;
        ticketCode: string;
      };
    const [inside, refused, away] = [await register(), await register(), await register()];
    const scan = (ticketCode: string, idCheck?: unknown) =>
      call(api, 'POST', `/conferences/${fresh.cid}/scans`, {
        scanId: randomUUID(),
        ticketCode,
        door: PRESS,
        ...(idCheck ? { idCheck } : {}),
      });
    expectStatus(await scan(inside.ticketCode, { document: 'passport', nameMatches: true }), 200);
    expectStatus(await scan(refused.ticketCode), 200);
    expectStatus(
      await call(
        api,
        'POST',
        `/conferences/${fresh.cid}/charters/${fresh.chid}/signatures`,
        signatureBody(inside.registrationId),
      ),
      201,
    );
    const list = async (arrival?: string) =>
      (
        expectStatus(
          await call(api, 'GET', `/conferences/${fresh.cid}/registrations${arrival ? `?arrival=${arrival}` : ''}`),
          200,
        ) as { items: { registrationId: string; admitted: unknown; refused: unknown; signed: boolean }[] }
      ).items;
    const rows = new Map((await list()).map((r) => [r.registrationId, r]));
    expect(rows.get(inside.registrationId)).toMatchObject({
      admitted: { door: PRESS, at: expect.any(String) },
      refused: null,
      signed: true,
    });
    expect(rows.get(refused.registrationId)).toMatchObject({
      admitted: null,
      refused: { door: PRESS, reason: 'id_not_checked', at: expect.any(String) },
      signed: false,
    });
    expect(rows.get(away.registrationId)).toMatchObject({ admitted: null, refused: null, signed: false });
    const ids = async (arrival: string) => (await list(arrival)).map((r) => r.registrationId).sort();
    expect(await ids('arrived')).toEqual([inside.registrationId]);
    expect(await ids('refused')).toEqual([refused.registrationId]);
    expect(await ids('not_arrived')).toEqual([refused.registrationId, away.registrationId].sort());
    expect((await call(api, 'GET', `/conferences/${fresh.cid}/registrations?arrival=maybe`)).status).toBe(400);
  });

  // Issue 23: a person's movements (spaces entered and left, refusals there, the site left) are part of their story.
  test('movements: a space entered, the buffet refused (lunch unpaid), the site left, each with the space’s name', async () => {
    const doorA = bearer(tokens['Porte A (téléphone de Léa)']!);
    // Open all day, so that the server's clock (now) is within the hours.
    for (const space of [
      { name: 'Salon des pairs', opens: '00:00', closes: '23:59', capacity: 10 },
      { name: 'Buffet du midi', opens: '00:00', closes: '23:59', requiresLunch: true },
    ]) {
      expectStatus(await call(api, 'POST', `/conferences/${cid}/spaces`, space), 201);
    }
    const reg = expectStatus(
      await call(api, 'POST', `/conferences/${cid}/registrations`, personBody({ lastName: 'Mouvante', lunch: true })),
      201,
    ) as { registrationId: string; ticketCode: string };
    const scan = async (body: Record<string, unknown>) =>
      expectStatus(
        await call(
          api,
          'POST',
          `/conferences/${cid}/scans`,
          { scanId: randomUUID(), ticketCode: reg.ticketCode, ...body },
          doorA,
        ),
        200,
      ) as { result: string; reason?: string };
    expect(await scan({ door: MAIN, idCheck: { document: 'passport', nameMatches: true } })).toMatchObject({
      result: 'admitted',
    });
    expect(await scan({ space: 'Salon des pairs', direction: 'in' })).toMatchObject({ result: 'admitted' });
    expect(await scan({ space: 'Buffet du midi', direction: 'in' })).toMatchObject({
      result: 'refused',
      reason: 'lunch_unpaid',
    });
    expect(await scan({ door: MAIN, direction: 'out' })).toMatchObject({ result: 'admitted' });

    const steps = (await history(reg.registrationId)).filter((e) =>
      ['PersonEnteredSpace', 'PersonLeftSpace', 'PersonLeftSite', 'MovementRefused'].includes(e.type),
    );
    expect(steps.map((e) => [e.type, e.door, e.device])).toEqual([
      ['PersonEnteredSpace', 'Salon des pairs', 'Porte A (téléphone de Léa)'],
      ['MovementRefused', 'Buffet du midi', 'Porte A (téléphone de Léa)'],
      ['PersonLeftSpace', 'Salon des pairs', 'Porte A (téléphone de Léa)'],
      ['PersonLeftSite', 'site', 'Porte A (téléphone de Léa)'],
    ]);
    expect(steps.map((e) => e.detail)).toEqual([
      { direction: 'in', spaceId: expect.any(String), scanId: expect.any(String) },
      {
        result: 'refused',
        direction: 'in',
        spaceId: expect.any(String),
        reason: 'lunch_unpaid',
        scanId: expect.any(String),
      },
      { direction: 'out', spaceId: expect.any(String), because: 'left_site', scanId: expect.any(String) },
      { direction: 'out', spaceId: 'site', scanId: expect.any(String) },
    ]);
    // The right of access tells the same movements.
    const exported = expectStatus(
      await call(api, 'GET', `/conferences/${cid}/registrations/${reg.registrationId}/export`),
      200,
    ) as { events: { type: string }[] };
    expect(exported.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['PersonEnteredSpace', 'MovementRefused', 'PersonLeftSpace', 'PersonLeftSite']),
    );
  });

  // Issue 27: the history and the export read the person's own streams (PersonEvents), not the whole log.
  test('what is found from the person’s streams is what a scan of the whole log finds, for everyone so far', async () => {
    const store = server.app.get<symbol, EventStore>(EVENT_STORE);
    const personEvents = server.app.get(PersonEvents);
    const people = new Map<string, string>();
    for (const e of await store.readAll()) {
      const d = e.data as { registrationId?: unknown; conferenceId?: unknown };
      if (typeof d.registrationId === 'string' && typeof d.conferenceId === 'string')
        people.set(d.registrationId, d.conferenceId);
    }
    expect(people.size).toBeGreaterThan(5);
    const ids = (events: { position: bigint }[]) => events.map((e) => e.position.toString());
    for (const [rid, conferenceId] of people) {
      const expected = ids(await eventsNaming(store, conferenceId, rid));
      expect([rid, ids(await personEvents.naming(conferenceId, rid))]).toEqual([rid, expected]);
    }
  });
});
