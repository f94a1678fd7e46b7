import { describe, test } from '@jest/globals';
import { DeciderSpecification } from '@emargement/decider/specification.js';
import {
  conferenceId,
  conferenceScheduled,
  details,
  personRegistered,
  personWaitlisted,
  waitlistedPersonPromoted,
} from '../../test/examples.js';
import type { ConferenceDetails } from './conference.js';
import { conferenceDecider, type ReviseConference, type ScheduleConference } from './conference.decide.js';

const given = DeciderSpecification.for(conferenceDecider);

const schedule = (overrides: Partial<ConferenceDetails> = {}): ScheduleConference => ({
  type: 'ScheduleConference',
  data: { conferenceId, ...details(overrides), scheduledAt: '2014-06-01T10:00:00+02:00' },
});

const revisedAt = '2014-09-10T09:00:00+02:00';
const revise = (overrides: Partial<ConferenceDetails> = {}): ReviseConference => ({
  type: 'ReviseConference',
  data: { ...details(overrides), revisedAt },
});

describe('scheduling a conference', () => {
  describe('when nothing is scheduled yet', () => {
    test('the conference is scheduled with its capacity, doors, lunch fee and ID check', () =>
      given([]).when(schedule()).then([conferenceScheduled()], { conferenceId }));

    test('names are recorded trimmed', () =>
      given([])
        .when(schedule({ name: '  PTCE 2014 ', venue: ' Bercy ', doors: [' Accueil principal '] }))
        .then([conferenceScheduled({ name: 'PTCE 2014', venue: 'Bercy', doors: ['Accueil principal'] })]));

    test('a conference without lunch and without doors is fine', () =>
      given([])
        .when(schedule({ lunch: null, doors: [], idCheckRequired: false }))
        .then([conferenceScheduled({ lunch: null, doors: [], idCheckRequired: false })]));

    test('a free lunch is a lunch at 0 cents', () =>
      given([])
        .when(schedule({ lunch: { priceCents: 0, currency: 'EUR' } }))
        .then([conferenceScheduled({ lunch: { priceCents: 0, currency: 'EUR' } })]));

    test.each([0, -1, 1.5, Number.NaN])('a capacity of %p is refused', (capacity) =>
      given([]).when(schedule({ capacity })).thenRefused('invalid_capacity'),
    );

    test('an end before the start is refused', () =>
      given([])
        .when(schedule({ startsAt: '2014-09-19T16:30:00+02:00', endsAt: '2014-09-19T09:30:00+02:00' }))
        .thenRefused('invalid_period'));

    test('an unreadable time is refused', () =>
      given([])
        .when(schedule({ startsAt: 'tomorrow morning' }))
        .thenRefused('invalid_period'));

    test('an unknown time zone is refused', () =>
      given([])
        .when(schedule({ timezone: 'Europe/Atlantis' }))
        .thenRefused('invalid_timezone'));

    test.each([
      { priceCents: -100, currency: 'EUR' },
      { priceCents: 20.5, currency: 'EUR' },
      { priceCents: 2000, currency: 'eur' },
    ])('a lunch fee of %p is refused', (lunch) => given([]).when(schedule({ lunch })).thenRefused('invalid_lunch_fee'));

    test('two doors with the same name, give or take case and accents, are refused', () =>
      given([])
        .when(schedule({ doors: ['Accueil principal', 'ACCUEIL  Principal'] }))
        .thenRefused('invalid_doors'));

    test('a blank door name is refused', () =>
      given([])
        .when(schedule({ doors: ['Accueil', ' '] }))
        .thenRefused('invalid_doors'));

    test('a blank name is refused with the field', () =>
      given([])
        .when(schedule({ name: '  ' }))
        .thenRefused('missing_field', { field: 'name' }));
  });

  describe('when the conference is already scheduled', () => {
    test('the same request again writes nothing and is answered as the first time', () =>
      given([conferenceScheduled()]).when(schedule()).thenNothingHappens({ conferenceId }));

    test('a different conference under the same id is refused', () =>
      given([conferenceScheduled()])
        .when(schedule({ capacity: 500 }))
        .thenRefused('conference_exists'));
  });
});

describe('revising a conference', () => {
  describe('when nothing is scheduled', () => {
    test('there is nothing to revise', () => given([]).when(revise()).thenRefused('conference_not_scheduled'));
  });

  describe('when scheduled', () => {
    test('every detail is recorded again', () =>
      given([conferenceScheduled()])
        .when(revise({ venue: 'Bercy, salle 2', idCheckRequired: false }))
        .then(
          [
            {
              type: 'ConferenceRevised',
              data: { conferenceId, ...details({ venue: 'Bercy, salle 2', idCheckRequired: false }), revisedAt },
            },
          ],
          { conferenceId, promoted: [] },
        ));

    test('unchanged details write nothing', () =>
      given([conferenceScheduled()]).when(revise()).thenNothingHappens({ conferenceId, promoted: [] }));

    test('invalid details are refused as when scheduling', () =>
      given([conferenceScheduled()])
        .when(revise({ timezone: 'Mars/Olympus' }))
        .thenRefused('invalid_timezone'));
  });

  describe('when places are taken', () => {
    test('the capacity cannot go below the places taken', () =>
      given([conferenceScheduled({ capacity: 2 }), personRegistered(1), personRegistered(2)])
        .when(revise({ capacity: 1 }))
        .thenRefused('capacity_below_registered', { registered: 2 }));

    test('the capacity can go down to the places taken', () =>
      given([conferenceScheduled({ capacity: 3 }), personRegistered(1), personRegistered(2)])
        .when(revise({ capacity: 2 }))
        .then([{ type: 'ConferenceRevised', data: { conferenceId, ...details({ capacity: 2 }), revisedAt } }]));
  });

  describe('when people are waiting and the capacity is raised', () => {
    const history = [
      conferenceScheduled({ capacity: 1 }),
      personRegistered(1),
      personWaitlisted(2),
      personWaitlisted(3),
      personWaitlisted(4),
    ];

    test('the new places go to the first in the queue, in order, in the same append', () =>
      given(history)
        .when(revise({ capacity: 3 }))
        .then(
          [
            { type: 'ConferenceRevised', data: { conferenceId, ...details({ capacity: 3 }), revisedAt } },
            waitlistedPersonPromoted(2, 'capacity_raised', revisedAt),
            waitlistedPersonPromoted(3, 'capacity_raised', revisedAt),
          ],
          {
            conferenceId,
            promoted: [personWaitlisted(2).data.registrationId, personWaitlisted(3).data.registrationId],
          },
        ));

    test('more places than people waiting promote everyone waiting', () =>
      given(history)
        .when(revise({ capacity: 10 }))
        .then([
          { type: 'ConferenceRevised', data: { conferenceId, ...details({ capacity: 10 }), revisedAt } },
          waitlistedPersonPromoted(2, 'capacity_raised', revisedAt),
          waitlistedPersonPromoted(3, 'capacity_raised', revisedAt),
          waitlistedPersonPromoted(4, 'capacity_raised', revisedAt),
        ]));
  });
});
