// Movements decided offline by a space's door phone (issue 23), over HTTP:
// the door's list carries the spaces and where each person is (whole and by
// delta), an offline movement is recorded as it happened, a movement the
// server would have refused is a conflict in the organisers' list (with the
// space instead of the door) that can be acknowledged, the same scan id again
// writes nothing, and the counts still equal a fold of the stored events.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { foldMovements, movementsStream, type MovementEvent } from '@emargement/spaces';
import type { EventStore } from '../libs/event-store/src/index.js';
import { EVENT_STORE } from '../apps/server/src/event-store/event-store.module.js';
import { Clock } from '../apps/server/src/shared/clock.js';
import { io } from 'socket.io-client';
import { ADMIN_TOKEN, bearer, call, startTestServer, type TestServer } from './support/server.js';
import { admitted, conferenceBody, expectStatus } from './support/data.js';

/** 19 September 2014 in Paris (UTC+2). */
const at = (hhmm: string) => `2014-09-19T${hhmm}:00+02:00`;

interface DatasetTicket {
  registrationId: string;
  place?: {
    inside: { spaceId: string; at: string } | null;
    leftSiteAt: string | null;
    entered: { spaceId: string; at: string }[];
  } | null;
}
interface Dataset {
  cursor: string;
  complete: boolean;
  conference: { spaces?: { spaceId: string; name: string; capacity: number | null }[] };
  tickets: DatasetTicket[];
}

