// The doors' projections (the door's list and the conflicts), given events,
// then rows, on a real store and a real read-models file.
import { afterEach, describe, expect, test } from '@jest/globals';
import type { AttendanceEvent } from '@emargement/attendance';
import {
  admitted,
  at,
  cancelled,
  conferenceId,
  lunchPaid,
  registered,
  registrationId,
  scanId,
  undone,
  waitlisted,
} from '../../../../libs/attendance/test/examples.js';
import { given, type GivenEvent, type Projected } from '../projections/testing/given.support.spec.js';
import { DoorProjections } from './door-projections.js';
import { ticketSha256 } from '@emargement/conference';

const opened: Projected<DoorProjections>[] = [];
afterEach(async () => {
  for (const p of opened.splice(0)) await p.close();
});
const on = (stream: string, events: readonly AttendanceEvent[]): GivenEvent[] =>
  events.map((e) => ({ stream, type: e.type, data: e.data }));
const start = async (events: readonly GivenEvent[]) => {
  const p = await given((rm) => new DoorProjections(rm), events);
  opened.push(p);
  return p;
};
const tickets = (p: Projected<DoorProjections>) =>
  p
    .rows<{ row: string; position: number }>('SELECT row, position FROM door_tickets ORDER BY registration_id')
    .map((r) => ({ ...(JSON.parse(r.row) as Record<string, unknown>), position: r.position }));
const conflicts = (p: Projected<DoorProjections>) =>
  p
    .rows<{ row: string }>('SELECT row FROM door_conflicts ORDER BY conflict_id')
    .map((r) => JSON.parse(r.row) as object);

const conflict = (id: string): GivenEvent => ({
  stream: `door-${conferenceId}`,
  type: 'ScanConflicted',
  data: {
    conferenceId,
    conflictId: id,
    scanId: id,
    registrationId: null,
    reason: 'already_checked_in',
    door: 'Presse',
    deviceId: 'd',
    scannedAt: at('09:00:00'),
    receivedAt: at('09:30:00'),
    previous: null,
    detectedAt: at('09:30:00'),
  },
});

describe('the door’s list', () => {
  test('given registrations, an admission, an undo and lunch, then one row per ticket with its last position', async () => {
    const p = await start([
      ...on('conference', [registered(1, { organisation: ' Acme ' }), waitlisted(2), registered(3)]),
      ...on('ticket-1', [admitted(1, { scannedAt: at('09:42:00') }), lunchPaid(1)]),
      ...on('ticket-3', [admitted(3), undone(3)]),
      ...on('conference', [cancelled(2, 'waitlisted')]),
    ]);
    const [one, two, three] = tickets(p);
    expect(one).toMatchObject({
      registrationId: registrationId(1),
      ticketSha256: ticketSha256(`tk${'1'.padStart(30, '0')}`),
      organisation: 'Acme',
      status: 'registered',
      lunchPaid: true,
      admissions: [{ scanId: scanId(1), at: at('09:42:00'), door: 'Accueil principal' }],
      erased: false,
    });
    expect(two).toMatchObject({ status: 'cancelled', admissions: [] });
    expect(three).toMatchObject({ status: 'registered', admissions: [] });
    // The last event that changed a row is its position: the cancellation, appended last.
    expect(two!.position).toBeGreaterThan(one!.position);
    expect(p.reloaded().dataset.page(conferenceId, null, 10).rows).toHaveLength(3);
  });
});

describe('the conflicts', () => {
  test('given a conflict, then a row naming its stream; when acknowledged, the same row says so', async () => {
    const p = await start([conflict('k1')]);
    expect(conflicts(p)).toEqual([
      expect.objectContaining({ conflictId: 'k1', late: true, acknowledged: null, stream: `door-${conferenceId}` }),
    ]);
    await p.when([
      {
        stream: `door-${conferenceId}`,
        type: 'ConflictAcknowledged',
        data: {
          conferenceId,
          conflictId: 'k1',
          registrationId: null,
          note: 'vu',
          deviceId: 'd',
          acknowledgedAt: at('10:00:00'),
        },
      },
    ]);
    expect(conflicts(p)).toEqual([
      expect.objectContaining({ conflictId: 'k1', acknowledged: { at: at('10:00:00'), deviceId: 'd', note: 'vu' } }),
    ]);
  });
});
