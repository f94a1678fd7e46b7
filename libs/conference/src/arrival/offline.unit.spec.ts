import { describe, expect, test } from '@jest/globals';
import { DeciderSpecification } from '@emargement/decider/specification.js';
import {
  admissionUndone,
  at,
  attendeeAdmitted,
  conferenceId,
  facts,
  mainDoor,
  phoneA,
  phoneB,
  pressDoor,
  registrationId,
  scan,
  scanId,
} from '../../test/examples.js';
import type { AttendeeAdmitted, ScanConflicted } from './arrival.js';
import { arrivalDecider, type OfflineDecision, type ScanTicket } from './arrival.decide.js';

const given = DeciderSpecification.for(arrivalDecider);

const receivedAt = at('10:15:00');
/** The ids the server chose for the conflicts an upload may reveal: never the scan's own id. */
const ownConflict = '0c000000-0000-4000-8000-000000000001';
const displacedConflict = '0c000000-0000-4000-8000-000000000002';
const conflictIds = [ownConflict, displacedConflict] as const;
const admittedOffline: OfflineDecision = { result: 'admitted', reason: null, receivedAt, conflictIds };

/** Scan n as decided by a door without network, uploaded at `receivedAt`. */
const offlineScan = (n: number, overrides: Partial<ScanTicket['data']> = {}, offline = admittedOffline): ScanTicket =>
  scan(n, { offline, ...overrides });

const offlineAdmitted = (n: number, overrides: Partial<ScanTicket['data']> = {}): AttendeeAdmitted => {
  const e = attendeeAdmitted(n, overrides);
  return { type: 'AttendeeAdmitted', data: { ...e.data, offline: { receivedAt } } };
};

const conflict = (
  n: number,
  reason: ScanConflicted['data']['reason'],
  previous: ScanConflicted['data']['previous'],
  about: { door?: string; deviceId?: string; receivedAt?: string } = {},
  conflictId: string = ownConflict,
): ScanConflicted => {
  const s = scan(n).data;
  return {
    type: 'ScanConflicted',
    data: {
      conferenceId,
      conflictId,
      scanId: scanId(n),
      registrationId: registrationId(1),
      reason,
      door: about.door ?? mainDoor,
      deviceId: about.deviceId ?? phoneA,
      scannedAt: s.scannedAt,
      receivedAt: about.receivedAt ?? receivedAt,
      previous,
      detectedAt: receivedAt,
    },
  };
};

