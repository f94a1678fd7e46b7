import { describe, expect, test } from '@jest/globals';
import {
  conferenceScheduled,
  passportChecked,
  personRegistered,
  register,
  registrationId,
  scan,
} from '../../test/examples.js';
import { foldConference } from '../conference/conference.js';
import { registerPerson } from '../conference/conference.decide.js';
import { foldTicket, initialState, lookUpTicket, scanStream } from './arrival.js';
import { scanTicket } from './arrival.decide.js';

/**
 * A walk-in is two commands on two streams, in sequence: register on the
 * conference stream, then scan on the new ticket's stream. Both carry ids
 * chosen by the door app, so the whole flow can be retried after a failure at
 * either step without registering or admitting anyone twice.
 */
describe('a walk-in at the door', () => {
  const walkIn = register(3, { source: 'walk_in', registeredAt: '2014-09-19T09:40:00+02:00' });

  describe('when a place is free', () => {
    const history = [conferenceScheduled({ capacity: 3 }), personRegistered(1)];

    test('is registered, then admitted on the ticket just issued', () => {
      const conference = foldConference(history);
      const registration = registerPerson(walkIn, conference);
      if (!registration.ok) throw new Error(registration.reason);
      expect(registration.outcome).toMatchObject({ status: 'registered' });

      const ticket = lookUpTicket(foldConference(registration.events, conference), {
        registrationId: registration.outcome.registrationId,
      });
      expect(scanStream('c', ticket, 's')).toBe(`ticket-${registrationId(3)}`);
      const admission = scanTicket(scan(1, { ticket, idCheck: passportChecked }), initialState());
      expect(admission.ok && admission.outcome).toMatchObject({
        result: 'admitted',
        registrationId: registrationId(3),
      });
    });

    test('retrying both steps writes nothing more and answers the same', () => {
      const conference = foldConference(history);
      const first = registerPerson(walkIn, conference);
      if (!first.ok) throw new Error(first.reason);
      const afterFirst = foldConference(first.events, conference);
      expect(registerPerson(walkIn, afterFirst)).toEqual({ ok: true, events: [], outcome: first.outcome });

      const ticket = lookUpTicket(afterFirst, { registrationId: registrationId(3) });
      const admitted = scanTicket(scan(1, { ticket }), initialState());
      if (!admitted.ok) throw new Error('unreachable');
      const ticketState = foldTicket(admitted.events);
      expect(scanTicket(scan(1, { ticket }), ticketState)).toEqual({ ok: true, events: [], outcome: admitted.outcome });
    });
  });

  describe('when the conference is full', () => {
    test('is waitlisted, and the door is told so', () => {
      const conference = foldConference([conferenceScheduled({ capacity: 1 }), personRegistered(1)]);
      const registration = registerPerson(walkIn, conference);
      if (!registration.ok) throw new Error(registration.reason);
      expect(registration.outcome).toMatchObject({ status: 'waitlisted' });
      const ticket = lookUpTicket(foldConference(registration.events, conference), {
        registrationId: registrationId(3),
      });
      const refusal = scanTicket(scan(1, { ticket }), initialState());
      expect(refusal.ok && refusal.outcome).toMatchObject({ result: 'refused', reason: 'waitlisted' });
    });
  });
});
