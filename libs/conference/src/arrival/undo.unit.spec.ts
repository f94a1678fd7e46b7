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