describe('a scan decided by a door without network', () => {
  describe('when the server agrees', () => {
    test('the admission is recorded as the door made it, with its scan time and when it arrived', () =>
      given([])
        .when(offlineScan(1))
        .then([offlineAdmitted(1)], {
          scanId: scanId(1),
          result: 'admitted',
          registrationId: registrationId(1),
          admittedAt: at('09:31:00'),
          door: mainDoor,
        }));

    test('a refusal made offline is recorded as a refusal, with the door’s reason', () =>
      given([])
        .when(offlineScan(1, {}, { result: 'refused', reason: 'id_mismatch', receivedAt, conflictIds }))
        .then([
          {
            type: 'EntryRefused',
            data: {
              ...attendeeAdmitted(1).data,
              registrationId: registrationId(1),
              reason: 'id_mismatch',
              previous: null,
              offline: { receivedAt },
            },
          },
        ]));

    test('a refusal without a reason is refused', () =>
      given([])
        .when(offlineScan(1, {}, { result: 'refused', reason: null, receivedAt, conflictIds }))
        .thenRefused('offline_reason_missing'));
  });

  describe('when the ticket was already admitted earlier at another door', () => {
    test('the admission stands and a conflict names the earlier admission', () =>
      given([attendeeAdmitted(1, { door: pressDoor, deviceId: phoneB })])
        .when(offlineScan(2))
        .then(
          [
            offlineAdmitted(2),
            conflict(2, 'already_checked_in', { at: at('09:31:00'), door: pressDoor, scanId: scanId(1) }),
          ],
          {
            scanId: scanId(2),
            result: 'admitted',
            registrationId: registrationId(1),
            admittedAt: at('09:32:00'),
            door: mainDoor,
            conflict: {
              conflictId: ownConflict,
              reason: 'already_checked_in',
              previous: { at: at('09:31:00'), door: pressDoor },
            },
          },
        ));

    test('the same scan sent again writes nothing and gets the same answer, conflict included', () => {
      const first = given([attendeeAdmitted(1, { door: pressDoor })])
        .when(offlineScan(2))
        .decision();
      if (!first.ok) throw new Error('refused');
      given([attendeeAdmitted(1, { door: pressDoor }), ...first.events])
        .when(offlineScan(2))
        .thenNothingHappens(first.outcome);
    });
  });

  describe('when an earlier offline scan arrives after a later admission', () => {
    test('scans are judged by when they happened: the later one becomes the conflict', () =>
      given([attendeeAdmitted(5, { door: pressDoor, deviceId: phoneB })])
        .when(offlineScan(2))
        .then([
          offlineAdmitted(2),
          conflict(
            5,
            'already_checked_in',
            { at: at('09:32:00'), door: mainDoor, scanId: scanId(2) },
            { door: pressDoor, deviceId: phoneB, receivedAt: at('09:35:00') },
            displacedConflict,
          ),
        ]));

    test('the door that sent the earlier scan is told of the conflict, naming the other admission', () => {
      const decision = given([attendeeAdmitted(5, { door: pressDoor, deviceId: phoneB })])
        .when(offlineScan(2))
        .decision();
      if (!decision.ok) throw new Error('refused');
      // Whatever the conflict ids are made of, the answer names the conflict that was recorded.
      const recorded = decision.events.find((e): e is ScanConflicted => e.type === 'ScanConflicted');
      expect(decision.outcome).toMatchObject({
        scanId: scanId(2),
        result: 'admitted',
        conflict: {
          conflictId: recorded?.data.conflictId,
          reason: 'already_checked_in',
          previous: { at: at('09:35:00'), door: pressDoor },
        },
      });
    });

    test('and sent again, it gets the same answer, conflict included', () => {
      const first = given([attendeeAdmitted(5, { door: pressDoor, deviceId: phoneB })])
        .when(offlineScan(2))
        .decision();
      if (!first.ok) throw new Error('refused');
      given([attendeeAdmitted(5, { door: pressDoor, deviceId: phoneB }), ...first.events])
        .when(offlineScan(2))
        .thenNothingHappens(first.outcome);
    });

    test('the earliest admission is the standing one', () => {
      const state = arrivalDecider.fold([attendeeAdmitted(5, { door: pressDoor }), offlineAdmitted(2)]);
      expect(state.status === 'admitted' && state.admission.scanId).toBe(scanId(2));
      expect(state.admissions.map((a) => a.scanId)).toEqual([scanId(2), scanId(5)]);
    });

    test('undoing the standing admission leaves the next one standing', () => {
      const state = arrivalDecider.fold([attendeeAdmitted(5), offlineAdmitted(2), admissionUndone(2)]);
      expect(state.status === 'admitted' && state.admission.scanId).toBe(scanId(5));
    });
  });

  describe('when the later admission already carries a conflict of another kind', () => {
    test('it still gets its already_checked_in conflict: one conflict does not hide another', () =>
      given([
        offlineAdmitted(5, { door: pressDoor, deviceId: phoneB, idCheck: null }),
        conflict(5, 'id_not_checked', null),
      ])
        .when(offlineScan(2))
        .then([
          offlineAdmitted(2),
          conflict(
            5,
            'already_checked_in',
            { at: at('09:32:00'), door: mainDoor, scanId: scanId(2) },
            { door: pressDoor, deviceId: phoneB },
            displacedConflict,
          ),
        ]));

    test('an earlier admission with its own conflict still makes the later one a second entry', () =>
      given([attendeeAdmitted(5, { door: pressDoor, deviceId: phoneB })])
        .when(offlineScan(2, { idCheck: null }))
        .then([
          offlineAdmitted(2, { idCheck: null }),
          conflict(2, 'id_not_checked', null),
          conflict(
            5,
            'already_checked_in',
            { at: at('09:32:00'), door: mainDoor, scanId: scanId(2) },
            { door: pressDoor, deviceId: phoneB, receivedAt: at('09:35:00') },
            displacedConflict,
          ),
        ]));
  });

  describe('when the ticket was cancelled or waitlisted meanwhile', () => {
    test.each(['cancelled', 'waitlisted'] as const)('a %s ticket let in offline is a conflict', (status) =>
      given([])
        .when(offlineScan(1, { ticket: facts({ status }) }))
        .then([offlineAdmitted(1, { ticket: facts({ status }) }), conflict(1, status, null)]),
    );
  });

  describe('when the ticket is unknown to the server', () => {
    test('only the conflict is recorded: there is no ticket to admit', () => {
      const ticket = { found: false, registrationId: null } as const;
      const decided = given([]).when(offlineScan(1, { ticket })).decision();
      expect(decided.ok && decided.events).toEqual([
        {
          ...conflict(1, 'unknown_ticket', null),
          data: { ...conflict(1, 'unknown_ticket', null).data, registrationId: null },
        },
      ]);
    });
  });

  describe('when the ID check was required and not made', () => {
    test('the admission stands with an id_not_checked conflict', () =>
      given([])
        .when(offlineScan(1, { idCheck: null }))
        .then([offlineAdmitted(1, { idCheck: null }), conflict(1, 'id_not_checked', null)]));
  });
});

describe('acknowledging a conflict', () => {
  const history = [
    attendeeAdmitted(1, { door: pressDoor }),
    offlineAdmitted(2),
    conflict(2, 'already_checked_in', null),
  ];
  const ack = (conflictId: string, note: string | null = 'Vu avec la personne') =>
    ({
      type: 'AcknowledgeConflict',
      data: {
        conferenceId,
        conflictId,
        registrationId: registrationId(1),
        note,
        deviceId: phoneA,
        acknowledgedAt: at('11:00:00'),
      },
    }) as const;

  test('records who acknowledged it, when, with the note', () =>
    given(history)
      .when(ack(ownConflict))
      .then([{ type: 'ConflictAcknowledged', data: ack(ownConflict).data }], {
        conflictId: ownConflict,
        acknowledged: true,
      }));

  test('a second acknowledgement writes nothing', () =>
    given([...history, { type: 'ConflictAcknowledged', data: ack(ownConflict).data }])
      .when(ack(ownConflict, 'encore'))
      .then([]));

  test('a conflict is acknowledged by its own id, not by its scan’s', () =>
    given(history)
      .when(ack(scanId(2)))
      .thenRefused('unknown_conflict'));

  test('an unknown conflict is refused', () =>
    given(history)
      .when(ack(scanId(9)))
      .thenRefused('unknown_conflict'));
});
