// `npm run demo -- --simulate`: the PTCE day played through the HTTP API at
// high speed; the simulator's own tally of the server's answers must equal a
// fold of the events it caused, from scratch (libs/attendance).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { EventStore } from '../libs/event-store/src/index.js';
import { evolve, initialState, isAttendanceEvent, snapshotOf } from '../libs/attendance/src/index.js';
import { EVENT_STORE } from '../apps/server/src/event-store/event-store.module.js';
import { DEMO_CHARTER_ID, DEMO_CONFERENCE_ID, loadDemo, simulationOptions } from '../apps/server/src/demo.js';
import { SIMULATED_DEVICES, simulateDay } from '../apps/server/src/demo-simulation.js';
import { ADMIN_TOKEN, call, startTestServer, type TestServer } from './support/server.js';

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
    });
    // The day has every kind of step, most arrivals in the half hour before the start.
    const kinds = new Set(plan.map((s) => s.kind));
    expect([...kinds].sort()).toEqual([
      'close',
      'lunch',
      'offline_scan',
      'raise_capacity',
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
  }, 120_000);

  test('--simulate plays at 60× unless --speed says otherwise', () => {
    expect(simulationOptions([])).toBeNull();
    expect(simulationOptions(['--simulate'])).toEqual({ speed: 60 });
    expect(simulationOptions(['--simulate', '--speed', '600'])).toEqual({ speed: 600 });
    expect(() => simulationOptions(['--simulate', '--speed', 'vite'])).toThrow('--speed');
  });
});
