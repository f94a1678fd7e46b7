import { describe, expect, test } from '@jest/globals';
import { DeciderSpecification } from '@emargement/decider/specification.js';
import {
  admissionUndone,
  at,
  attendeeAdmitted,
  entryRefused,
  facts,
  mainDoor,
  phoneB,
  pressDoor,
  registrationId,
  scan,
  scanId,
} from '../../test/examples.js';
import { evolve, initialState } from './arrival.js';
import { arrivalDecider, scanTicket } from './arrival.decide.js';

const given = DeciderSpecification.for(arrivalDecider);

describe('scanning at a door the conference does not name', () => {
  const doors = [mainDoor, pressDoor];

  describe('when the server decides the scan', () => {
    test('it is refused unknown_door, with the doors there are, and nothing is written', () =>
      given([])
        .when(scan(1, { doors, door: 'Fenêtre' }))
        .thenRefused('unknown_door', { doors: `${mainDoor}, ${pressDoor}` }));

    test('a named door admits as usual', () =>
      given([])
        .when(scan(1, { doors, door: pressDoor }))
        .then([attendeeAdmitted(1, { door: pressDoor })]));

    test('a conference that names no door takes any', () =>
      given([])
        .when(scan(1, { doors: [], door: 'Fenêtre' }))
        .then([attendeeAdmitted(1, { door: 'Fenêtre' })]));
  });

  describe('when the door decided it offline', () => {
    test('it is recorded whatever the door is called (the doors may have been renamed since)', () => {
      const decision = given([])
        .when(
          scan(1, {
            doors,
            door: 'Ancienne porte',
            offline: {
              result: 'admitted',
              reason: null,
              receivedAt: at('10:00:00'),
              conflictIds: [scanId(8), scanId(9)],
            },
          }),
        )
        .decision();
      expect(decision.ok && decision.events.map((e) => e.type)).toEqual(['AttendeeAdmitted']);
    });
  });
});

