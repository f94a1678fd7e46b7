import { describe, test } from '@jest/globals';
import { DeciderSpecification } from '@emargement/decider/specification.js';
import {
  admissionUndone,
  at,
  attendeeAdmitted,
  conferenceId,
  entryRefused,
  mainDoor,
  phoneA,
  registrationId,
  scanId,
} from '../../test/examples.js';
import { arrivalDecider, type UndoAdmission } from './arrival.decide.js';
import type { AdmissionUndone, AdmissionUndoRefused } from './arrival.js';

const given = DeciderSpecification.for(arrivalDecider);

const undo = (n: number, reason = 'Scanned the wrong ticket', undoneAt = at('10:00:00')): UndoAdmission => ({
  type: 'UndoAdmission',
  data: { conferenceId, registrationId: registrationId(1), scanId: scanId(n), reason, deviceId: phoneA, undoneAt },
});

describe('undoing an admission', () => {
  describe('when admitted', () => {
    test('the admission is revoked by a new event that keeps the reason', () =>
      given([attendeeAdmitted(1)])
        .when(undo(1, '  Scanned the wrong ticket '))
        .then([admissionUndone(1)], {
          scanId: scanId(1),
          registrationId: registrationId(1),
          undoneAt: at('10:00:00'),
        }));

    test('an undo without a reason is refused', () =>
      given([attendeeAdmitted(1)])
        .when(undo(1, '   '))
        .thenRefused('missing_reason'));
  });

  describe('when the admission was already undone', () => {
    test('undoing it again writes nothing and answers with the first undo', () =>
      given([attendeeAdmitted(1), admissionUndone(1)])
        .when(undo(1, 'Scanned the wrong ticket', at('11:00:00')))
        .thenNothingHappens({ scanId: scanId(1), registrationId: registrationId(1), undoneAt: at('10:00:00') }));

    test('an earlier admission stays undone once the ticket is admitted again', () =>
      given([attendeeAdmitted(1), admissionUndone(1), attendeeAdmitted(2)])
        .when(undo(1))
        .thenNothingHappens());

    test('the new admission can be undone in turn', () =>
      given([attendeeAdmitted(1), admissionUndone(1), attendeeAdmitted(2)])
        .when(undo(2))
        .then([admissionUndone(2)]));
  });

  describe('when the scan did not admit anyone', () => {
    test('there is no admission to undo', () =>
      given([attendeeAdmitted(1), entryRefused(2, 'already_checked_in', {}, { at: at('09:31:00'), door: mainDoor })])
        .when(undo(2))
        .thenRefused('not_an_admission'));
  });

  describe('when the scan is unknown on this ticket', () => {
    test('it is refused', () =>
      given([attendeeAdmitted(1)])
        .when(undo(9))
        .thenRefused('unknown_scan'));
  });
});

/** An undo from a person's page or a door's outbox: it has its own id and may name no scan. */
const undoById = (
  undoId: string,
  scan: number | null,
  reason = 'Badge lent to a colleague',
  undoneAt = at('10:00:00'),
): UndoAdmission => ({
  type: 'UndoAdmission',
  data: {
    conferenceId,
    registrationId: registrationId(1),
    scanId: scan === null ? null : scanId(scan),
    undoId,
    reason,
    deviceId: phoneA,
    undoneAt,
  },
});

const undoneBy = (undoId: string, n: number, reason = 'Badge lent to a colleague'): AdmissionUndone => {
  const event = admissionUndone(n, at('10:00:00'), reason);
  return { ...event, data: { ...event.data, undoId } };
};

const undoRefused = (
  undoId: string,
  scan: number | null,
  reason: AdmissionUndoRefused['data']['reason'],
  refusedAt = at('10:00:00'),
): AdmissionUndoRefused => ({
  type: 'AdmissionUndoRefused',
  data: {
    conferenceId,
    registrationId: registrationId(1),
    undoId,
    scanId: scan === null ? null : scanId(scan),
    reason,
    note: 'Badge lent to a colleague',
    deviceId: phoneA,
    refusedAt,
  },
});

describe('undoing whichever admission stands, by the undo’s own id', () => {
  describe('when admitted', () => {
    test('the standing admission is undone, the undo id kept in the event', () =>
      given([attendeeAdmitted(1)])
        .when(undoById('u1', null))
        .then([undoneBy('u1', 1)], {
          scanId: scanId(1),
          registrationId: registrationId(1),
          undoneAt: at('10:00:00'),
          undoId: 'u1',
        }));

    test('a reason is still required, and nothing is recorded without one', () =>
      given([attendeeAdmitted(1)])
        .when(undoById('u1', null, '  '))
        .thenRefused('missing_reason'));
  });

  describe('when the same undo comes again (an outbox that missed the answer)', () => {
    test('it gets the same answer and nothing is written', () =>
      given([attendeeAdmitted(1), undoneBy('u1', 1)])
        .when(undoById('u1', null, 'Badge lent to a colleague', at('11:00:00')))
        .thenNothingHappens({
          scanId: scanId(1),
          registrationId: registrationId(1),
          undoneAt: at('10:00:00'),
          undoId: 'u1',
        }));

    test('a refused undo sent again is the same refusal, recorded once', () =>
      given([undoRefused('u1', null, 'nothing_to_undo')])
        .when(undoById('u1', null))
        .thenNothingHappens({
          refused: 'nothing_to_undo',
          undoId: 'u1',
          registrationId: registrationId(1),
          scanId: null,
        }));
  });

  describe('when another undo came first', () => {
    test('a second undo of the same admission is recorded and refused already_undone', () =>
      given([attendeeAdmitted(1), undoneBy('u1', 1)])
        .when(undoById('u2', 1))
        .then([undoRefused('u2', 1, 'already_undone')], {
          refused: 'already_undone',
          undoId: 'u2',
          registrationId: registrationId(1),
          scanId: scanId(1),
        }));

    test('a second undo of whichever stands, none left, is recorded and refused already_undone', () =>
      given([attendeeAdmitted(1), undoneBy('u1', 1)])
        .when(undoById('u2', null))
        .then([undoRefused('u2', null, 'already_undone')]));
  });

  describe('when never admitted', () => {
    test('the undo of nothing is recorded and refused nothing_to_undo', () =>
      given([])
        .when(undoById('u1', null))
        .then([undoRefused('u1', null, 'nothing_to_undo')]));

    test('an undo naming a refused scan is recorded and refused not_an_admission', () =>
      given([entryRefused(2, 'id_mismatch')])
        .when(undoById('u1', 2))
        .then([undoRefused('u1', 2, 'not_an_admission')]));
  });
});
