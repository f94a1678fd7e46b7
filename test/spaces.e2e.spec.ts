// The day's spaces (issue 23) over HTTP, on the store the e2e run is on: the
// first day's « espaces dédiés » set up from the fixture, movements decided by
// the server's one clock (set to 12:29 and 12:30), people counted not scans,
// leaving the site and coming back, the evacuation list and a roll call ticked
// from two phones; the counts equal a fold of the stored movements.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readFixture } from '@emargement/testing';
import { foldMovements, movementsStream, type MovementEvent } from '@emargement/spaces';
import type { EventStore } from '../libs/event-store/src/index.js';
import { EVENT_STORE } from '../apps/server/src/event-store/event-store.module.js';
import { Clock } from '../apps/server/src/shared/clock.js';
import { ClosingTime } from '../apps/server/src/spaces/closing-time.js';
import { bearer, call, startTestServer, type TestServer } from './support/server.js';
import { conferenceBody, expectStatus, personBody } from './support/data.js';
import { pdfText } from './support/pdf.js';

interface FixtureSpace {
  name: string;
  opens: string;
  closes: string;
  capacity?: number;
  audience?: string[];
  requiresLunch?: boolean;
  oneEntry?: boolean;
  exitScan?: boolean;
}
interface SpaceView {
  spaceId: string;
  name: string;
  inside: number;
  capacity: number | null;
  open: boolean;
}
interface Answer {
  scanId: string;
  result: 'admitted' | 'refused';
  reason?: string;
  direction?: 'in' | 'out';
  space?: string;
  detail?: Record<string, unknown>;
}

/** 19 September 2014 in Paris (UTC+2). */
const at = (hhmm: string) => `2014-09-19T${hhmm}:00+02:00`;

