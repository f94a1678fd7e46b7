import { describe, test } from '@jest/globals';
import { DeciderSpecification } from '@emargement/decider/specification.js';
import {
  conferenceId,
  conferenceScheduled,
  personRegistered,
  personWaitlisted,
  registrationCancelled,
  registrationId,
  waitlistedPersonPromoted,
} from '../../test/examples.js';
import { conferenceDecider, type CancelRegistration } from './conference.decide.js';

const given = DeciderSpecification.for(conferenceDecider);

const cancelledAt = '2014-09-15T08:00:00+02:00';
const cancel = (n: number, reason: string | null = null): CancelRegistration => ({
  type: 'CancelRegistration',
  data: { registrationId: registrationId(n), reason, cancelledAt },
});

describe('cancelling a registration', () => {
  describe('when the conference is not scheduled', () => {
    test('there is nothing to cancel', () => given([]).when(cancel(1)).thenRefused('conference_not_scheduled'));
  });

  describe('when the registration is unknown', () => {
    test('it is refused', () => given([conferenceScheduled()]).when(cancel(9)).thenRefused('unknown_registration'));
  });

  describe('when registered and nobody is waiting', () => {
    const history = [conferenceScheduled({ capacity: 2 }), personRegistered(1)];

    test('the registration is cancelled with its reason and the place is free', () =>
      given(history)
        .when(cancel(1, '  Empêchement  '))
        .then(
          [
            {
              type: 'RegistrationCancelled',
              data: {
                conferenceId,
                registrationId: registrationId(1),
                previousStatus: 'registered',
                reason: 'Empêchement',
                cancelledAt,
              },
            },
          ],
          { registrationId: registrationId(1), status: 'cancelled', promoted: null },
        ));

    test('a blank reason is no reason', () =>
      given(history)
        .when(cancel(1, ' '))
        .then([registrationCancelled(1, 'registered', cancelledAt)]));
  });

  describe('when registered and people are waiting', () => {
    const history = [
      conferenceScheduled({ capacity: 2 }),
      personRegistered(1),
      personRegistered(2),
      personWaitlisted(3),
      personWaitlisted(4),
    ];

    test('the first one waiting is promoted, in the same append', () =>
      given(history)
        .when(cancel(2))
        .then(
          [
            registrationCancelled(2, 'registered', cancelledAt),
            waitlistedPersonPromoted(3, 'place_freed', cancelledAt),
          ],
          {
            registrationId: registrationId(2),
            status: 'cancelled',
            promoted: registrationId(3),
          },
        ));

    test('the next cancellation promotes the next one waiting', () =>
      given([...history, registrationCancelled(2, 'registered'), waitlistedPersonPromoted(3, 'place_freed')])
        .when(cancel(1))
        .then([
          registrationCancelled(1, 'registered', cancelledAt),
          waitlistedPersonPromoted(4, 'place_freed', cancelledAt),
        ]));

    test('someone who left the queue is not promoted', () =>
      given([...history, registrationCancelled(3, 'waitlisted')])
        .when(cancel(1))
        .then([
          registrationCancelled(1, 'registered', cancelledAt),
          waitlistedPersonPromoted(4, 'place_freed', cancelledAt),
        ]));

    test('a promoted person who cancels frees their place for the next one', () =>
      given([...history, registrationCancelled(2, 'registered'), waitlistedPersonPromoted(3, 'place_freed')])
        .when(cancel(3))
        .then([
          registrationCancelled(3, 'registered', cancelledAt),
          waitlistedPersonPromoted(4, 'place_freed', cancelledAt),
        ]));
  });

  describe('when waitlisted', () => {
    test('the person leaves the queue and nobody is promoted: no place was freed', () =>
      given([conferenceScheduled({ capacity: 1 }), personRegistered(1), personWaitlisted(2), personWaitlisted(3)])
        .when(cancel(2))
        .then([registrationCancelled(2, 'waitlisted', cancelledAt)], {
          registrationId: registrationId(2),
          status: 'cancelled',
          promoted: null,
        }));
  });

  describe('when already cancelled', () => {
    test('cancelling again writes nothing', () =>
      given([conferenceScheduled(), personRegistered(1), registrationCancelled(1, 'registered')])
        .when(cancel(1))
        .thenNothingHappens({ registrationId: registrationId(1), status: 'cancelled', promoted: null }));
  });
});