describe('scanning a ticket at a door', () => {
  describe('when the ticket is unknown', () => {
    test('the entry is refused, and the refusal recorded with door, device and time', () =>
      given([])
        .when(scan(1, { ticket: { found: false, registrationId: null } }))
        .then([entryRefused(1, 'unknown_ticket', { ticket: { found: false, registrationId: null } })], {
          scanId: scanId(1),
          result: 'refused',
          registrationId: null,
          reason: 'unknown_ticket',
          previous: null,
        }));

    test('an unknown registration id presented instead of a code is recorded', () => {
      const ticket = { found: false, registrationId: registrationId(404) } as const;
      given([])
        .when(scan(1, { ticket }))
        .then([entryRefused(1, 'unknown_ticket', { ticket })]);
    });

    test('the same scan again gets the same refusal and writes nothing', () => {
      const ticket = { found: false, registrationId: null } as const;
      given([entryRefused(1, 'unknown_ticket', { ticket })])
        .when(scan(1, { ticket }))
        .thenNothingHappens({
          scanId: scanId(1),
          result: 'refused',
          registrationId: null,
          reason: 'unknown_ticket',
          previous: null,
        });
    });
  });

  describe('when the registration is cancelled', () => {
    test('the entry is refused as cancelled', () =>
      given([])
        .when(scan(1, { ticket: facts({ status: 'cancelled' }) }))
        .then([entryRefused(1, 'cancelled', { ticket: facts({ status: 'cancelled' }) })]));

    test('even after an admission, cancelled is the answer', () =>
      given([attendeeAdmitted(1)])
        .when(scan(2, { ticket: facts({ status: 'cancelled' }) }))
        .then([entryRefused(2, 'cancelled', { ticket: facts({ status: 'cancelled' }) })]));
  });

  describe('when the person is waitlisted', () => {
    test('the entry is refused as waitlisted', () =>
      given([])
        .when(scan(1, { ticket: facts({ status: 'waitlisted' }) }))
        .then([entryRefused(1, 'waitlisted', { ticket: facts({ status: 'waitlisted' }) })]));
  });

  describe('when expected', () => {
    test('the attendee is admitted, with the document kind and nothing else of it', () =>
      given([])
        .when(scan(1))
        .then([attendeeAdmitted(1)], {
          scanId: scanId(1),
          result: 'admitted',
          registrationId: registrationId(1),
          admittedAt: at('09:31:00'),
          door: mainDoor,
        }));

    test('without an ID check where one is required, the entry is refused', () =>
      given([])
        .when(scan(1, { idCheck: null }))
        .then([entryRefused(1, 'id_not_checked', { idCheck: null })]));

    test('when the name on the document does not match, the entry is refused and the check recorded', () => {
      const idCheck = { document: 'national_id', nameMatches: false } as const;
      given([])
        .when(scan(1, { idCheck }))
        .then([entryRefused(1, 'id_mismatch', { idCheck })]);
    });

    test('no identity document at all is refused id_missing, and recorded as such', () => {
      const idCheck = { document: 'none', nameMatches: false } as const;
      given([])
        .when(scan(1, { idCheck }))
        .then([entryRefused(1, 'id_missing', { idCheck })]);
    });

    test('where no ID check is required, the attendee is admitted without one', () => {
      const overrides = { idCheck: null, ticket: facts({ idCheckRequired: false }) };
      given([])
        .when(scan(1, overrides))
        .then([attendeeAdmitted(1, overrides)]);
    });

    test('where no ID check is required, a check that failed still refuses the entry', () => {
      const overrides = {
        idCheck: { document: 'other', nameMatches: false },
        ticket: facts({ idCheckRequired: false }),
      } as const;
      given([])
        .when(scan(1, overrides))
        .then([entryRefused(1, 'id_mismatch', overrides)]);
    });

    test('every kind of document is accepted', () => {
      for (const document of ['national_id', 'passport', 'residence_permit', 'driving_licence', 'other'] as const)
        given([])
          .when(scan(1, { idCheck: { document, nameMatches: true } }))
          .then([attendeeAdmitted(1, { idCheck: { document, nameMatches: true } })]);
    });
  });

  describe('when refused earlier for a missing ID check', () => {
    test('a new scan with the check admits', () =>
      given([entryRefused(1, 'id_not_checked', { idCheck: null })])
        .when(scan(2))
        .then([attendeeAdmitted(2)]));
  });

  describe('when already admitted', () => {
    test('the entry is refused, with where and when the ticket was admitted', () =>
      given([attendeeAdmitted(1)])
        .when(scan(2, { door: pressDoor, deviceId: phoneB }))
        .then(
          [
            entryRefused(
              2,
              'already_checked_in',
              { door: pressDoor, deviceId: phoneB },
              { at: at('09:31:00'), door: mainDoor },
            ),
          ],
          {
            scanId: scanId(2),
            result: 'refused',
            registrationId: registrationId(1),
            reason: 'already_checked_in',
            previous: { at: at('09:31:00'), door: mainDoor },
          },
        ));

    test('the same scan again is answered admitted, as the first time, and writes nothing', () =>
      given([attendeeAdmitted(1)])
        .when(scan(1))
        .thenNothingHappens({
          scanId: scanId(1),
          result: 'admitted',
          registrationId: registrationId(1),
          admittedAt: at('09:31:00'),
          door: mainDoor,
        }));

    test('a repeated refused scan is answered with its first refusal', () =>
      given([attendeeAdmitted(1), entryRefused(2, 'already_checked_in', {}, { at: at('09:31:00'), door: mainDoor })])
        .when(scan(2))
        .thenNothingHappens({
          scanId: scanId(2),
          result: 'refused',
          registrationId: registrationId(1),
          reason: 'already_checked_in',
          previous: { at: at('09:31:00'), door: mainDoor },
        }));
  });

  describe('when the admission was undone', () => {
    test('the ticket can be admitted again', () =>
      given([attendeeAdmitted(1), admissionUndone(1)])
        .when(scan(2))
        .then([attendeeAdmitted(2)]));

    test('the first scan repeated still gets its first answer and writes nothing', () =>
      given([attendeeAdmitted(1), admissionUndone(1)])
        .when(scan(1))
        .thenNothingHappens());

    test('after the second admission, the previous admission reported is the second one', () =>
      given([attendeeAdmitted(1), admissionUndone(1), attendeeAdmitted(2, { door: pressDoor })])
        .when(scan(3))
        .then([entryRefused(3, 'already_checked_in', {}, { at: at('09:32:00'), door: pressDoor })]));
  });

  describe('when two doors scan the same ticket at the same moment', () => {
    test('both decide on the same revision; the store takes one append, and the other, retried, is refused', () => {
      const atMainDoor = scan(1, { door: mainDoor });
      const atPressDoor = scan(2, { door: pressDoor, deviceId: phoneB, scannedAt: at('09:31:00') });
      const revision0 = initialState();

      // Both would admit: which is why each appends with the revision it read,
      // and the event store accepts only the first append at that revision.
      const first = scanTicket(atMainDoor, revision0);
      const second = scanTicket(atPressDoor, revision0);
      expect(first.ok && first.events.map((event) => event.type)).toEqual(['AttendeeAdmitted']);
      expect(second.ok && second.events.map((event) => event.type)).toEqual(['AttendeeAdmitted']);

      // The loser reads the stream again and decides again.
      if (!first.ok) throw new Error('unreachable');
      const revision1 = first.events.reduce(evolve, revision0);
      const retried = scanTicket(atPressDoor, revision1);
      expect(retried).toEqual({
        ok: true,
        events: [
          entryRefused(
            2,
            'already_checked_in',
            { door: pressDoor, deviceId: phoneB, scannedAt: at('09:31:00') },
            {
              at: at('09:31:00'),
              door: mainDoor,
            },
          ),
        ],
        outcome: {
          scanId: scanId(2),
          result: 'refused',
          registrationId: registrationId(1),
          reason: 'already_checked_in',
          previous: { at: at('09:31:00'), door: mainDoor },
        },
      });
    });
  });
});
