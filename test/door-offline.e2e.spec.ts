// The door without network, over HTTP: the door's list (full and by delta),
// scans decided on the device and uploaded later, conflicts, a long outage.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { EventStore, RecordedEvent } from '../libs/event-store/src/index.js';
import { evolve, initialState, isAttendanceEvent, snapshotOf } from '../libs/attendance/src/index.js';
import { EVENT_STORE } from '../apps/server/src/event-store/event-store.module.js';
import { bearer, call, startTestServer, type TestServer } from './support/server.js';
import { conferenceBody, expectStatus, personBody, sha256 } from './support/data.js';
import { arrivalDecider, scanIdStream, type TicketLookup } from '../libs/conference/src/index.js';
import { scanFingerprint, type ScanTicketCommand } from '../apps/server/src/arrivals/scan-ticket/scan-ticket.js';

const MAIN = 'Accueil principal';
const PRESS = 'Accueil presse';
const ID_OK = { document: 'national_id', nameMatches: true };
const at = (time: string) => `2014-09-19T${time}+02:00`;

interface Ticket {
  registrationId: string;
  ticketSha256: string;
  firstName: string;
  lastName: string;
  status: string;
  admitted: { at: string; door: string } | null;
}
interface Dataset {
  cursor: string;
  complete: boolean;
  conference: { name: string; doors: string[]; idCheckRequired: boolean };
  tickets: Ticket[];
  removed: string[];
}

