import { describe, expect, test } from '@jest/globals';
import {
  admitted,
  at,
  cancelled,
  charterClosed,
  charterPublished,
  charterSigned,
  conferenceId,
  lunchPaid,
  mainDoor,
  otherConferenceId,
  pressDoor,
  promoted,
  refused,
  registered,
  registrationId,
  scheduled,
  signatureVoided,
  undone,
  waitlisted,
} from '../test/examples.js';
import {
  evolve,
  initialState,
  type AttendanceState,
  type ConferenceTally,
  type RegistrationTally,
} from './attendance.js';
import type { AttendanceEvent } from './events.js';
import { snapshotOf, type AttendanceSnapshot } from './snapshot.js';

const fold = (events: readonly AttendanceEvent[], state: AttendanceState = initialState()): AttendanceState => {
  events.forEach((e, i) => evolve(state, e, BigInt(i + 1)));
  return state;
};

/** Given past events, the conference's snapshot. */
const given = (...events: AttendanceEvent[]): AttendanceSnapshot => {
  const tally = fold([scheduled(), ...events]).conferences.get(conferenceId);
  if (tally === undefined) throw new Error('no tally');
  return snapshotOf(tally);
};

describe('attendance figures', () => {
  describe('when nothing has happened yet', () => {
    test('every figure is zero and every refusal code and category is there', () => {
      const s = given();
      expect(s).toMatchObject({
        conferenceId,
        name: '2ème Journée Nationale des PTCE',
        timezone: 'Europe/Paris',
        position: '1',
        registered: 0,
        present: 0,
        refusedTotal: 0,
        byOrganisation: [],
        byDoor: [],
        arrivals: { slotMinutes: 5, slots: [] },
      });
      expect(Object.keys(s.refused).sort()).toEqual(
        [
          'already_checked_in',
          'cancelled',
          'id_mismatch',
          'id_missing',
          'id_not_checked',
          'unknown_ticket',
          'waitlisted',
        ].sort(),
      );
      expect(Object.keys(s.byCategory)).toEqual(['participant', 'speaker', 'signatory', 'press', 'staff', 'official']);
    });
  });

  describe('when people register', () => {
    test('registered, waitlisted and cancelled count registrations in that status now', () => {
      const s = given(
        registered(1),
        registered(2, { category: 'speaker' }),
        waitlisted(3),
        waitlisted(4),
        cancelled(1, 'registered'),
        promoted(3),
        cancelled(4, 'waitlisted'),
      );
      expect(s).toMatchObject({ registered: 2, waitlisted: 0, cancelled: 2 });
      expect(s.byCategory.participant).toMatchObject({ registered: 1, waitlisted: 0, cancelled: 2 });
      expect(s.byCategory.speaker).toMatchObject({ registered: 1 });
    });

    test('organisations are grouped ignoring case, accents and punctuation, under the first spelling', () => {
      const s = given(
        registered(1, { organisation: 'Le Labo de l’ESS' }),
        registered(2, { organisation: 'LE LABO DE L ESS' }),
        registered(3, { organisation: 'Assemblée nationale' }),
        registered(4, { organisation: null }),
        registered(5, { organisation: '   ' }),
      );
      expect(s.byOrganisation.map((o) => [o.organisation, o.registered])).toEqual([
        [null, 2],
        ['Le Labo de l’ESS', 2],
        ['Assemblée nationale', 1],
      ]);
    });

    test('a registration recorded twice counts once', () => {
      expect(given(registered(1), registered(1)).registered).toBe(1);
    });
  });

  describe('when a registration is corrected', () => {
    test('a corrected category and organisation move the person, present and admitted, to the new groups', () => {
      const s = given(registered(1, { category: 'participant', organisation: 'Org A' }), admitted(1), {
        type: 'RegistrationCorrected',
        data: {
          conferenceId,
          registrationId: registrationId(1),
          changes: { category: 'speaker', organisation: 'Org B', lastName: 'Lefèvre' },
          correctedAt: at('09:40:00'),
        },
      });
      expect(s).toMatchObject({ registered: 1, admitted: 1, present: 1 });
      expect(s.byCategory.participant).toMatchObject({ registered: 0, admitted: 0, present: 0 });
      expect(s.byCategory.speaker).toMatchObject({ registered: 1, admitted: 1, present: 1 });
      expect(s.byOrganisation.filter((o) => o.registered > 0 || o.admitted > 0)).toEqual([
        { organisation: 'Org B', registered: 1, waitlisted: 0, cancelled: 0, admitted: 1, present: 1 },
      ]);
    });
  });

  describe('when attendees are admitted', () => {
    test('admitted and present count in the conference, the category, the organisation and the door', () => {
      const s = given(
        registered(1, { category: 'signatory', organisation: 'Org A' }),
        registered(2, { organisation: 'Org A' }),
        admitted(1),
        admitted(2, { door: pressDoor }),
      );
      expect(s).toMatchObject({ admitted: 2, undone: 0, present: 2 });
      expect(s.byCategory.signatory).toMatchObject({ registered: 1, admitted: 1, present: 1 });
      expect(s.byOrganisation).toEqual([
        { organisation: 'Org A', registered: 2, waitlisted: 0, cancelled: 0, admitted: 2, present: 2 },
      ]);
      expect(s.byDoor).toEqual([
        { door: pressDoor, admitted: 1, refused: 0, present: 1 },
        { door: mainDoor, admitted: 1, refused: 0, present: 1 },
      ]);
      expect(s.signatures).toMatchObject({ signatoriesExpected: 1, signatoriesPresent: 1 });
    });

    test('arrivals are counted per five minutes, labelled in the conference’s time zone', () => {
      const s = given(
        ...[1, 2, 3].map((n) => registered(n)),
        admitted(1, { scannedAt: at('09:50:00') }),
        admitted(2, { scannedAt: at('09:54:59.999') }),
        admitted(3, { scannedAt: '2014-09-19T08:10:30Z' }),
      );
      expect(s.arrivals.slots).toEqual([
        { at: '2014-09-19T09:50:00+02:00', count: 2 },
        { at: '2014-09-19T10:10:00+02:00', count: 1 },
      ]);
    });

    test('refused scans count by reason and by door', () => {
      const s = given(
        registered(1),
        admitted(1),
        refused(1, 'already_checked_in', { door: pressDoor }),
        refused(null, 'unknown_ticket'),
        refused(null, 'unknown_ticket'),
      );
      expect(s.refused).toMatchObject({ already_checked_in: 1, unknown_ticket: 2, cancelled: 0 });
      expect(s.refusedTotal).toBe(3);
      expect(s.byDoor.find((d) => d.door === pressDoor)).toEqual({
        door: pressDoor,
        admitted: 0,
        refused: 1,
        present: 0,
      });
      expect(s.present).toBe(1);
    });
  });

  describe('when an admission is undone', () => {
    test('present = admitted − undone, and the arrival leaves its slot and its door', () => {
      const s = given(registered(1), registered(2), admitted(1), admitted(2), undone(1));
      expect(s).toMatchObject({ admitted: 2, undone: 1, present: 1 });
      expect(s.byCategory.participant).toMatchObject({ admitted: 2, present: 1 });
      expect(s.byDoor).toEqual([{ door: mainDoor, admitted: 2, refused: 0, present: 1 }]);
      expect(s.arrivals.slots).toEqual([{ at: '2014-09-19T09:40:00+02:00', count: 1 }]);
    });

    test('the ticket admitted again is present once, and only its standing admission can be undone', () => {
      const s = given(registered(1), admitted(1, { scan: 1 }), undone(1, 1), admitted(1, { scan: 2 }), undone(1, 1));
      expect(s).toMatchObject({ admitted: 2, undone: 1, present: 1 });
    });

    test('a slot emptied by an undo is left out, as if never filled', () => {
      expect(given(registered(1), admitted(1), undone(1)).arrivals.slots).toEqual([]);
    });
  });

  describe('lunch', () => {
    test('expected = registered taking the lunch; admitted with lunch = present taking it', () => {
      const s = given(
        registered(1, { lunch: true }),
        registered(2, { lunch: false }),
        waitlisted(3, { lunch: true }),
        registered(4, { lunch: true }),
        admitted(1),
        admitted(2),
        cancelled(4, 'registered'),
      );
      expect(s.lunch).toEqual({ expected: 1, paid: 0, admittedWithLunch: 1 });
    });

    test('paying on the day makes a person take the lunch, once', () => {
      const s = given(registered(2, { lunch: false }), admitted(2), lunchPaid(2), lunchPaid(2));
      expect(s.lunch).toEqual({ expected: 1, paid: 1, admittedWithLunch: 1 });
    });

    test('a promoted person taking the lunch becomes expected', () => {
      expect(given(waitlisted(3, { lunch: true }), promoted(3)).lunch.expected).toBe(1);
    });
  });

  describe('charter signatures', () => {
    test('standing signatures count, voided apart, per charter', () => {
      const s = given(
        registered(1, { category: 'signatory' }),
        registered(2, { category: 'signatory' }),
        charterPublished(),
        charterSigned(1),
        charterSigned(2),
        signatureVoided(2),
        charterClosed(),
      );
      expect(s.signatures).toEqual({
        count: 1,
        voided: 1,
        signatoriesExpected: 2,
        signatoriesPresent: 0,
        charters: [
          {
            charterId: charterSigned(1).data.charterId,
            title: 'Charte des PTCE',
            status: 'closed',
            signatures: 1,
            voided: 1,
          },
        ],
      });
    });
  });

  describe('when a ticket is seen before its registration', () => {
    // Never in the store's order; possible `asOf` a moment between a walk-in's
    // scan (device clock) and its registration (server clock).
    test('it counts in the conference and the door only, then in its groups once registered', () => {
      const state = fold([scheduled(), admitted(1)]);
      const before = snapshotOf(state.conferences.get(conferenceId)!);
      expect(before).toMatchObject({ registered: 0, admitted: 1, present: 1 });
      expect(before.byCategory.participant.present).toBe(0);
      fold([registered(1, { category: 'press' })], state);
      const after = snapshotOf(state.conferences.get(conferenceId)!);
      expect(after).toMatchObject({ registered: 1, admitted: 1, present: 1 });
      expect(after.byCategory.press).toMatchObject({ registered: 1, admitted: 1, present: 1 });
      expect(after.lunch).toMatchObject({ expected: 1, admittedWithLunch: 1 });
    });
  });

  describe('several conferences', () => {
    test('each event counts in its own conference only, and moves only its position', () => {
      const state = initialState();
      evolve(state, scheduled(), 10n);
      evolve(state, scheduled(otherConferenceId), 11n);
      evolve(state, registered(1, { conferenceId: otherConferenceId }), 12n);
      evolve(state, admitted(1, { conferenceId: otherConferenceId }), 13n);
      expect(snapshotOf(state.conferences.get(conferenceId)!)).toMatchObject({ position: '10', present: 0 });
      expect(snapshotOf(state.conferences.get(otherConferenceId)!)).toMatchObject({
        position: '13',
        registered: 1,
        present: 1,
      });
    });

    test('evolve names the rows it touched', () => {
      const state = fold([scheduled()]);
      expect(evolve(state, registered(1), 2n)).toEqual({ conferenceId, registrationId: registrationId(1) });
      expect(evolve(state, refused(null, 'unknown_ticket'), 3n)).toEqual({ conferenceId, registrationId: null });
    });
  });

  describe('persisted and folded on', () => {
    // A projection writes the rows each event touched and, after a restart,
    // folds on from what it reads back: the figures must not depend on where
    // the fold was cut.
    test('cut anywhere, saved as JSON and read back, the fold ends where a fold in one go does', () => {
      const events: AttendanceEvent[] = [
        scheduled(),
        ...[1, 2, 3, 4, 5, 6].map((n) =>
          registered(n, { category: n % 2 ? 'signatory' : 'participant', organisation: `Org ${n % 3}` }),
        ),
        waitlisted(7),
        admitted(1, { scannedAt: at('09:31:00') }),
        admitted(2, { scannedAt: at('09:36:00') }),
        undone(2),
        refused(2, 'already_checked_in'),
        admitted(3, { door: pressDoor }),
        lunchPaid(3),
        cancelled(4, 'registered'),
        promoted(7),
        admitted(7, { scannedAt: at('10:01:00') }),
        charterPublished(),
        charterSigned(1),
      ];
      const whole = fold(events);
      for (let cut = 0; cut <= events.length; cut += 1) {
        const first = fold(events.slice(0, cut));
        const reread: AttendanceState = {
          conferences: new Map(
            [...first.conferences].map(([k, v]) => [k, JSON.parse(JSON.stringify(v)) as ConferenceTally]),
          ),
          registrations: new Map(
            [...first.registrations].map(([k, v]) => [k, JSON.parse(JSON.stringify(v)) as RegistrationTally]),
          ),
        };
        events.slice(cut).forEach((e, i) => evolve(reread, e, BigInt(cut + i + 1)));
        expect(reread).toEqual(whole);
      }
    });
  });
});