describe('spaces, movements, who is on site', () => {
  let server: TestServer;
  let api: string;
  let cid: string;
  let doorA: string;
  let doorB: string;
  let display: string;
  const people: { registrationId: string; ticketCode: string }[] = [];

  const clock = () => server.app.get(Clock);
  const move = async (i: number, space: string, direction: 'in' | 'out' | 'auto', token = doorA): Promise<Answer> =>
    expectStatus(
      await call(
        api,
        'POST',
        `/conferences/${cid}/scans`,
        { scanId: randomUUID(), ticketCode: people[i]!.ticketCode, space, direction },
        bearer(token),
      ),
      200,
    ) as Answer;
  const atDoor = async (i: number, direction?: 'in' | 'out'): Promise<Answer> =>
    expectStatus(
      await call(
        api,
        'POST',
        `/conferences/${cid}/scans`,
        {
          scanId: randomUUID(),
          ticketCode: people[i]!.ticketCode,
          door: 'Accueil principal',
          // The morning's admissions at 9:40; movements are at the server's clock, set by each test.
          ...(direction
            ? { direction }
            : { idCheck: { document: 'passport', nameMatches: true }, scannedAt: at('09:40') }),
        },
        bearer(doorA),
      ),
      200,
    ) as Answer;
  const spaces = async (token?: string): Promise<Map<string, SpaceView>> => {
    const body = expectStatus(
      await call(api, 'GET', `/conferences/${cid}/spaces`, undefined, token ? bearer(token) : {}),
      200,
    ) as { items: SpaceView[] };
    return new Map(body.items.map((s) => [s.name, s]));
  };

  beforeAll(async () => {
    server = await startTestServer();
    api = `${server.base}/api`;
    ({ conferenceId: cid } = expectStatus(await call(api, 'POST', '/conferences', conferenceBody()), 201) as {
      conferenceId: string;
    });
    const enrol = async (role: string) =>
      (
        expectStatus(
          await call(api, 'POST', '/devices', { name: `${role} ${randomUUID().slice(0, 4)}`, role, conferenceId: cid }),
          201,
        ) as { token: string }
      ).token;
    doorA = await enrol('door');
    doorB = await enrol('door');
    display = await enrol('display');
    // The first day's spaces, as the fixture gives them (its desks are a note for people, not a rule).
    const fixture = JSON.parse(readFixture('ptce-2014/spaces.json')) as (FixtureSpace & { desks?: string[] })[];
    for (const { desks: _desks, ...space } of fixture) {
      expectStatus(await call(api, 'POST', `/conferences/${cid}/spaces`, space), 201);
    }
    expectStatus(
      await call(api, 'POST', `/conferences/${cid}/spaces`, {
        name: 'Petit salon',
        opens: '09:00',
        closes: '18:00',
        capacity: 1,
      }),
      201,
    );
    for (let i = 0; i < 4; i++) {
      people.push(
        expectStatus(
          await call(
            api,
            'POST',
            `/conferences/${cid}/registrations`,
            personBody({ category: i === 3 ? 'press' : i === 2 ? 'staff' : 'participant' }),
          ),
          201,
        ) as { registrationId: string; ticketCode: string },
      );
    }
    for (let i = 0; i < 3; i++) expect((await atDoor(i)).result).toBe('admitted');
  });
  afterAll(async () => {
    await server.close();
  });

  test('the fixture’s spaces are there, with their capacity, counts only for a screen', async () => {
    const all = await spaces(display);
    expect([...all.keys()]).toEqual([
      'Salle plénière',
      'Médias',
      'Échanges entre pairs',
      'Conseils professionnels',
      'Buffet',
      'Petit salon',
    ]);
    expect(all.get('Buffet')).toMatchObject({ capacity: 250, inside: 0 });
    expect((await call(api, 'GET', `/conferences/${cid}/on-site`, undefined, bearer(display))).status).toBe(403);
    // A space's name is one space's.
    const taken = await call(api, 'POST', `/conferences/${cid}/spaces`, {
      name: 'buffet',
      opens: '12:00',
      closes: '13:00',
    });
    expect(taken).toMatchObject({ status: 409, body: { code: 'space_name_taken' } });
  });

  test('the buffet at 12:29 and 12:30, lunch unpaid then paid, one entry only', async () => {
    clock().setTo(at('12:29'));
    expect(await move(0, 'Buffet', 'in')).toMatchObject({
      result: 'refused',
      reason: 'space_closed',
      detail: { opens: '12:30', closes: '14:00' },
    });
    clock().setTo(at('12:30'));
    expect(await move(0, 'Buffet', 'in')).toMatchObject({ result: 'refused', reason: 'lunch_unpaid' });
    const pay = { paymentId: randomUUID(), amountCents: 2000, method: 'cash' };
    expectStatus(
      await call(
        api,
        'POST',
        `/conferences/${cid}/registrations/${people[0]!.registrationId}/lunch-payment`,
        pay,
        bearer(doorA),
      ),
      201,
    );
    expect(await move(0, 'Buffet', 'in')).toMatchObject({ result: 'admitted', direction: 'in', space: 'Buffet' });
    expect(await move(0, 'Buffet', 'in', doorB)).toMatchObject({ result: 'refused', reason: 'already_entered' });
    expect((await spaces()).get('Buffet')!.inside).toBe(1);
  });

  test('categories, capacity, and people counted once when they move or two phones scan them', async () => {
    clock().setTo(at('10:00'));
    // The media corner is for everyone but staff (the fixture's audience).
    expect(await move(2, 'Médias', 'in')).toMatchObject({ result: 'refused', reason: 'not_for_category' });
    expect(await move(3, 'Médias', 'in')).toMatchObject({ result: 'refused', reason: 'not_admitted' });
    expect(await move(1, 'Petit salon', 'in')).toMatchObject({ result: 'admitted' });
    expect(await move(1, 'Petit salon', 'in', doorB)).toMatchObject({ result: 'admitted' });
    expect(await move(2, 'Petit salon', 'in')).toMatchObject({
      result: 'refused',
      reason: 'space_full',
      detail: { inside: 1, capacity: 1 },
    });
    expect(await move(1, 'Échanges entre pairs', 'in')).toMatchObject({ result: 'admitted' });
    const now = await spaces();
    expect(now.get('Petit salon')!.inside).toBe(0);
    expect(now.get('Échanges entre pairs')!.inside).toBe(1);
    expect(await move(2, 'Petit salon', 'auto')).toMatchObject({ result: 'admitted', direction: 'in' });
    expect(await move(2, 'Petit salon', 'auto')).toMatchObject({ result: 'admitted', direction: 'out' });
    expect(await move(2, 'Petit salon', 'out')).toMatchObject({ result: 'refused', reason: 'not_inside' });
  });

  test('leaving the site and coming back; the evacuation list follows', async () => {
    const onSite = async () =>
      expectStatus(await call(api, 'GET', `/conferences/${cid}/on-site`, undefined, bearer(doorA)), 200) as {
        count: number;
        people: { registrationId: string; lastSeen: { place: string } }[];
      };
    expect((await onSite()).count).toBe(3);
    expect(await atDoor(1, 'out')).toMatchObject({ result: 'admitted', direction: 'out', space: 'site' });
    const after = await onSite();
    expect(after.count).toBe(2);
    expect(after.people.map((p) => p.registrationId)).not.toContain(people[1]!.registrationId);
    expect((await spaces()).get('Échanges entre pairs')!.inside).toBe(0);
    // Back in: a re-entry, not already_checked_in.
    expect(await atDoor(1, 'in')).toMatchObject({ result: 'admitted', direction: 'in', space: 'site' });
    const back = await onSite();
    expect(back.count).toBe(3);
    // On paper, for the assembly point: the same people, by name.
    const pdf = await fetch(`${api}/conferences/${cid}/on-site.pdf`, { headers: bearer(doorA) });
    expect(pdf.headers.get('content-type')).toContain('application/pdf');
    const text = await pdfText(Buffer.from(await pdf.arrayBuffer()));
    expect(text).toContain('Présents sur le site — 3');
    expect(text).toContain('Buffet · 12:30');
    expect(text).toContain('Petit salon · 10:00');
    // Someone on site coming « in » at a door is the entrance's business: already_checked_in, as ever.
    expect(await atDoor(2, 'in')).toMatchObject({ result: 'refused', reason: 'already_checked_in' });
  });

  test('a roll call ticked from two phones merges; each tick counts once', async () => {
    const rollCallId = randomUUID();
    expect(
      expectStatus(await call(api, 'POST', `/conferences/${cid}/roll-calls`, { rollCallId }, bearer(doorA)), 201),
    ).toEqual({ rollCallId, expected: 3 });
    const tick = async (i: number, markId: string, token: string) =>
      expectStatus(
        await call(
          api,
          'POST',
          `/conferences/${cid}/roll-calls/${rollCallId}/marks`,
          { markId, registrationId: people[i]!.registrationId },
          bearer(token),
        ),
        201,
      ) as { present: number };
    const m0 = randomUUID();
    expect(await tick(0, m0, doorA)).toMatchObject({ present: 1 });
    expect(await tick(0, m0, doorA)).toMatchObject({ present: 1 });
    expect(await tick(2, randomUUID(), doorB)).toMatchObject({ present: 2 });
    const roll = expectStatus(
      await call(api, 'GET', `/conferences/${cid}/roll-calls/${rollCallId}`, undefined, bearer(doorB)),
      200,
    ) as { present: number; missing: number; people: { registrationId: string; present: boolean }[] };
    expect(roll).toMatchObject({ present: 2, missing: 1 });
    expect(roll.people.filter((p) => !p.present).map((p) => p.registrationId)).toEqual([people[1]!.registrationId]);
    const unknown = await call(api, 'POST', `/conferences/${cid}/roll-calls/${randomUUID()}/marks`, {
      markId: randomUUID(),
      registrationId: people[0]!.registrationId,
    });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'unknown_roll_call' } });
    // A tick names someone registered here: a made-up id is refused, and the roll call is as it was.
    const stranger = await call(api, 'POST', `/conferences/${cid}/roll-calls/${rollCallId}/marks`, {
      markId: randomUUID(),
      registrationId: randomUUID(),
    });
    expect(stranger).toMatchObject({ status: 404, body: { code: 'unknown_registration' } });
    expect(expectStatus(await call(api, 'GET', `/conferences/${cid}/roll-calls/${rollCallId}`), 200)).toMatchObject({
      present: 2,
      missing: 1,
    });
  });

  test('at closing time those still inside are checked out, recorded', async () => {
    clock().setTo(at('14:50'));
    expect(await move(0, 'Échanges entre pairs', 'in')).toMatchObject({ result: 'admitted' });
    expect((await spaces()).get('Échanges entre pairs')!.inside).toBe(1);
    const closing = server.app.get(ClosingTime);
    expect(await closing.sweep()).toBe(0);
    clock().setTo(at('15:00'));
    expect(await closing.sweep()).toBe(1);
    const now = await spaces();
    expect(now.get('Échanges entre pairs')).toMatchObject({ inside: 0, open: false });
    const store = server.app.get<symbol, EventStore>(EVENT_STORE);
    const last = (await store.readStream(movementsStream(cid))).at(-1)!;
    expect(last).toMatchObject({ type: 'PersonLeftSpace', data: { because: 'closing' } });
  });

  test('spaces can come with the conference; two of one name refuse it whole', async () => {
    const fixture = JSON.parse(readFixture('ptce-2014/spaces.json')) as (FixtureSpace & { desks?: string[] })[];
    const spacesOf = fixture.map(({ desks: _desks, ...space }) => space);
    const created = expectStatus(
      await call(api, 'POST', '/conferences', conferenceBody({ spaces: spacesOf })),
      201,
    ) as {
      conferenceId: string;
    };
    const list = expectStatus(await call(api, 'GET', `/conferences/${created.conferenceId}/spaces`), 200) as {
      items: SpaceView[];
    };
    expect(list.items.map((s) => s.name)).toEqual(fixture.map((s) => s.name));
    const conferenceId = randomUUID();
    const twice = await call(
      api,
      'POST',
      '/conferences',
      conferenceBody({
        conferenceId,
        spaces: [spacesOf[0], { ...spacesOf[1], name: spacesOf[0]!.name.toUpperCase() }],
      }),
    );
    expect(twice).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    expect((await call(api, 'GET', `/conferences/${conferenceId}`)).status).toBe(404);
  });

  test('the counts equal a fold of the stored movements', async () => {
    const store = server.app.get<symbol, EventStore>(EVENT_STORE);
    const events = await store.readStream(movementsStream(cid));
    const folded = foldMovements(events.map((e) => ({ type: e.type, data: e.data }) as MovementEvent));
    const shown = await spaces();
    for (const [spaceId, space] of folded.spaces) {
      expect([space.name, shown.get(space.name)!.inside]).toEqual([space.name, folded.inside.get(spaceId)?.size ?? 0]);
    }
    expect(events.filter((e) => e.type === 'MovementRefused').length).toBeGreaterThan(5);
  });
});
