import { describe, expect, test } from '@jest/globals';
import {
  conferenceScheduled,
  personRegistered,
  personWaitlisted,
  registrationCancelled,
  registrationId,
  waitlistedPersonPromoted,
} from '../../test/examples.js';
import {
  activeRegistrationByEmail,
  evolve,
  foldConference,
  initialState,
  registrationById,
  type ConferenceEvent,
  type ConferenceState,
} from './conference.js';

const history: ConferenceEvent[] = [
  conferenceScheduled({ capacity: 2 }),
  personRegistered(1),
  personRegistered(2),
  personWaitlisted(3),
  personWaitlisted(4),
  registrationCancelled(1, 'registered'),
  waitlistedPersonPromoted(3, 'place_freed'),
  registrationCancelled(4, 'waitlisted'),
  personWaitlisted(5),
];

const plain = (state: ConferenceState): unknown =>
  state.status === 'scheduled'
    ? {
        ...state,
        registrations: [...state.registrations.entries()],
        activeByEmail: [...state.activeByEmail.entries()],
        byTicketSha256: [...state.byTicketSha256.entries()],
      }
    : state;

describe('the registry state', () => {
  describe('when folded at once or evolved event by event', () => {
    test('is the same', () =>
      expect(plain(foldConference(history))).toEqual(plain(history.reduce(evolve, initialState()))));

    test('folding the rest of a stream onto a cached state is the same as folding it all', () =>
      expect(plain(foldConference(history.slice(4), foldConference(history.slice(0, 4))))).toEqual(
        plain(foldConference(history)),
      ));
  });

  describe('when evolved', () => {
    test('the state evolved from is left as it was', () => {
      const before = foldConference(history.slice(0, 3));
      const snapshot = JSON.stringify(plain(before));
      evolve(before, personWaitlisted(3));
      foldConference(history.slice(3), before);
      expect(JSON.stringify(plain(before))).toBe(snapshot);
    });
  });

  describe('after registrations, promotions and cancellations', () => {
    const state = foldConference(history);

    test('counts the places taken and keeps the queue in order', () => {
      expect(state.status === 'scheduled' && state.registeredCount).toBe(2);
      expect(state.status === 'scheduled' && state.waitlist).toEqual([registrationId(5)]);
    });

    test('knows each status', () =>
      expect([1, 2, 3, 4, 5].map((n) => registrationById(state, registrationId(n))?.status)).toEqual([
        'cancelled',
        'registered',
        'registered',
        'cancelled',
        'waitlisted',
      ]));

    test('frees the address of a cancelled registration and keeps the others', () => {
      expect(activeRegistrationByEmail(state, personRegistered(1).data.person.email)).toBeUndefined();
      expect(
        activeRegistrationByEmail(state, personRegistered(2).data.person.email.toUpperCase())?.registrationId,
      ).toBe(registrationId(2));
    });
  });
});
