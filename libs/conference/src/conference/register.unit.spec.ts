import { describe, test } from '@jest/globals';
import { DeciderSpecification } from '@emargement/decider/specification.js';
import {
  conferenceScheduled,
  person,
  personRegistered,
  personWaitlisted,
  register,
  registrationCancelled,
  registrationId,
  registrationRequest,
  ticketCode,
  waitlistedPersonPromoted,
} from '../../test/examples.js';
import { conferenceDecider } from './conference.decide.js';

const given = DeciderSpecification.for(conferenceDecider);

describe('registering a person', () => {
  describe('when the conference is not scheduled', () => {
    test('nobody can register', () => given([]).when(register(1)).thenRefused('conference_not_scheduled'));
  });

  describe('when places are free', () => {
    const history = [conferenceScheduled({ capacity: 2 })];

    test('the person is registered and gets the ticket code chosen for them', () =>
      given(history)
        .when(register(1))
        .then([personRegistered(1)], {
          registrationId: registrationId(1),
          ticketCode: ticketCode(1),
          status: 'registered',
        }));

    test('the last free place is taken', () =>
      given([...history, personRegistered(1)])
        .when(register(2))
        .then([personRegistered(2)], {
          registrationId: registrationId(2),
          ticketCode: ticketCode(2),
          status: 'registered',
        }));

    test('names, address and organisation are recorded trimmed, the address in its case as written', () =>
      given(history)
        .when(
          register(1, {
            person: {
              firstName: ' Claude ',
              lastName: 'Alphandéry ',
              email: '  Claude.Alphandery@Example.org ',
              organisation: '  ',
            },
          }),
        )
        .then([
          personRegistered(1, {
            person: {
              firstName: 'Claude',
              lastName: 'Alphandéry',
              email: 'Claude.Alphandery@Example.org',
              organisation: null,
            },
          }),
        ]));

    test('spaces inside names are collapsed, line breaks included', () =>
      given(history)
        .when(
          register(1, {
            person: person(1, { firstName: 'Jean-\nLouis', lastName: 'Du   Bouëtiez', organisation: ' A  B ' }),
          }),
        )
        .then([
          personRegistered(1, {
            person: person(1, { firstName: 'Jean- Louis', lastName: 'Du Bouëtiez', organisation: 'A B' }),
          }),
        ]));

    test('a walk-in is recorded as such', () =>
      given(history)
        .when(register(1, { source: 'walk_in' }))
        .then([personRegistered(1, { source: 'walk_in' })]));

    test('a blank first name is refused with the field', () =>
      given(history)
        .when(register(1, { person: person(1, { firstName: ' ' }) }))
        .thenRefused('missing_field', { field: 'firstName' }));

    test('a blank address is refused with the field', () =>
      given(history)
        .when(register(1, { person: person(1, { email: '' }) }))
        .thenRefused('missing_field', { field: 'email' }));

    test('a walk-in at the door may give no address', () => {
      const noAddress = { person: person(1, { email: '' }), source: 'walk_in' as const };
      given(history)
        .when(register(1, noAddress))
        .then([personRegistered(1, noAddress)]);
    });

    test('two walk-ins without an address are two people, not duplicates', () => {
      const first = { person: person(1, { email: '' }), source: 'walk_in' as const };
      const second = { person: person(2, { email: '' }), source: 'walk_in' as const };
      given([...history, personRegistered(1, first)])
        .when(register(2, second))
        .then([personRegistered(2, second)]);
    });

    test.each(['claude.example.org', 'claude@example', 'claude alphandery@example.org', '@example.org'])(
      '%p is not an address',
      (email) =>
        given(history)
          .when(register(1, { person: person(1, { email }) }))
          .thenRefused('invalid_email'),
    );
  });

  describe('when the capacity is reached', () => {
    const history = [conferenceScheduled({ capacity: 2 }), personRegistered(1), personRegistered(2)];

    test('the person is waitlisted, with a ticket the door will refuse until promoted', () =>
      given(history)
        .when(register(3))
        .then([personWaitlisted(3)], {
          registrationId: registrationId(3),
          ticketCode: ticketCode(3),
          status: 'waitlisted',
        }));

    test('the next one waits behind', () =>
      given([...history, personWaitlisted(3)])
        .when(register(4))
        .then([personWaitlisted(4)]));

    test('a place freed by a cancellation went to the queue, so a newcomer still waits', () =>
      given([
        ...history,
        personWaitlisted(3),
        registrationCancelled(1, 'registered'),
        waitlistedPersonPromoted(3, 'place_freed'),
      ])
        .when(register(4))
        .then([personWaitlisted(4)]));

    test('a place freed with nobody waiting is taken', () =>
      given([...history, registrationCancelled(1, 'registered')])
        .when(register(3))
        .then([personRegistered(3)]));
  });

  describe('when a place looks free but people are waiting', () => {
    // Not a history this decider writes (a freed place goes to the queue in the
    // same append), but one an older version or a repair could leave: first come
    // stays first served.
    test('the newcomer waits behind them', () =>
      given([
        conferenceScheduled({ capacity: 1 }),
        personRegistered(1),
        personWaitlisted(2),
        registrationCancelled(1, 'registered'),
      ])
        .when(register(3))
        .then([personWaitlisted(3)]));
  });

  describe('when the address is already registered', () => {
    const history = [conferenceScheduled({ capacity: 1 }), personRegistered(1)];

    test('the same address in another case, with spaces around it, is a duplicate', () =>
      given(history)
        .when(register(2, { person: person(2, { email: '  CLAUDE.Alphandery@example.ORG ' }) }))
        .thenRefused('duplicate_email', { registrationId: registrationId(1) }));

    test('an address held by a waitlisted registration is a duplicate too', () =>
      given([...history, personWaitlisted(2)])
        .when(register(3, { person: person(3, { email: person(2).email }) }))
        .thenRefused('duplicate_email', { registrationId: registrationId(2) }));

    test('the address of a cancelled registration can register again', () =>
      given([...history, registrationCancelled(1, 'registered')])
        .when(register(2, { person: person(1) }))
        .then([personRegistered(2, { person: person(1) })]));
  });

  describe('when the registration id is already known', () => {
    const history = [conferenceScheduled({ capacity: 1 }), personRegistered(1), personWaitlisted(2)];

    test('the same request again writes nothing and gets the first ticket code, though a retry carries a fresh one', () =>
      given(history)
        .when(register(1, { ticketCode: 'a-fresh-code-from-the-retry' }))
        .thenNothingHappens({ registrationId: registrationId(1), ticketCode: ticketCode(1), status: 'registered' }));

    test('the answer is the first one, waitlisted, even after a promotion', () =>
      given([...history, registrationCancelled(1, 'registered'), waitlistedPersonPromoted(2, 'place_freed')])
        .when(register(2))
        .thenNothingHappens({ registrationId: registrationId(2), ticketCode: ticketCode(2), status: 'waitlisted' }));

    test('the same address written differently is still the same request', () =>
      given(history)
        .when(register(1, { person: person(1, { email: 'CLAUDE.ALPHANDERY@example.org' }) }))
        .thenNothingHappens());

    test('a different request under the same id is refused', () =>
      given(history)
        .when(register(1, { lunch: false }))
        .thenRefused('registration_id_conflict'));
  });

  describe('when the ticket code is already in use', () => {
    test('the registration is refused rather than two people sharing a ticket', () =>
      given([conferenceScheduled(), personRegistered(1)])
        .when(register(2, { ...registrationRequest(2), ticketCode: ticketCode(1) }))
        .thenRefused('ticket_code_conflict'));
  });
});
