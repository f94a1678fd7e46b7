import { describe, expect, test } from '@jest/globals';
import {
  conferenceId,
  conferenceScheduled,
  personRegistered,
  personWaitlisted,
  registrationCancelled,
  registrationId,
  scanId,
  ticketCode,
} from '../../test/examples.js';
import { foldConference } from '../conference/conference.js';
import { ticketSha256 } from '../conference/ticket-code.js';
import { lookUpTicket, scanStream } from './arrival.js';

describe('looking up the ticket a door presents', () => {
  const conference = foldConference([
    conferenceScheduled({ capacity: 1, idCheckRequired: true, lunch: { priceCents: 2000, currency: 'EUR' } }),
    personRegistered(1),
    personWaitlisted(2),
    personRegistered(3, { ticketCode: ticketCode(3) }),
    registrationCancelled(3, 'registered'),
  ]);

  describe('when the code belongs to a registration', () => {
    test('the registry facts come with it, the conference ID rule and lunch fee included', () =>
      expect(lookUpTicket(conference, { ticketCode: ticketCode(1) })).toEqual({
        found: true,
        registrationId: registrationId(1),
        status: 'registered',
        idCheckRequired: true,
        lunchFee: { priceCents: 2000, currency: 'EUR' },
      }));

    test('a waitlisted or cancelled status is passed on for the door to refuse', () => {
      expect(lookUpTicket(conference, { ticketCode: ticketCode(2) })).toMatchObject({ status: 'waitlisted' });
      expect(lookUpTicket(conference, { registrationId: registrationId(3) })).toMatchObject({ status: 'cancelled' });
    });

    test('an erased person’s ticket is cancelled, whatever its registration status', () => {
      const erased = foldConference([
        conferenceScheduled({ capacity: 1 }),
        personRegistered(1),
        {
          type: 'PersonalDataErased',
          data: {
            conferenceId,
            registrationId: registrationId(1),
            reason: 'demande',
            erasedAt: '2014-09-19T08:00:00Z',
          },
        },
      ]);
      expect(lookUpTicket(erased, { ticketCode: ticketCode(1) })).toMatchObject({ found: true, status: 'cancelled' });
    });

    test('read back after an erasure (its code sealed away, read as empty), the ticket is still found by its digest', () => {
      const erased = foldConference([
        conferenceScheduled({ capacity: 1 }),
        personRegistered(1, {
          ticketCode: '',
          ticketSha256: ticketSha256(ticketCode(1)),
          person: { firstName: '', lastName: '', email: '', organisation: 'Labo', erased: true },
        }),
      ]);
      expect(lookUpTicket(erased, { ticketCode: ticketCode(1) })).toMatchObject({
        found: true,
        registrationId: registrationId(1),
      });
      // An empty code is no ticket: it finds no one, erased or not.
      expect(lookUpTicket(erased, { ticketCode: '' })).toMatchObject({ found: false });
    });

    test('a registration recorded before the digest existed (its code in clear) is found by its code', () => {
      const { ticketSha256: _recordedSince, ...data } = personRegistered(1).data;
      const before = foldConference([conferenceScheduled({ capacity: 1 }), { type: 'PersonRegistered', data }]);
      expect(lookUpTicket(before, { ticketCode: ticketCode(1) })).toMatchObject({
        found: true,
        registrationId: registrationId(1),
      });
    });

    test('the scan is decided on the ticket stream', () =>
      expect(scanStream(conferenceId, lookUpTicket(conference, { ticketCode: ticketCode(1) }), scanId(1))).toBe(
        `ticket-${registrationId(1)}`,
      ));
  });

  describe('when nothing answers', () => {
    test('an unknown code is not recorded, as it may be a mistyped secret', () =>
      expect(lookUpTicket(conference, { ticketCode: 'no-such-code' })).toEqual({ found: false, registrationId: null }));

    test('an unknown registration id is recorded', () =>
      expect(lookUpTicket(conference, { registrationId: registrationId(99) })).toEqual({
        found: false,
        registrationId: registrationId(99),
      }));

    test('the refusal is decided on a stream of its own, not on one growing door stream (issue 21)', () =>
      expect(scanStream(conferenceId, { found: false, registrationId: null }, scanId(1))).toBe(
        `door-${conferenceId}-${scanId(1)}`,
      ));

    test('nothing is found in a conference not scheduled', () =>
      expect(lookUpTicket(foldConference([]), { ticketCode: ticketCode(1) })).toEqual({
        found: false,
        registrationId: null,
      }));
  });
});
