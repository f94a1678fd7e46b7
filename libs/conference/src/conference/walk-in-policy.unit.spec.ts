import { describe, test } from '@jest/globals';
import { DeciderSpecification } from '@emargement/decider/specification.js';
import type { WalkInPolicySet, WalkInRefused } from './conference.js';
import {
  conferenceId,
  conferenceScheduled,
  personRegistered,
  personWaitlisted,
  register,
  registeredAt,
  registrationData,
  registrationId,
  ticketCode,
} from '../../test/examples.js';
import { conferenceDecider } from './conference.decide.js';

const given = DeciderSpecification.for(conferenceDecider);

const setAt = '2014-09-19T08:00:00+02:00';
const policySet = (beyondCapacity: boolean): WalkInPolicySet => ({
  type: 'WalkInPolicySet',
  data: { conferenceId, beyondCapacity, setAt },
});
const setPolicy = (beyondCapacity: boolean) => ({ type: 'SetWalkInPolicy' as const, data: { beyondCapacity, setAt } });
const walkInBeyond = (n: number) => register(n, { source: 'walk_in', beyondCapacity: true });
const full = [conferenceScheduled({ capacity: 1 }), personRegistered(1)];

describe('the organisers’ walk-in rule', () => {
  describe('when the conference is not scheduled', () => {
    test('cannot be set', () => given([]).when(setPolicy(true)).thenRefused('conference_not_scheduled'));
  });

  describe('when never set', () => {
    test('turning it on is recorded', () =>
      given(full)
        .when(setPolicy(true))
        .then([policySet(true)], { conferenceId, beyondCapacity: true }));
    test('turning it off (as it is) writes nothing', () =>
      given(full).when(setPolicy(false)).then([], { conferenceId, beyondCapacity: false }));
  });

  describe('when on', () => {
    test('turning it off is recorded', () =>
      given([...full, policySet(true)])
        .when(setPolicy(false))
        .then([policySet(false)], { conferenceId, beyondCapacity: false }));
  });
});

describe('a walk-in beyond the capacity', () => {
  describe('when the day is full and the organisers allow it', () => {
    const history = [...full, policySet(true)];

    test('the person is registered, beyond the capacity, and the event says so', () =>
      given(history)
        .when(walkInBeyond(2))
        .then(
          [
            {
              type: 'PersonRegistered',
              data: registrationData(2, { source: 'walk_in', registeredAt: registeredAt(2), beyondCapacity: true }),
            },
          ],
          { registrationId: registrationId(2), ticketCode: ticketCode(2), status: 'registered', beyondCapacity: true },
        ));

    test('the same request again is answered the same, beyond the capacity, and writes nothing more', () =>
      given([...history, personRegistered(2, { source: 'walk_in', beyondCapacity: true })])
        .when(walkInBeyond(2))
        .then([], {
          registrationId: registrationId(2),
          ticketCode: ticketCode(2),
          status: 'registered',
          beyondCapacity: true,
        }));

    test('a walk-in who does not ask for it still waits', () =>
      given(history)
        .when(register(2, { source: 'walk_in' }))
        .then([personWaitlisted(2, { source: 'walk_in' })], {
          registrationId: registrationId(2),
          ticketCode: ticketCode(2),
          status: 'waitlisted',
        }));

    test('the capacity stays as it was: the next one without the choice waits', () =>
      given([...history, personRegistered(2, { source: 'walk_in', beyondCapacity: true })])
        .when(register(3, { source: 'walk_in' }))
        .then([personWaitlisted(3, { source: 'walk_in' })], {
          registrationId: registrationId(3),
          ticketCode: ticketCode(3),
          status: 'waitlisted',
        }));
  });

  describe('when the day is full and the organisers have not allowed it', () => {
    const refused: WalkInRefused = {
      type: 'WalkInRefused',
      data: {
        conferenceId,
        registrationId: registrationId(2),
        reason: 'beyond_capacity_not_allowed',
        refusedAt: registeredAt(2),
      },
    };

    test('the request is refused, and the refusal recorded', () =>
      given(full)
        .when(walkInBeyond(2))
        .then([refused], { registrationId: registrationId(2), refused: 'beyond_capacity_not_allowed' }));

    test('the same request again is answered the same, and writes nothing more', () =>
      given([...full, refused])
        .when(walkInBeyond(2))
        .then([], { registrationId: registrationId(2), refused: 'beyond_capacity_not_allowed' }));

    test('nor after the organisers turned it off again', () =>
      given([...full, policySet(true), policySet(false)])
        .when(walkInBeyond(2))
        .then([refused], { registrationId: registrationId(2), refused: 'beyond_capacity_not_allowed' }));
  });

  describe('when a place is free', () => {
    test('the choice changes nothing: an ordinary registration', () =>
      given([conferenceScheduled({ capacity: 2 }), personRegistered(1)])
        .when(walkInBeyond(2))
        .then([personRegistered(2, { source: 'walk_in' })], {
          registrationId: registrationId(2),
          ticketCode: ticketCode(2),
          status: 'registered',
        }));
  });
});
