// The attendance projection, given events, then rows (a real store and a real
// read-models file): a conference's figures are small rows, an event rewrites
// only those it touched, whatever the size of the day (issue 27), and a
// restart reads back from the rows alone the figures a fold of every event gives.
import { afterEach, describe, expect, test } from '@jest/globals';
import { statSync } from 'node:fs';
import {
  evolve,
  initialState,
  isAttendanceEvent,
  snapshotOf,
  type AttendanceEvent,
  type AttendanceSnapshot,
} from '@emargement/attendance';
import type { SqliteEventStore } from '@emargement/event-store';
import {
  admitted,
  at,
  charterPublished,
  charterSigned,
  conferenceId,
  lunchPaid,
  pressDoor,
  refused,
  registered,
  scheduled,
  signatureVoided,
  undone,
  waitlisted,
} from '../../../../libs/attendance/test/examples.js';
import { given, type GivenEvent, type Projected } from '../projections/testing/given.support.spec.js';
import { AttendanceProjection } from './attendance.projection.js';

const opened: Projected<AttendanceProjection>[] = [];
afterEach(async () => {
  for (const p of opened.splice(0)) await p.close();
});

const on = (stream: string, events: readonly AttendanceEvent[]): GivenEvent[] =>
  events.map((e) => ({ stream, type: e.type, data: e.data }));
const conflict = (id: string): GivenEvent => ({
  stream: `door-${conferenceId}`,
  type: 'ScanConflicted',
  data: {
    conferenceId,
    conflictId: id,
    scanId: id,
    registrationId: null,
    reason: 'already_checked_in',
    door: pressDoor,
    deviceId: 'd',
    scannedAt: at('09:00:00'),
    receivedAt: at('09:30:00'),
    previous: null,
    detectedAt: at('09:30:00'),
  },
});
const acknowledged = (id: string): GivenEvent => ({
  stream: `door-${conferenceId}`,
  type: 'ConflictAcknowledged',
  data: {
    conferenceId,
    conflictId: id,
    registrationId: null,
    note: null,
    deviceId: 'd',
    acknowledgedAt: at('10:00:00'),
  },
});

const start = async (events: readonly GivenEvent[]) => {
  const p = await given((rm) => new AttendanceProjection(rm), events);
  opened.push(p);
  return p;
};
/** What a fold of every stored event in one go gives. */
const folded = async (store: SqliteEventStore): Promise<AttendanceSnapshot> => {
  const state = initialState();
  for (const e of await store.readAll()) if (isAttendanceEvent(e)) evolve(state, e, e.position);
  return snapshotOf(state.conferences.get(conferenceId)!);
};
const parts = (p: Projected<AttendanceProjection>) =>
  p.rows<{ part: string }>('SELECT part FROM attendance_parts ORDER BY part').map((r) => r.part);

describe('the attendance projection', () => {
  test('given a conference, two registrations and an admission, then a head row and one row per organisation, door and slot', async () => {
    const p = await start([
      ...on('conference', [scheduled()]),
      ...on('conference', [registered(1, { organisation: 'Acme' }), registered(2, { organisation: 'Globex' })]),
      ...on('ticket-1', [admitted(1, { scannedAt: at('09:42:00') })]),
    ]);
    const slot = String(Date.parse(at('09:40:00')));
    expect(parts(p)).toEqual(
      [
        'head',
        'byOrganisation\tacme',
        'byOrganisation\tglobex',
        'byDoor\tAccueil principal',
        `arrivals\t${slot}`,
      ].sort(),
    );
    expect(p.rows('SELECT registration_id FROM attendance_registrations')).toHaveLength(2);
    const [door] = p.rows<{ value: string }>(
      `SELECT value FROM attendance_parts WHERE part = 'byDoor' || char(9) || 'Accueil principal'`,
    );
    expect(JSON.parse(door!.value)).toEqual({ admitted: 1, refused: 0, present: 1 });
  });

  test('when the admission is undone and a conflict acknowledged, their rows go: the rows equal a rebuild', async () => {
    const p = await start([
      ...on('conference', [scheduled(), registered(1)]),
      ...on('ticket-1', [admitted(1, { scannedAt: at('09:42:00') })]),
      conflict('c1'),
    ]);
    expect(parts(p).filter((x) => x.startsWith('arrivals') || x.startsWith('conflicts'))).toHaveLength(2);
    await p.when([...on('ticket-1', [undone(1)]), acknowledged('c1')]);
    expect(parts(p).filter((x) => x.startsWith('arrivals') || x.startsWith('conflicts'))).toEqual([]);
    expect(p.projection.snapshot(conferenceId)).toEqual(await folded(p.store));
  });

  test('a restart reads back from its rows the figures of a fold of every event', async () => {
    const p = await start([
      ...on('conference', [scheduled(), charterPublished()]),
      ...on(
        'conference',
        Array.from({ length: 40 }, (_, i) =>
          i % 10 === 9 ? waitlisted(i + 1) : registered(i + 1, { organisation: `Org ${i % 7}` }),
        ),
      ),
    ]);
    // Live batches, one after the other, as the doors send them.
    for (let n = 1; n <= 40; n += 4) {
      await p.when([
        ...on(`ticket-${n}`, [admitted(n, { door: n % 8 === 1 ? pressDoor : undefined })]),
        ...on(`ticket-${n + 1}`, [refused(n + 1, 'id_not_checked'), lunchPaid(n + 1)]),
        ...on('charter', [charterSigned(n + 2)]),
        conflict(`c${n}`),
      ]);
    }
    await p.when([...on('ticket-1', [undone(1)]), ...on('charter', [signatureVoided(3)]), acknowledged('c5')]);
    const expected = await folded(p.store);
    expect(p.projection.snapshot(conferenceId)).toEqual(expected);
    expect(p.reloaded().snapshot(conferenceId)).toEqual(expected);
  });

  test('an admission writes the same rows and pages at 20 and at 2,000 registrations of as many organisations', async () => {
    const work = async (people: number) => {
      const p = await start([
        ...on('conference', [scheduled()]),
        ...on(
          'conference',
          Array.from({ length: people }, (_, i) => registered(i + 1, { organisation: `Organisation ${i + 1}` })),
        ),
        ...on('tickets', [admitted(2)]),
      ]);
      const db = p.readModels.db;
      // The write-ahead log emptied: what the next commit appends is its pages.
      db.pragma('wal_checkpoint(TRUNCATE)');
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      const changes = () => (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
      const before = changes();
      await p.when(on('tickets', [admitted(1)]));
      const wal = statSync(`${db.name}-wal`).size;
      return { rows: changes() - before, pages: Math.round((wal - 32) / (pageSize + 24)) };
    };
    const small = await work(20);
    const large = await work(2000);
    process.stdout.write(`one admission: ${JSON.stringify({ small, large })}\n`);
    // The registration, the head, its organisation, its door, its slot, the checkpoint.
    expect(small.rows).toBe(6);
    expect(large.rows).toBe(small.rows);
    // A page or two more for a deeper b-tree, never the size of the day.
    expect(large.pages).toBeLessThanOrEqual(small.pages + 2);
  });
});