describe('doors that worked offline', () => {
  const conflict = (n: number, scan: number): AttendanceEvent => ({
    type: 'ScanConflicted',
    data: {
      conferenceId,
      conflictId: `conflict-${scan}`,
      scanId: `scan-${scan}`,
      registrationId: registrationId(n),
      reason: 'already_checked_in',
      door: pressDoor,
      deviceId: 'd',
      scannedAt: at('09:50:00'),
      receivedAt: at('10:20:00'),
      previous: null,
      detectedAt: at('10:20:00'),
    },
  });
  const acknowledged = (scan: number): AttendanceEvent => ({
    type: 'ConflictAcknowledged',
    data: {
      conferenceId,
      conflictId: `conflict-${scan}`,
      registrationId: registrationId(1),
      note: null,
      deviceId: 'd',
      acknowledgedAt: at('11:00:00'),
    },
  });

  describe('when two doors let the same person in', () => {
    const twice = [
      registered(1),
      admitted(1, { scan: 1, door: mainDoor, scannedAt: at('09:42:00') }),
      admitted(1, { scan: 2, door: pressDoor, scannedAt: at('09:50:00') }),
    ];

    test('the person is counted once, at the earliest door', () => {
      const s = given(...twice);
      expect([s.admitted, s.present, s.undone]).toEqual([1, 1, 0]);
      expect(s.byDoor).toEqual([{ door: mainDoor, admitted: 1, refused: 0, present: 1 }]);
      expect(s.arrivals.slots.reduce((n, x) => n + x.count, 0)).toBe(1);
    });

    test('an earlier scan uploaded late becomes the admission', () => {
      const s = given(
        registered(1),
        admitted(1, { scan: 2, door: pressDoor, scannedAt: at('09:50:00') }),
        admitted(1, { scan: 1, door: mainDoor, scannedAt: at('09:42:00') }),
      );
      expect([s.admitted, s.present]).toEqual([1, 1]);
      expect(s.byDoor.find((d) => d.door === mainDoor)).toEqual({
        door: mainDoor,
        admitted: 1,
        refused: 0,
        present: 1,
      });
      expect(s.byDoor.find((d) => d.door === pressDoor)?.present).toBe(0);
    });

    test('undoing the admission leaves the other entry standing; undoing both empties the room', () => {
      expect(given(...twice, undone(1, 1)).present).toBe(1);
      const both = given(...twice, undone(1, 1), undone(1, 2));
      expect([both.present, both.undone]).toEqual([0, 1]);
    });
  });

  test('conflicts are counted, and open until acknowledged', () => {
    const s = given(registered(1), conflict(1, 1), conflict(1, 2), acknowledged(1));
    expect(s.conflicts).toEqual({ open: 1, total: 2 });
    expect(given(registered(1), conflict(1, 1), acknowledged(1), acknowledged(1)).conflicts).toEqual({
      open: 0,
      total: 1,
    });
  });
});
