// An admission undone at the entrance while the person is inside a space
// (issue 23: « counting never doubles when a scan is undone », « checked out
// by a recorded event, not silently »), on the store the e2e run is on: the
// buffet's count goes back down, the evacuation list drops the person, their
// history says why, and neither a second undo nor a restart writes anything.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ticketStream } from '@emargement/conference';
import { movementsStream } from '@emargement/spaces';
import type { EventStore } from '../libs/event-store/src/index.js';
import { EVENT_STORE } from '../apps/server/src/event-store/event-store.module.js';
import { Clock } from '../apps/server/src/shared/clock.js';
import { UndoneAdmissions } from '../apps/server/src/spaces/undone-admissions.js';
import { bearer, call, startTestServer, type TestServer } from './support/server.js';
import { conferenceBody, expectStatus, personBody } from './support/data.js';

/** 19 September 2014 in Paris (UTC+2). */
const at = (hhmm: string) => `2014-09-19T${hhmm}:00+02:00`;

describe('an admission undone while the person is inside a space', () => {
  let server: TestServer;
  let api: string;
  let cid: string;
  let door: string;
  const people: { registrationId: string; ticketCode: string }[] = [];

  const store = () => server.app.get<symbol, EventStore>(EVENT_STORE);
  const movementsLog = async () => (await store().readStream(movementsStream(cid))).map((e) => e.type);
  const scan = async (i: number, body: Record<string, unknown>) =>
    expectStatus(
      await call(
        api,
        'POST',
        `/conferences/${cid}/scans`,
        { scanId: randomUUID(), ticketCode: people[i]!.ticketCode, ...body },
        bearer(door),
      ),
      200,
    ) as { result: string; reason?: string };
  const admit = (i: number) =>
    scan(i, {
      door: 'Accueil principal',
      idCheck: { document: 'passport', nameMatches: true },
      scannedAt: at('09:40'),
    });
  const inside = async (space: string) =>
    (
      expectStatus(await call(api, 'GET', `/conferences/${cid}/spaces`), 200) as {
        items: { name: string; inside: number }[];
      }
    ).items.find((s) => s.name === space)!.inside;
  const onSite = async () =>
    (
      expectStatus(await call(api, 'GET', `/conferences/${cid}/on-site`, undefined, bearer(door)), 200) as {
        count: number;
        people: { registrationId: string }[];
      }
    ).people.map((p) => p.registrationId);
  const undo = async (i: number) => {
    const rid = people[i]!.registrationId;
    const answer = await call(
      api,
      'POST',
      `/conferences/${cid}/registrations/${rid}/undo-admission`,
      { undoId: randomUUID(), reason: 'mauvais billet scanné' },
      bearer(door),
    );
    // Wait for the check-out's reaction to this very undo (the last event on the ticket), not for a time; an undo
    // refused (`AdmissionUndoRefused`) undid nothing and gets no reaction.
    const last = (await store().readStream(ticketStream(rid))).at(-1)!;
    if (last.type === 'AdmissionUndone') await server.app.get(UndoneAdmissions).untilPosition(last.position);
    return answer;
  };

  beforeAll(async () => {
    server = await startTestServer();
    api = `${server.base}/api`;
    ({ conferenceId: cid } = expectStatus(await call(api, 'POST', '/conferences', conferenceBody()), 201) as {
      conferenceId: string;
    });
    door = (
      expectStatus(
        await call(api, 'POST', '/devices', {
          name: `door ${randomUUID().slice(0, 4)}`,
          role: 'door',
          conferenceId: cid,
        }),
        201,
      ) as { token: string }
    ).token;
    expectStatus(
      await call(api, 'POST', `/conferences/${cid}/spaces`, { name: 'Buffet', opens: '12:30', closes: '14:00' }),
      201,
    );
    for (let i = 0; i < 2; i++) {
      people.push(
        expectStatus(await call(api, 'POST', `/conferences/${cid}/registrations`, personBody()), 201) as {
          registrationId: string;
          ticketCode: string;
        },
      );
      expect((await admit(i)).result).toBe('admitted');
    }
    server.app.get(Clock).setTo(at('12:40'));
    for (let i = 0; i < 2; i++) expect((await scan(i, { space: 'Buffet', direction: 'in' })).result).toBe('admitted');
  });
  afterAll(async () => {
    await server.close();
  });

  test('the person is checked out of the buffet, by a recorded event, and is no longer on site', async () => {
    expect(await inside('Buffet')).toBe(2);
    expect(await onSite()).toContain(people[0]!.registrationId);

    expect((await undo(0)).status).toBe(200);

    expect(await inside('Buffet')).toBe(1);
    const evacuation = await onSite();
    expect(evacuation).not.toContain(people[0]!.registrationId);
    expect(evacuation).toContain(people[1]!.registrationId);
    const last = (await store().readStream(movementsStream(cid))).at(-1)!;
    expect(last).toMatchObject({
      type: 'PersonLeftSpace',
      data: { registrationId: people[0]!.registrationId, because: 'admission_undone', scanId: null },
    });
    const history = expectStatus(
      await call(api, 'GET', `/conferences/${cid}/registrations/${people[0]!.registrationId}/history`),
      200,
    ) as { type: string; door?: string; detail?: Record<string, unknown> }[];
    // Said as the door that undid it, in the buffet it was in, with its reason.
    expect(history.filter((h) => h.type === 'PersonLeftSpace')).toEqual([
      expect.objectContaining({
        door: 'Buffet',
        at: new Date(at('12:40')).toISOString(),
        detail: expect.objectContaining({ because: 'admission_undone', direction: 'out' }),
      }),
    ]);
  });

  test('a second undo, then a restart, write nothing more', async () => {
    const before = await movementsLog();
    expect(await undo(0)).toMatchObject({ status: 409, body: { code: 'already_undone' } });
    expect(await movementsLog()).toEqual(before);

    server = await server.restart();
    api = `${server.base}/api`;
    await server.app.get(UndoneAdmissions).untilCaughtUp();
    expect(await movementsLog()).toEqual(before);
    expect(await inside('Buffet')).toBe(1);
  });

  test('admitted again and back in the buffet, the old undo replayed at a restart leaves them there', async () => {
    expect((await admit(0)).result).toBe('admitted');
    server.app.get(Clock).setTo(at('12:50'));
    expect((await scan(0, { space: 'Buffet', direction: 'in' })).result).toBe('admitted');
    expect(await inside('Buffet')).toBe(2);
    const before = await movementsLog();

    server = await server.restart();
    api = `${server.base}/api`;
    await server.app.get(UndoneAdmissions).untilCaughtUp();
    expect(await movementsLog()).toEqual(before);
    expect(await inside('Buffet')).toBe(2);

    // The dashboard's curve of the day (counts only, a room's screen may ask), folded again after the restart:
    // two in at 12:40 and one checked out by the undo, the same one back at 12:50.
    const display = (
      expectStatus(await call(api, 'POST', '/devices', { name: 'écran', role: 'display', conferenceId: cid }), 201) as {
        token: string;
      }
    ).token;
    const list = expectStatus(
      await call(api, 'GET', `/conferences/${cid}/spaces?curve=true`, undefined, bearer(display)),
      200,
    ) as { items: { name: string; curve: { slotMinutes: number; slots: unknown[] } }[] };
    expect(list.items[0]!.curve).toEqual({
      slotMinutes: 5,
      slots: [
        { at: new Date(at('12:40')).toISOString(), entered: 2, inside: 1, peak: 2 },
        { at: new Date(at('12:50')).toISOString(), entered: 1, inside: 2, peak: 2 },
      ],
    });
    // Without asking, no curve (a door phone polls this list every few seconds).
    const plain = expectStatus(await call(api, 'GET', `/conferences/${cid}/spaces`), 200) as { items: object[] };
    expect(plain.items[0]).not.toHaveProperty('curve');
    expect((await call(api, 'GET', `/conferences/${cid}/spaces?curve=yes`)).body).toMatchObject({
      code: 'validation_failed',
    });
  });
  test('an entry a space’s phone let through offline, uploaded after the undo, is checked out too', async () => {
    const rid = people[1]!.registrationId;
    const clock = server.app.get(Clock);
    clock.setTo(at('12:52'));
    expect(await scan(1, { space: 'Buffet', direction: 'out' })).toMatchObject({ result: 'admitted' });
    expect(await inside('Buffet')).toBe(1);
    // Undone at 12:53 while out of the buffet: nothing to check out.
    clock.setTo(at('12:53'));
    const before = (await movementsLog()).length;
    expect((await undo(1)).status).toBe(200);
    expect((await movementsLog()).length).toBe(before);
    // The buffet's phone, offline since before the undo, let them back in at 12:54; it uploads now.
    clock.setTo(at('12:58'));
    const answer = expectStatus(
      await call(
        api,
        'POST',
        `/conferences/${cid}/scans`,
        {
          scanId: randomUUID(),
          registrationId: rid,
          space: 'Buffet',
          direction: 'in',
          scannedAt: at('12:54'),
          offline: { result: 'admitted', direction: 'in' },
        },
        bearer(door),
      ),
      200,
    ) as { result: string; conflict?: { reason: string } };
    expect(answer).toMatchObject({ result: 'admitted', conflict: { reason: 'not_admitted' } });
    const conflicted = (await store().readStream(movementsStream(cid))).find((e) => e.type === 'MovementConflicted')!;
    await server.app.get(UndoneAdmissions).untilPosition(conflicted.position);
    // Recorded as it happened, the disagreement beside it, then checked out: the count is of admitted people.
    expect((await movementsLog()).slice(before)).toEqual([
      'PersonEnteredSpace',
      'MovementConflicted',
      'PersonLeftSpace',
    ]);
    const last = (await store().readStream(movementsStream(cid))).at(-1)!;
    expect(last.data).toMatchObject({ registrationId: rid, because: 'admission_undone' });
    expect(await inside('Buffet')).toBe(1);
  });

  test('left the site, admission undone, admitted again: back on site, a space lets them in', async () => {
    people.push(
      expectStatus(await call(api, 'POST', `/conferences/${cid}/registrations`, personBody()), 201) as {
        registrationId: string;
        ticketCode: string;
      },
    );
    const rid = people[2]!.registrationId;
    expect((await admit(2)).result).toBe('admitted');
    // Out through a site door at 11:00, then the entrance's admission is undone (a wrong ticket scanned).
    expect(await scan(2, { door: 'Accueil principal', direction: 'out', scannedAt: at('11:00') })).toMatchObject({
      result: 'admitted',
      direction: 'out',
    });
    // A plain entrance re-scan while still admitted is the entrance's answer, not a re-entry (a site door's `in` is).
    expect(
      await scan(2, {
        door: 'Accueil principal',
        idCheck: { document: 'passport', nameMatches: true },
        scannedAt: at('11:05'),
      }),
    ).toMatchObject({ result: 'refused', reason: 'already_checked_in' });
    expect(await onSite()).not.toContain(rid);
    expect((await undo(2)).status).toBe(200);
    // Admitted again at the entrance at 11:20: coming back in is a re-entry, not a refusal.
    expect(
      (
        await scan(2, {
          door: 'Accueil principal',
          idCheck: { document: 'passport', nameMatches: true },
          scannedAt: at('11:20'),
        })
      ).result,
    ).toBe('admitted');
    const admitted = (await store().readStream(ticketStream(rid))).at(-1)!;
    expect(admitted.type).toBe('AttendeeAdmitted');
    await server.app.get(UndoneAdmissions).untilPosition(admitted.position);
    const last = (await store().readStream(movementsStream(cid))).at(-1)!;
    expect(last).toMatchObject({
      type: 'PersonReturnedToSite',
      data: { registrationId: rid, because: 'admitted', at: at('11:20') },
    });
    expect(await onSite()).toContain(rid);
    server.app.get(Clock).setTo(at('12:59'));
    expect(await scan(2, { space: 'Buffet', direction: 'in' })).toMatchObject({ result: 'admitted' });

    // A restart reads every admission again (the one of 9:40, from before they left, too): nothing more written.
    const before = await movementsLog();
    server = await server.restart();
    api = `${server.base}/api`;
    await server.app.get(UndoneAdmissions).untilCaughtUp();
    expect(await movementsLog()).toEqual(before);
    expect(await onSite()).toContain(rid);
  });
});