describe('movements decided offline at a space’s door', () => {
  let server: TestServer;
  let api: string;
  let cid: string;
  let phoneA: string;
  let phoneB: string;
  let people: { registrationId: string; ticketCode: string }[] = [];
  let salonId: string;

  const dataset = async (since?: string) =>
    expectStatus(
      await call(
        api,
        'GET',
        `/conferences/${cid}/door-dataset${since ? `?since=${since}` : ''}`,
        undefined,
        bearer(phoneA),
      ),
      200,
    ) as Dataset;
  const post = (body: Record<string, unknown>, token: string) =>
    call(api, 'POST', `/conferences/${cid}/scans`, body, bearer(token));
  const inside = async (name: string) => {
    const body = expectStatus(await call(api, 'GET', `/conferences/${cid}/spaces`), 200) as {
      items: { name: string; inside: number }[];
    };
    return body.items.find((s) => s.name === name)!.inside;
  };
  const conflictsCount = async () =>
    (
      expectStatus(await call(api, 'GET', `/conferences/${cid}/attendance`), 200) as {
        conflicts: { open: number; total: number };
      }
    ).conflicts;
  /** The dashboard's live feed: resolves with the first message whose conflicts match (no sleep: the message). */
  const feed = () => {
    const socket = io(`${server.base}/attendance`, {
      auth: { token: ADMIN_TOKEN, conferenceId: cid },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    const seen: { open: number; total: number }[] = [];
    let waiter: { open: number; resolve: () => void } | null = null;
    const receive = (body: { conflicts: { open: number; total: number } }) => {
      seen.push(body.conflicts);
      if (waiter && body.conflicts.open === waiter.open) waiter.resolve();
    };
    socket.on('snapshot', receive);
    socket.on('update', receive);
    return {
      seen,
      until: (open: number) =>
        seen.at(-1)?.open === open
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              waiter = { open, resolve };
            }),
      close: () => socket.close(),
    };
  };
  const streamLength = async () => {
    const store = server.app.get<symbol, EventStore>(EVENT_STORE);
    return (await store.readStream(movementsStream(cid))).length;
  };

  beforeAll(async () => {
    server = await startTestServer();
    api = `${server.base}/api`;
    ({ conferenceId: cid } = expectStatus(await call(api, 'POST', '/conferences', conferenceBody()), 201) as {
      conferenceId: string;
    });
    const enrol = async () =>
      (
        expectStatus(
          await call(api, 'POST', '/devices', {
            name: `door ${randomUUID().slice(0, 4)}`,
            role: 'door',
            conferenceId: cid,
          }),
          201,
        ) as { token: string }
      ).token;
    phoneA = await enrol();
    phoneB = await enrol();
    ({ spaceId: salonId } = expectStatus(
      await call(api, 'POST', `/conferences/${cid}/spaces`, {
        name: 'Petit salon',
        opens: '09:00',
        closes: '18:00',
        capacity: 1,
      }),
      201,
    ) as { spaceId: string });
    people = [];
    for (let i = 0; i < 3; i++) people.push(await admitted(api, cid));
    server.app.get(Clock).setTo(at('10:00'));
  });
  afterAll(async () => {
    await server.close();
  });

  test('the door’s list carries the spaces and each person’s place, and a movement comes in the delta', async () => {
    const whole = await dataset();
    expect(whole.conference.spaces).toEqual([
      expect.objectContaining({ spaceId: salonId, name: 'Petit salon', capacity: 1 }),
    ]);
    expect(whole.tickets.every((t) => t.place === null)).toBe(true);
    const moved = expectStatus(
      await post(
        { scanId: randomUUID(), ticketCode: people[0]!.ticketCode, space: 'Petit salon', direction: 'in' },
        phoneB,
      ),
      200,
    );
    expect(moved).toMatchObject({ result: 'admitted', direction: 'in' });
    // The delta brings the moved person only, with where they are now.
    let delta = await dataset(whole.cursor);
    for (let i = 0; i < 50 && !delta.tickets.some((t) => t.registrationId === people[0]!.registrationId); i++) {
      // The list is a projection: it catches up with the store's subscription (no sleep: asked again).
      delta = await dataset(whole.cursor);
    }
    expect(delta.complete).toBe(false);
    expect(delta.tickets.map((t) => t.registrationId)).toEqual([people[0]!.registrationId]);
    expect(delta.tickets[0]!.place).toEqual({
      inside: { spaceId: salonId, at: expect.any(String) },
      leftSiteAt: null,
      entered: [{ spaceId: salonId, at: expect.any(String) }],
    });
  });

  test('let in offline where another phone had filled the room: recorded, a movement conflict, the same id writes nothing', async () => {
    // Phone A, offline since 9:55, let person 1 into the salon of one place at 10:02; phone B had let person 0 in.
    const scanId = randomUUID();
    const body = {
      scanId,
      registrationId: people[1]!.registrationId,
      space: 'Petit salon',
      direction: 'auto',
      scannedAt: at('10:02'),
      offline: { result: 'admitted', direction: 'in' },
    };
    // The dashboard's count of conflicts to look at, live, from before the upload.
    expect(await conflictsCount()).toEqual({ open: 0, total: 0 });
    const live = feed();
    await live.until(0);
    const answer = expectStatus(await post(body, phoneA), 200) as {
      result: string;
      direction: string;
      conflict?: { conflictId: string; reason: string; detail?: Record<string, unknown> };
    };
    // The movement conflict raises it, on the feed and in the answer.
    await live.until(1);
    expect(await conflictsCount()).toEqual({ open: 1, total: 1 });
    expect(answer).toMatchObject({
      result: 'admitted',
      direction: 'in',
      space: 'Petit salon',
      conflict: { reason: 'space_full', detail: { inside: 1, capacity: 1 } },
    });
    // Counted as it happened: both are in the room (which is what the organiser is told).
    expect(await inside('Petit salon')).toBe(2);
    const length = await streamLength();
    const again = expectStatus(await post(body, phoneA), 200);
    expect(again).toEqual(answer);
    expect(await streamLength()).toBe(length);

    // In the organisers' list, beside the entrance's conflicts, with the space instead of the door.
    let conflicts: { conflictId: string; reason: string; space?: string; door: string; acknowledged: boolean }[] = [];
    for (let i = 0; i < 50 && conflicts.length === 0; i++) {
      conflicts = expectStatus(await call(api, 'GET', `/conferences/${cid}/conflicts`), 200) as typeof conflicts;
    }
    expect(conflicts).toEqual([
      expect.objectContaining({
        conflictId: answer.conflict!.conflictId,
        scanId,
        registrationId: people[1]!.registrationId,
        reason: 'space_full',
        space: 'Petit salon',
        door: 'Petit salon',
        direction: 'in',
        scannedAt: at('10:02'),
        acknowledged: false,
      }),
    ]);
    expectStatus(
      await call(api, 'POST', `/conferences/${cid}/conflicts/${answer.conflict!.conflictId}/acknowledge`, {
        note: 'Salle vérifiée',
      }),
      200,
    );
    let acknowledged = false;
    for (let i = 0; i < 50 && !acknowledged; i++) {
      const list = expectStatus(await call(api, 'GET', `/conferences/${cid}/conflicts`), 200) as typeof conflicts;
      acknowledged = list[0]!.acknowledged;
    }
    expect(acknowledged).toBe(true);
    // Acknowledged, it leaves the count to look at (and stays in the total).
    await live.until(0);
    live.close();
    expect(await conflictsCount()).toEqual({ open: 0, total: 1 });
    // And in the person's history, with the space and what the server would have said.
    const history = expectStatus(
      await call(api, 'GET', `/conferences/${cid}/registrations/${people[1]!.registrationId}/history`),
      200,
    ) as { type: string; detail: Record<string, unknown> }[];
    expect(history.map((h) => h.type)).toEqual(
      expect.arrayContaining(['PersonEnteredSpace', 'MovementConflicted', 'MovementConflictAcknowledged']),
    );
    expect(history.find((h) => h.type === 'MovementConflicted')!.detail).toMatchObject({
      reason: 'space_full',
      spaceId: salonId,
      limits: { inside: 1, capacity: 1 },
    });
  });

  test('a refusal decided offline is recorded as the phone decided; a movement reason only for a movement', async () => {
    const answer = expectStatus(
      await post(
        {
          scanId: randomUUID(),
          registrationId: people[2]!.registrationId,
          space: 'Petit salon',
          direction: 'in',
          scannedAt: at('10:03'),
          offline: { result: 'refused', reason: 'space_full', direction: 'in' },
        },
        phoneA,
      ),
      200,
    );
    expect(answer).toMatchObject({ result: 'refused', reason: 'space_full' });
    expect(answer).not.toHaveProperty('conflict');
    const length = await streamLength();
    const bad = [
      // No direction decided.
      { space: 'Petit salon', direction: 'in', scannedAt: at('10:04'), offline: { result: 'admitted' } },
      // An entrance reason for a movement.
      {
        space: 'Petit salon',
        direction: 'in',
        scannedAt: at('10:04'),
        offline: { result: 'refused', reason: 'cancelled', direction: 'in' },
      },
      // No scan time.
      { space: 'Petit salon', direction: 'in', offline: { result: 'admitted', direction: 'in' } },
    ];
    for (const body of bad) {
      const refused = await post({ scanId: randomUUID(), registrationId: people[2]!.registrationId, ...body }, phoneA);
      expect(refused).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    }
    // A movement reason is no entrance reason either.
    const entrance = await post(
      {
        scanId: randomUUID(),
        registrationId: people[2]!.registrationId,
        door: 'Accueil principal',
        scannedAt: at('10:04'),
        offline: { result: 'refused', reason: 'space_full' },
      },
      phoneA,
    );
    expect(entrance).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    expect(await streamLength()).toBe(length);
  });

  test('the counts equal a fold of the stored movements', async () => {
    const store = server.app.get<symbol, EventStore>(EVENT_STORE);
    const events = await store.readStream(movementsStream(cid));
    const folded = foldMovements(events.map((e) => ({ type: e.type, data: e.data }) as MovementEvent));
    expect(await inside('Petit salon')).toBe(folded.inside.get(salonId)?.size);
    expect(events.map((e) => e.type)).toContain('MovementConflicted');
  });
});