describe('the door without network', () => {
  let server: TestServer;
  let api: string;
  let store: EventStore;

  beforeAll(async () => {
    server = await startTestServer();
    api = `${server.base}/api`;
    store = server.app.get<EventStore>(EVENT_STORE);
  });
  afterAll(async () => {
    await server.close();
  });

  const conference = async (overrides: Record<string, unknown> = {}): Promise<string> =>
    (expectStatus(await call(api, 'POST', '/conferences', conferenceBody(overrides)), 201) as { conferenceId: string })
      .conferenceId;
  const register = async (cid: string, overrides: Record<string, unknown> = {}) =>
    expectStatus(await call(api, 'POST', `/conferences/${cid}/registrations`, personBody(overrides)), 201) as {
      registrationId: string;
      ticketCode: string;
    };
  const door = async (cid: string, name: string): Promise<{ deviceId: string; token: string }> =>
    expectStatus(await call(api, 'POST', '/devices', { name, role: 'door', conferenceId: cid }), 201) as {
      deviceId: string;
      token: string;
    };
  const dataset = async (cid: string, token: string, since?: string) =>
    expectStatus(
      await call(
        api,
        'GET',
        `/conferences/${cid}/door-dataset${since ? `?since=${since}` : ''}`,
        undefined,
        bearer(token),
      ),
      200,
    ) as Dataset;
  const offlineScan = (
    cid: string,
    token: string,
    body: Record<string, unknown>,
    offline: Record<string, unknown> = { result: 'admitted' },
  ) =>
    call(
      api,
      'POST',
      `/conferences/${cid}/scans`,
      { scanId: randomUUID(), door: MAIN, idCheck: ID_OK, ...body, offline },
      bearer(token),
    );
  const attendance = async (cid: string) =>
    expectStatus(await call(api, 'GET', `/conferences/${cid}/attendance`), 200) as {
      admitted: number;
      present: number;
      conflicts: { open: number; total: number };
      position: string;
    };
  const conflicts = async (cid: string) =>
    expectStatus(await call(api, 'GET', `/conferences/${cid}/conflicts`), 200) as {
      conflictId: string;
      scanId: string;
      registrationId: string | null;
      name: string | null;
      reason: string;
      door: string;
      deviceName: string | null;
      scannedAt: string;
      receivedAt: string;
      late: boolean;
      previous?: { at: string; door: string };
      acknowledged: boolean;
    }[];
  const storedEvents = async (): Promise<RecordedEvent[]> => store.readAll({ maxCount: 1_000_000 });

  describe('the door’s list', () => {
    test('the whole list carries what the door needs, tickets by their SHA-256 only', async () => {
      const cid = await conference();
      const a = await register(cid, { firstName: 'Hélène', lastName: 'Dupré', organisation: 'PTCE Sud' });
      const b = await register(cid, { firstName: 'Marc', lastName: 'Lefèvre' });
      const phone = await door(cid, 'Porte A');
      const res = await call(api, 'GET', `/conferences/${cid}/door-dataset`, undefined, bearer(phone.token));
      expect(res.status).toBe(200);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(a.ticketCode);
      expect(text).not.toContain(b.ticketCode);
      expect(text).not.toContain('@example.org');
      const list = res.body as Dataset;
      expect(list.complete).toBe(true);
      expect(list.cursor).toMatch(/^\d+$/);
      expect(list.conference).toMatchObject({ doors: [MAIN, PRESS], idCheckRequired: true });
      expect(list.tickets).toHaveLength(2);
      expect(list.tickets.find((t) => t.registrationId === a.registrationId)).toMatchObject({
        ticketSha256: sha256(a.ticketCode),
        firstName: 'Hélène',
        lastName: 'Dupré',
        organisation: 'PTCE Sud',
        status: 'registered',
        admitted: null,
      });
      expect(list.removed).toEqual([]);
    });

    test('by delta: only what changed after the cursor, an erased person as a cancelled ticket with no name', async () => {
      const cid = await conference();
      const [a, b, c] = [await register(cid), await register(cid), await register(cid)];
      const phone = await door(cid, 'Porte A');
      const first = await dataset(cid, phone.token);
      expect(first.tickets).toHaveLength(3);
      expect((await dataset(cid, phone.token, first.cursor)).tickets).toEqual([]);

      expectStatus(await call(api, 'POST', `/conferences/${cid}/registrations/${a.registrationId}/cancel`, {}), 200);
      expectStatus(
        await call(api, 'POST', `/conferences/${cid}/scans`, {
          scanId: randomUUID(),
          ticketCode: b.ticketCode,
          door: PRESS,
          idCheck: ID_OK,
          scannedAt: at('09:41:00'),
        }),
        200,
      );
      expectStatus(
        await call(api, 'POST', `/conferences/${cid}/registrations/${c.registrationId}/erase`, { reason: 'demande' }),
        200,
      );
      const d = await register(cid, { firstName: 'Nouvelle' });

      const delta = await dataset(cid, phone.token, first.cursor);
      expect(delta.complete).toBe(false);
      expect(BigInt(delta.cursor)).toBeGreaterThan(BigInt(first.cursor));
      const byId = new Map(delta.tickets.map((t) => [t.registrationId, t]));
      expect([...byId.keys()].sort()).toEqual(
        [a.registrationId, b.registrationId, c.registrationId, d.registrationId].sort(),
      );
      expect(byId.get(a.registrationId)?.status).toBe('cancelled');
      expect(byId.get(b.registrationId)?.admitted).toEqual({ at: at('09:41:00'), door: PRESS });
      expect(byId.get(d.registrationId)?.firstName).toBe('Nouvelle');
      // The erased person's ticket stays, cancelled, by its hash alone: the door refuses it offline as online.
      const erased = {
        registrationId: c.registrationId,
        ticketSha256: sha256(c.ticketCode),
        firstName: '',
        lastName: '',
        organisation: null,
        status: 'cancelled',
        lunch: false,
        lunchPaid: false,
        admitted: null,
      };
      expect(byId.get(c.registrationId)).toMatchObject(erased);
      expect(delta.removed).toEqual([]);
      const full = await dataset(cid, phone.token);
      expect(full.tickets.find((t) => t.registrationId === c.registrationId)).toMatchObject(erased);
    });

    test('the list travels compressed to a door that accepts it', async () => {
      const cid = await conference();
      for (let i = 0; i < 20; i++) await register(cid);
      const phone = await door(cid, 'Porte A');
      const res = await fetch(`${api}/conferences/${cid}/door-dataset`, {
        headers: { ...bearer(phone.token), 'accept-encoding': 'gzip' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding')).toBe('gzip');
      expect(((await res.json()) as Dataset).tickets).toHaveLength(20);
    });

    test('a bad cursor is a clear error', async () => {
      const cid = await conference();
      const res = await call(api, 'GET', `/conferences/${cid}/door-dataset?since=abc`);
      expect([res.status, res.body.code]).toEqual([400, 'invalid_cursor']);
      // A number past a signed 64-bit position is a bad cursor too, not a 500 (issue 21).
      for (const since of ['18446744073709551616', '9223372036854775808', '1e3', '-1', '%2B1']) {
        const out = await call(api, 'GET', `/conferences/${cid}/door-dataset?since=${since}`);
        expect([since, out.status, out.body.code]).toEqual([since, 400, 'invalid_cursor']);
      }
      const last = await call(api, 'GET', `/conferences/${cid}/door-dataset?since=9223372036854775807`);
      expect(last.status).toBe(200);
    });

    test('the devices list shows each door phone’s list cursor and the scans it still holds', async () => {
      const cid = await conference();
      await register(cid);
      const phone = await door(cid, 'Porte B');
      const list = await dataset(cid, phone.token);
      await call(api, 'GET', `/conferences/${cid}/door-dataset?since=${list.cursor}`, undefined, {
        ...bearer(phone.token),
        'x-door-pending': '7',
      });
      const { devices } = expectStatus(await call(api, 'GET', '/devices'), 200) as {
        devices: { deviceId: string; door?: { datasetCursor: string; pendingScans: number; datasetAt: string } }[];
      };
      const seen = devices.find((d) => d.deviceId === phone.deviceId);
      expect(seen?.door).toMatchObject({ datasetCursor: list.cursor, pendingScans: 7 });
      expect(Date.parse(seen?.door?.datasetAt ?? '')).not.toBeNaN();
    });
  });

  describe('scans decided on the device', () => {
    test('two doors let the same person in offline: the earlier scan stands, the later is a conflict, counted once', async () => {
      const cid = await conference();
      const person = await register(cid, { firstName: 'Aïcha', lastName: 'Benali' });
      const a = await door(cid, 'Porte A');
      const b = await door(cid, 'Porte B');
      // Door B's later scan reaches the server first; door A's earlier one after it.
      const late = await offlineScan(cid, b.token, {
        ticketCode: person.ticketCode,
        door: PRESS,
        scannedAt: at('09:47:00'),
      });
      expect(late.status).toBe(200);
      expect(late.body).toMatchObject({ result: 'admitted' });
      expect(late.body.conflict).toBeUndefined();
      const early = await offlineScan(cid, a.token, { ticketCode: person.ticketCode, scannedAt: at('09:42:00') });
      expect(early.status).toBe(200);
      expect(early.body).toMatchObject({ result: 'admitted', admittedAt: at('09:42:00') });

      const [conflict, ...others] = await conflicts(cid);
      expect(others).toEqual([]);
      // Door A is told too: its scan stands, and the conflict it revealed is door B's later admission.
      expect(early.body.conflict).toEqual({
        conflictId: conflict!.conflictId,
        reason: 'already_checked_in',
        previous: { at: at('09:47:00'), door: PRESS },
      });
      expect(conflict).toMatchObject({
        scanId: late.body.scanId,
        registrationId: person.registrationId,
        name: 'Aïcha Benali',
        reason: 'already_checked_in',
        door: PRESS,
        deviceName: 'Porte B',
        scannedAt: at('09:47:00'),
        previous: { at: at('09:42:00'), door: MAIN },
        acknowledged: false,
      });
      expect(Date.parse(conflict!.receivedAt)).toBeGreaterThan(Date.parse(at('09:47:00')));
      expect(conflict!.late).toBe(true);

      const ticket = expectStatus(await call(api, 'GET', `/conferences/${cid}/tickets/${person.ticketCode}`), 200);
      expect(ticket).toMatchObject({ state: 'admitted', admittedAt: at('09:42:00'), door: MAIN });
      const figures = await attendance(cid);
      expect([figures.admitted, figures.present]).toEqual([1, 1]);
      expect(figures.conflicts).toEqual({ open: 1, total: 1 });
      // The door's list now says the person came in at 9:42, main door.
      const list = await dataset(cid, a.token);
      expect(list.tickets[0]?.admitted).toEqual({ at: at('09:42:00'), door: MAIN });
    });

    test('an admission after an online one is a conflict answered at once; the same scan again writes nothing', async () => {
      const cid = await conference();
      const person = await register(cid);
      const phone = await door(cid, 'Porte A');
      expectStatus(
        await call(api, 'POST', `/conferences/${cid}/scans`, {
          scanId: randomUUID(),
          ticketCode: person.ticketCode,
          door: PRESS,
          idCheck: ID_OK,
          scannedAt: at('09:40:00'),
        }),
        200,
      );
      const scanId = randomUUID();
      const body = { scanId, ticketCode: person.ticketCode, scannedAt: at('09:45:00') };
      const first = await offlineScan(cid, phone.token, body);
      expect(first.body).toMatchObject({
        result: 'admitted',
        conflict: { reason: 'already_checked_in', previous: { at: at('09:40:00'), door: PRESS } },
      });
      const before = (await storedEvents()).length;
      const again = await offlineScan(cid, phone.token, body);
      expect(again.body).toEqual(first.body);
      expect((await storedEvents()).length).toBe(before);
      expect(await conflicts(cid)).toHaveLength(1);
    });

    test('a ticket cancelled after the list was downloaded and admitted offline is a cancelled conflict', async () => {
      const cid = await conference();
      const person = await register(cid);
      const phone = await door(cid, 'Porte A');
      await dataset(cid, phone.token);
      expectStatus(
        await call(api, 'POST', `/conferences/${cid}/registrations/${person.registrationId}/cancel`, {}),
        200,
      );
      const res = await offlineScan(cid, phone.token, { ticketCode: person.ticketCode, scannedAt: at('10:00:00') });
      expect(res.body).toMatchObject({ result: 'admitted', conflict: { reason: 'cancelled' } });
      expect((await conflicts(cid)).map((c) => c.reason)).toEqual(['cancelled']);
    });

    test('a refusal made offline is recorded as a refusal, with the door’s reason', async () => {
      const cid = await conference();
      const person = await register(cid);
      const phone = await door(cid, 'Porte A');
      const res = await offlineScan(
        cid,
        phone.token,
        {
          ticketCode: person.ticketCode,
          scannedAt: at('10:00:00'),
          idCheck: { document: 'passport', nameMatches: false },
        },
        { result: 'refused', reason: 'id_mismatch' },
      );
      expect(res.body).toMatchObject({ result: 'refused', reason: 'id_mismatch' });
      const refused = (await storedEvents()).filter(
        (e) => e.type === 'EntryRefused' && (e.data as { scanId: string }).scanId === res.body.scanId,
      );
      expect(refused).toHaveLength(1);
      expect(refused[0]?.data).toMatchObject({ reason: 'id_mismatch', scannedAt: at('10:00:00') });
      expect((refused[0]?.data as { offline?: { receivedAt: string } }).offline?.receivedAt).toBeDefined();
      expect(await conflicts(cid)).toEqual([]);
    });

    test('bad offline scans are refused with a stable code and write nothing', async () => {
      const cid = await conference();
      const person = await register(cid);
      const before = (await storedEvents()).length;
      const noTime = await offlineScan(cid, (await door(cid, 'P')).token, { ticketCode: person.ticketCode });
      expect([noTime.status, noTime.body.code]).toEqual([400, 'validation_failed']);
      const noReason = await offlineScan(
        cid,
        (await door(cid, 'Q')).token,
        { ticketCode: person.ticketCode, scannedAt: at('10:00:00') },
        { result: 'refused' },
      );
      expect([noReason.status, noReason.body.code]).toEqual([400, 'validation_failed']);
      const badResult = await offlineScan(
        cid,
        (await door(cid, 'R')).token,
        { ticketCode: person.ticketCode, scannedAt: at('10:00:00') },
        { result: 'maybe' },
      );
      expect(badResult.status).toBe(400);
      // Two device enrolments were written (P, Q, R), nothing else.
      const written = (await storedEvents()).slice(before).map((e) => e.type);
      expect(written).toEqual(['DeviceEnrolled', 'DeviceEnrolled', 'DeviceEnrolled']);
    });

    test('an organiser acknowledges a conflict once; an unknown conflict is 404', async () => {
      const cid = await conference();
      const person = await register(cid);
      const a = await door(cid, 'Porte A');
      await offlineScan(cid, a.token, { ticketCode: person.ticketCode, scannedAt: at('09:40:00') });
      const second = await offlineScan(cid, a.token, { ticketCode: person.ticketCode, scannedAt: at('09:50:00') });
      const conflictId = second.body.conflict.conflictId as string;
      const ack = await call(api, 'POST', `/conferences/${cid}/conflicts/${conflictId}/acknowledge`, {
        note: 'Même personne, deux scans',
      });
      expect(ack.status).toBe(200);
      expect((await conflicts(cid))[0]).toMatchObject({
        acknowledged: true,
        acknowledgement: { note: 'Même personne, deux scans' },
      });
      expect((await attendance(cid)).conflicts).toEqual({ open: 0, total: 1 });
      const before = (await storedEvents()).length;
      expect((await call(api, 'POST', `/conferences/${cid}/conflicts/${conflictId}/acknowledge`, {})).status).toBe(200);
      expect((await storedEvents()).length).toBe(before);
      const unknown = await call(api, 'POST', `/conferences/${cid}/conflicts/${randomUUID()}/acknowledge`, {});
      expect([unknown.status, unknown.body.code]).toEqual([404, 'unknown_conflict']);
      const asDoor = await call(api, 'GET', `/conferences/${cid}/conflicts`, undefined, bearer(a.token));
      expect(asDoor.status).toBe(403);
    });
  });

  describe('the cost of a scan (issue 21)', () => {
    test('does not grow with the ticket’s history: a scan reads only what is new on its ticket', async () => {
      const cid = await conference({ idCheckRequired: false });
      const person = await register(cid);
      const phone = await door(cid, 'Porte A');
      // A door that uploads scan after scan of one ticket (a stolen phone, a loop).
      for (let i = 0; i < 120; i++) {
        const minute = String(i % 60).padStart(2, '0');
        const hour = String(10 + Math.floor(i / 60));
        const res = await offlineScan(cid, phone.token, {
          registrationId: person.registrationId,
          scannedAt: `2014-09-19T${hour}:${minute}:00+02:00`,
          idCheck: undefined,
        });
        expect(res.status).toBe(200);
      }
      const read: number[] = [];
      const original = store.readStream.bind(store);
      const counting = jest.spyOn(store, 'readStream').mockImplementation(async (name, options) => {
        const events = await original(name, options);
        if (name === `ticket-${person.registrationId}`) read.push(events.length);
        return events;
      });
      try {
        const res = await offlineScan(cid, phone.token, {
          registrationId: person.registrationId,
          scannedAt: at('12:30:00'),
          idCheck: undefined,
        });
        expect(res.status).toBe(200);
      } finally {
        counting.mockRestore();
      }
      expect(read.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2);
    });
  });

  test('scans of unknown tickets do not share one growing stream (issue 21)', async () => {
    const cid = await conference();
    const phone = await door(cid, 'Porte A');
    const scans: string[] = [randomUUID(), randomUUID()];
    for (const scanId of scans) {
      const res = await call(
        api,
        'POST',
        `/conferences/${cid}/scans`,
        { scanId, ticketCode: `INCONNU-${scanId}`, door: MAIN, idCheck: ID_OK },
        bearer(phone.token),
      );
      expect(res.body).toMatchObject({ result: 'refused', reason: 'unknown_ticket' });
    }
    const streams = (await storedEvents())
      .filter((e) => e.type === 'EntryRefused' && scans.includes((e.data as { scanId: string }).scanId))
      .map((e) => e.streamName);
    expect(new Set(streams).size).toBe(2);
    expect(streams).not.toContain(`door-${cid}`);
  });

  describe('times (issue 21)', () => {
    const unreadable = [
      '2026-W49-1',
      '20261207T093000Z',
      '2026-12-07T09',
      '2026-12-07T09:30:00,5Z',
      '2026-12-07T09:30:00',
    ];

    test.each(unreadable)(
      'a scan at %j is refused invalid_time, online and offline, and writes nothing',
      async (time) => {
        const cid = await conference();
        const person = await register(cid);
        const phone = await door(cid, 'Porte A');
        const before = (await storedEvents()).length;
        const online = await call(
          api,
          'POST',
          `/conferences/${cid}/scans`,
          { scanId: randomUUID(), ticketCode: person.ticketCode, door: MAIN, idCheck: ID_OK, scannedAt: time },
          bearer(phone.token),
        );
        expect([online.status, online.body.code]).toEqual([400, 'invalid_time']);
        const offline = await offlineScan(cid, phone.token, { registrationId: person.registrationId, scannedAt: time });
        expect([offline.status, offline.body.code]).toEqual([400, 'invalid_time']);
        expect((await storedEvents()).length).toBe(before);
      },
    );

    test.each(unreadable)('a conference starting at %j is refused invalid_time', async (time) => {
      const res = await call(api, 'POST', '/conferences', conferenceBody({ startsAt: time }));
      expect([res.status, res.body.code]).toEqual([400, 'invalid_time']);
    });

    test('an accepted time is normalised before it is stored, and travels so', async () => {
      const cid = await conference();
      const person = await register(cid);
      const phone = await door(cid, 'Porte A');
      const res = await offlineScan(cid, phone.token, {
        registrationId: person.registrationId,
        scannedAt: '2014-09-19t09:40:00.5+02:00',
      });
      expect(res.body).toMatchObject({ result: 'admitted', admittedAt: '2014-09-19T09:40:00.500+02:00' });
      const list = await dataset(cid, phone.token);
      expect(list.tickets[0]?.admitted?.at).toBe('2014-09-19T09:40:00.500+02:00');
    });
  });

  describe('an erased person’s ticket (issue 21)', () => {
    test('is refused cancelled online and offline alike, and pays no lunch', async () => {
      const cid = await conference();
      const person = await register(cid, { lunch: true });
      const phone = await door(cid, 'Porte A');
      expectStatus(
        await call(api, 'POST', `/conferences/${cid}/registrations/${person.registrationId}/erase`, {
          reason: 'demande écrite',
        }),
        200,
      );
      const online = expectStatus(
        await call(
          api,
          'POST',
          `/conferences/${cid}/scans`,
          { scanId: randomUUID(), ticketCode: person.ticketCode, door: MAIN, idCheck: ID_OK },
          bearer(phone.token),
        ),
        200,
      );
      expect(online).toMatchObject({ result: 'refused', reason: 'cancelled' });
      const looked = expectStatus(
        await call(api, 'GET', `/conferences/${cid}/tickets/${person.ticketCode}`, undefined, bearer(phone.token)),
        200,
      );
      expect(looked).toMatchObject({ state: 'cancelled' });
      // The phone, deciding on its list with the server's own decider, says the same.
      const list = await dataset(cid, phone.token);
      const ticket = list.tickets.find((t) => t.ticketSha256 === sha256(person.ticketCode));
      expect(ticket?.status).toBe('cancelled');
      // (the facts as apps/web/src/door/offline/local-decision.ts builds them from its list)
      const local = arrivalDecider.decide(
        {
          type: 'ScanTicket',
          data: {
            conferenceId: cid,
            scanId: randomUUID(),
            door: MAIN,
            deviceId: '',
            scannedAt: at('09:40:00'),
            idCheck: { document: 'national_id', nameMatches: true },
            ticket: {
              found: true,
              registrationId: ticket!.registrationId,
              status: ticket!.status as 'cancelled',
              idCheckRequired: list.conference.idCheckRequired,
              lunchFee: null,
            },
          },
        },
        arrivalDecider.initialState(),
      );
      expect(local.ok).toBe(true);
      expect(local.ok && local.outcome).toMatchObject({ result: 'refused', reason: 'cancelled' });
      const lunch = await call(
        api,
        'POST',
        `/conferences/${cid}/registrations/${person.registrationId}/lunch-payment`,
        { paymentId: randomUUID(), amountCents: 2000, method: 'cash' },
        bearer(phone.token),
      );
      expect([lunch.status, lunch.body.code]).toEqual([409, 'registration_cancelled']);
    });
  });

  describe('one scan id, one scan; one conflict, one id (issue 21)', () => {
    test('the same scan id on another ticket or with another body is refused scan_id_reused and writes nothing', async () => {
      const cid = await conference();
      const first = await register(cid);
      const other = await register(cid);
      const phone = await door(cid, 'Porte A');
      const scanId = randomUUID();
      const scan = (body: Record<string, unknown>) =>
        call(
          api,
          'POST',
          `/conferences/${cid}/scans`,
          { scanId, door: MAIN, idCheck: ID_OK, ...body },
          bearer(phone.token),
        );
      const admitted = expectStatus(await scan({ ticketCode: first.ticketCode }), 200);
      const before = (await storedEvents()).length;
      for (const body of [
        { ticketCode: other.ticketCode },
        { registrationId: other.registrationId },
        { ticketCode: first.ticketCode, door: PRESS },
        { ticketCode: other.ticketCode, scannedAt: at('09:40:00'), offline: { result: 'admitted' } },
      ]) {
        const reused = await scan(body);
        expect([reused.status, reused.body.code]).toEqual([409, 'scan_id_reused']);
      }
      expect((await storedEvents()).length).toBe(before);
      // The same scan sent again is a retry: the same answer, nothing written.
      expect(expectStatus(await scan({ ticketCode: first.ticketCode }), 200)).toEqual(admitted);
      expect((await storedEvents()).length).toBe(before);
      // The id still names that one scan: undoing it reaches the admission it made.
      expectStatus(
        await call(api, 'POST', `/conferences/${cid}/scans/${scanId}/undo`, { reason: 'Erreur' }, bearer(phone.token)),
        200,
      );
      const ticket = expectStatus(await call(api, 'GET', `/conferences/${cid}/tickets/${first.ticketCode}`), 200);
      expect(ticket).toMatchObject({ state: 'expected' });
    });

    test('a claim stored without its decision (a crash between two appends) does not stop the scan’s retry', async () => {
      // What a crash between the claim and the decision leaves on a store that appends them one after the other
      // (EventStoreDB; the embedded store commits both at once): the claim alone, with the scan's fingerprint.
      const cid = await conference();
      const person = await register(cid);
      const phone = await door(cid, 'Porte A');
      const scanId = randomUUID();
      const sent = { scanId, door: MAIN, idCheck: ID_OK, scannedAt: at('09:41:00'), ticketCode: person.ticketCode };
      const fingerprint = scanFingerprint(
        {
          conferenceId: cid,
          ctx: { deviceId: phone.deviceId },
          reference: { ticketCode: person.ticketCode },
          door: MAIN,
          sentScannedAt: sent.scannedAt,
          idCheck: ID_OK,
        } as unknown as ScanTicketCommand,
        { found: true, registrationId: person.registrationId } as TicketLookup,
      );
      await store.appendToStream(
        scanIdStream(scanId),
        [
          {
            id: randomUUID(),
            type: 'ScanIdClaimed',
            data: { conferenceId: cid, scanId, fingerprint, claimedAt: new Date().toISOString() },
          },
        ],
        { expectedRevision: 'no_stream' },
      );
      const before = (await storedEvents()).length;
      const retried = expectStatus(
        await call(api, 'POST', `/conferences/${cid}/scans`, sent, bearer(phone.token)),
        200,
      );
      expect(retried).toMatchObject({ scanId, result: 'admitted' });
      // The decision only: the claim was there already.
      expect((await storedEvents()).slice(before).map((e) => e.type)).toEqual(['AttendeeAdmitted']);
      // Sent again: the same answer, nothing more.
      expect(
        expectStatus(await call(api, 'POST', `/conferences/${cid}/scans`, sent, bearer(phone.token)), 200),
      ).toEqual(retried);
      expect((await storedEvents()).length).toBe(before + 1);
    });

    test('an online scan whose answer was lost, decided again by the phone and uploaded, is the same scan', async () => {
      const cid = await conference();
      const person = await register(cid);
      const phone = await door(cid, 'Porte A');
      const scanId = randomUUID();
      const sent = { scanId, door: MAIN, idCheck: ID_OK, scannedAt: at('09:40:00') };
      const online = expectStatus(
        await call(
          api,
          'POST',
          `/conferences/${cid}/scans`,
          { ...sent, ticketCode: person.ticketCode },
          bearer(phone.token),
        ),
        200,
      );
      const before = (await storedEvents()).length;
      // The phone heard nothing, decided it itself and uploads it by registration id, as its list names it.
      const upload = await call(
        api,
        'POST',
        `/conferences/${cid}/scans`,
        { ...sent, registrationId: person.registrationId, offline: { result: 'admitted' } },
        bearer(phone.token),
      );
      expect(upload.status).toBe(200);
      expect(upload.body).toEqual(online);
      expect((await storedEvents()).length).toBe(before);
    });

    test('a second entry is already_checked_in whatever other conflict it carries, each conflict with its own id', async () => {
      const cid = await conference();
      const person = await register(cid);
      const a = await door(cid, 'Porte A');
      const b = await door(cid, 'Porte B');
      // Door B let the person in at 9:47 without checking the ID (a conflict of its own)...
      const later = await offlineScan(cid, b.token, {
        ticketCode: person.ticketCode,
        door: PRESS,
        idCheck: undefined,
        scannedAt: at('09:47:00'),
      });
      expect(later.body).toMatchObject({ result: 'admitted', conflict: { reason: 'id_not_checked' } });
      expect(later.body.conflict.conflictId).not.toBe(later.body.scanId);
      // ... and door A had let them in at 9:42: B's entry is the second one.
      const earlier = await offlineScan(cid, a.token, { ticketCode: person.ticketCode, scannedAt: at('09:42:00') });
      expect(earlier.body).toMatchObject({ result: 'admitted' });
      const found = await conflicts(cid);
      expect(found.map((c) => [c.scanId, c.reason]).sort()).toEqual(
        [
          [later.body.scanId, 'already_checked_in'],
          [later.body.scanId, 'id_not_checked'],
        ].sort(),
      );
      expect(new Set(found.map((c) => c.conflictId)).size).toBe(2);
      // Each is acknowledged on its own.
      const [one, two] = found;
      expectStatus(await call(api, 'POST', `/conferences/${cid}/conflicts/${one!.conflictId}/acknowledge`, {}), 200);
      expect((await conflicts(cid)).map((c) => [c.conflictId, c.acknowledged])).toEqual(
        expect.arrayContaining([
          [one!.conflictId, true],
          [two!.conflictId, false],
        ]),
      );
    });

    test('a conflict about a registration id the server does not know can be acknowledged', async () => {
      const cid = await conference();
      const phone = await door(cid, 'Porte A');
      const res = await offlineScan(cid, phone.token, { registrationId: randomUUID(), scannedAt: at('09:42:00') });
      expect(res.body).toMatchObject({ result: 'refused', conflict: { reason: 'unknown_ticket' } });
      const conflictId = res.body.conflict.conflictId as string;
      const ack = await call(api, 'POST', `/conferences/${cid}/conflicts/${conflictId}/acknowledge`, {});
      expect(ack.status).toBe(200);
      expect((await conflicts(cid)).map((c) => [c.conflictId, c.acknowledged])).toEqual([[conflictId, true]]);
      expect((await attendance(cid)).conflicts).toEqual({ open: 0, total: 1 });
    });
  });

  test('a long outage: two doors offline for 30 minutes let 500 people in, then sync: nothing lost, every conflict flagged, figures equal a fold', async () => {
    const cid = await conference({ capacity: 1000, idCheckRequired: false });
    const csv = [
      'first_name,last_name,email,organisation,category,lunch,photo_consent',
      ...Array.from({ length: 500 }, (_, i) => `P${i},N${i},p${i}@example.org,Org ${i % 20},participant,false,false`),
    ].join('\n');
    const imported = expectStatus(
      await call(api, 'POST', `/conferences/${cid}/registrations/import`, csv, { 'content-type': 'text/csv' }),
      200,
    ) as { created: number };
    expect(imported.created).toBe(500);
    const a = await door(cid, 'Porte A');
    const b = await door(cid, 'Porte B');
    const list = await dataset(cid, a.token);
    const ids = list.tickets.map((t) => t.registrationId);
    expect(ids).toHaveLength(500);

    // From 9:30 to 10:00: door A lets in people 0–299, door B 200–499; 100
    // people were let in by both (a ticket shared, or scanned at both doors).
    const start = Date.parse(at('09:30:00'));
    const queue = (from: number, to: number, doorName: string, offsetMs: number) =>
      ids.slice(from, to).map((registrationId, i) => ({
        scanId: randomUUID(),
        registrationId,
        door: doorName,
        scannedAt: new Date(start + offsetMs + i * 6000).toISOString(),
      }));
    const queueA = queue(0, 300, MAIN, 0);
    const queueB = queue(200, 500, PRESS, 1000);
    const upload = async (token: string, scans: typeof queueA) => {
      const answers = [];
      for (const scan of scans) answers.push(await offlineScan(cid, token, { ...scan, idCheck: undefined }));
      return answers;
    };
    const [answersA, answersB] = await Promise.all([upload(a.token, queueA), upload(b.token, queueB)]);
    for (const answer of [...answersA, ...answersB]) {
      expect(answer.status).toBe(200);
      expect(answer.body.result).toBe('admitted');
    }

    const events = await storedEvents();
    const admissions = events.filter(
      (e) => e.type === 'AttendeeAdmitted' && (e.data as { conferenceId: string }).conferenceId === cid,
    );
    expect(new Set(admissions.map((e) => (e.data as { scanId: string }).scanId))).toEqual(
      new Set([...queueA, ...queueB].map((s) => s.scanId)),
    );
    // Every person let in by both doors is exactly one conflict, about the later scan.
    const found = await conflicts(cid);
    expect(found).toHaveLength(100);
    expect(new Set(found.map((c) => c.registrationId))).toEqual(new Set(ids.slice(200, 300)));
    const byScan = new Map([...queueA, ...queueB].map((s) => [s.scanId, s]));
    for (const c of found) {
      const mine = byScan.get(c.scanId as ReturnType<typeof randomUUID>)!;
      const other = [...queueA, ...queueB].find((s) => s.registrationId === c.registrationId && s !== mine)!;
      expect(Date.parse(mine.scannedAt)).toBeGreaterThan(Date.parse(other.scannedAt));
      expect(c.previous).toMatchObject({ at: other.scannedAt, door: other.door });
    }

    const figures = await attendance(cid);
    expect([figures.admitted, figures.present]).toEqual([500, 500]);
    expect(figures.conflicts).toEqual({ open: 100, total: 100 });
    // The same figures as a fold of the stored events, from scratch.
    const state = initialState();
    for (const e of events) if (isAttendanceEvent(e)) evolve(state, e, e.position);
    const folded = snapshotOf(state.conferences.get(cid)!);
    expect(figures).toEqual({ ...folded, position: figures.position });
  }, 120_000);
});
