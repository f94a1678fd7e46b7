// `npm run demo -- --simulate`: the PTCE day played through the HTTP API at
// high speed; the simulator's own tally of the server's answers must equal a
// fold of the events it caused, from scratch (libs/attendance).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { EventStore } from '../libs/event-store/src/index.js';
import { evolve, initialState, isAttendanceEvent, snapshotOf } from '../libs/attendance/src/index.js';
import { EVENT_STORE } from '../apps/server/src/event-store/event-store.module.js';
import { DEMO_CHARTER_ID, DEMO_CONFERENCE_ID, loadDemo, simulationOptions } from '../apps/server/src/demo/main.js';
import { SIMULATED_DEVICES, simulateDay } from '../apps/server/src/demo/simulation.js';
import { ADMIN_TOKEN, call, startTestServer, type TestServer } from './support/server.js';
import { foldMovements, movementsStream, type MovementEvent } from '@emargement/spaces';
import { Clock } from '../apps/server/src/shared/clock.js';
import { ClosingTime } from '../apps/server/src/spaces/closing-time.js';

describe('the simulated day', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await loadDemo(server.app);
  }, 60_000);
  afterAll(async () => {
    await server.close();
  });

  test('plays the day through the API; its figures are the fold of the events it wrote', async () => {
    const { plan, tally } = await simulateDay({
      base: server.base,
      organiserToken: ADMIN_TOKEN,
      conferenceId: DEMO_CONFERENCE_ID,
      charterId: DEMO_CHARTER_ID,
      speed: Number.POSITIVE_INFINITY,
      // As `npm run demo -- --simulate` does: the server's one clock is the played day's.
      onTime: (at) => server.app.get(Clock).setTo(new Date(at)),
    });
    // The day has every kind of step, most arrivals in the half hour before the start.
    const kinds = new Set(plan.map((s) => s.kind));
    expect([...kinds].sort()).toEqual([
      'close',
      'lunch',
      'move',
      'offline_scan',
      'raise_capacity',
      'roll_call',
      'scan',
      'sign',
      'undo',
      'walk_in',
    ]);
    const start = Date.parse('2014-09-19T09:30:00+02:00');
    const arrivals = plan.filter((s) => s.kind === 'scan' || s.kind === 'offline_scan').map((s) => s.at);
    const rush = arrivals.filter((at) => at >= start - 30 * 60_000 && at <= start).length;
    expect(rush / arrivals.length).toBeGreaterThan(0.5);
    expect(Object.keys(tally.refused).sort()).toEqual(
      expect.arrayContaining(['already_checked_in', 'id_mismatch', 'id_not_checked', 'unknown_ticket', 'waitlisted']),
    );
    expect(tally).toMatchObject({ undone: 1, walkIns: 5, closed: true });
    expect(tally.offlineUploaded).toBeGreaterThan(0);
    expect(tally.signatures).toBeGreaterThan(10);

    const events = await server.app.get<EventStore>(EVENT_STORE).readAll();
    const state = initialState();
    for (const e of events) if (isAttendanceEvent(e)) evolve(state, e, e.position);
    const folded = snapshotOf(state.conferences.get(DEMO_CONFERENCE_ID)!);
    expect(folded.present).toBe(tally.present);
    expect(folded.undone).toBe(tally.undone);
    expect(folded.lunch.paid).toBe(tally.lunchPaid);
    expect(folded.signatures.count).toBe(tally.signatures);
    for (const [reason, count] of Object.entries(folded.refused))
      expect([reason, count]).toEqual([reason, tally.refused[reason] ?? 0]);
    // The walk-ins came after the organisers opened places: all five are in.
    expect(tally.walkInsAdmitted).toBe(5);
    // And the dashboard's snapshot says the same.
    const live = await call(server.base, 'GET', `/api/conferences/${DEMO_CONFERENCE_ID}/attendance`);
    expect(live.body).toMatchObject({ present: tally.present, lunch: { paid: tally.lunchPaid } });

    // The spaces: rooms filled at midday (a fold of the movements made by then), the buffet refused unpaid
    // lunches, the evacuation drill's roll call was ticked; and the counts are the fold of every movement.
    const store = server.app.get<EventStore>(EVENT_STORE);
    const moved = (await store.readStream(movementsStream(DEMO_CONFERENCE_ID))).map(
      (e) => ({ type: e.type, data: e.data }) as MovementEvent,
    );
    const midday = Date.parse('2014-09-19T12:15:00+02:00');
    const byMidday = foldMovements(
      moved.filter((e) => e.type === 'SpaceDefined' || ('at' in e.data && Date.parse(e.data.at) <= midday)),
    );
    const room = (state: typeof byMidday, name: string) => {
      const space = [...state.spaces.values()].find((s) => s.name === name)!;
      return state.inside.get(space.spaceId)?.size ?? 0;
    };
    expect(room(byMidday, 'Salle plénière')).toBeGreaterThan(50);
    expect(room(byMidday, 'Échanges entre pairs')).toBeGreaterThan(5);
    expect(tally.moves.admitted).toBeGreaterThan(300);
    expect(tally.moves.refused.lunch_unpaid).toBeGreaterThan(0);
    const refusals = moved.filter((e) => e.type === 'MovementRefused');
    expect(refusals.filter((e) => e.data.reason === 'lunch_unpaid')).toHaveLength(tally.moves.refused.lunch_unpaid!);
    expect(tally.rollCall).not.toBeNull();
    expect(tally.rollCall!.present).toBeGreaterThan(0);
    expect(tally.rollCall!.present).toBeLessThan(tally.rollCall!.expected);
    const roll = (
      await call(server.base, 'GET', `/api/conferences/${DEMO_CONFERENCE_ID}/roll-calls/${tally.rollCall!.rollCallId}`)
    ).body as { present: number; missing: number };
    expect(roll).toMatchObject({
      present: tally.rollCall!.present,
      missing: tally.rollCall!.expected - tally.rollCall!.present,
    });
    const counts = async () =>
      new Map(
        (
          (await call(server.base, 'GET', `/api/conferences/${DEMO_CONFERENCE_ID}/spaces`)).body as {
            items: { name: string; inside: number }[];
          }
        ).items.map((s) => [s.name, s.inside]),
      );
    const all = foldMovements(moved);
    for (const [name, inside] of await counts()) expect([name, inside]).toEqual([name, room(all, name)]);
    // At the end of the day, on the day's clock, those still inside are checked out, recorded.
    server.app.get(Clock).setTo('2014-09-19T16:30:00+02:00');
    await server.app.get(ClosingTime).sweep();
    expect([...(await counts()).values()].every((n) => n === 0)).toBe(true);
    const last = (await store.readStream(movementsStream(DEMO_CONFERENCE_ID))).at(-1)!;
    expect(last).toMatchObject({ type: 'PersonLeftSpace', data: { because: 'end_of_day' } });

    // Every call was made by a device named as simulated.
    const names = new Set(
      events
        .map((e) => (e.metadata as { deviceId?: string } | null)?.deviceId)
        .filter((id): id is string => typeof id === 'string'),
    );
    const devices = (await call(server.base, 'GET', '/api/devices')).body as {
      devices: { deviceId: string; name: string }[];
    };
    const simulated = devices.devices
      .filter((d) => names.has(d.deviceId))
      .map((d) => d.name)
      .sort();
    expect(simulated).toEqual(
      Object.values(SIMULATED_DEVICES)
        .map((d) => d.name)
        .sort(),
    );
    // The day's movements and roll call are some 2,000 more calls: on the EventStoreDB adapter the day takes ~2 min.
  }, 240_000);

  test('--simulate plays at 60× unless --speed says otherwise', () => {
    expect(simulationOptions([])).toBeNull();
    expect(simulationOptions(['--simulate'])).toEqual({ speed: 60 });
    expect(simulationOptions(['--simulate', '--speed', '600'])).toEqual({ speed: 600 });
    expect(() => simulationOptions(['--simulate', '--speed', 'vite'])).toThrow('--speed');
  });
});
