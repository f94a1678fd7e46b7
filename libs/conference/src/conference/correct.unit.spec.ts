import { describe, expect, test } from '@jest/globals';
import { DeciderSpecification } from '@emargement/decider/specification.js';
import { conferenceId, conferenceScheduled, person, personRegistered, registrationId } from '../../test/examples.js';
import { evolve, foldConference, type RegistrationChanges, type RegistrationCorrected } from './conference.js';
import { conferenceDecider, type CorrectRegistration } from './conference.decide.js';

const given = DeciderSpecification.for(conferenceDecider);

const correctedAt = '2014-09-19T09:12:00+02:00';
const correct = (n: number, changes: CorrectRegistration['data']['changes']): CorrectRegistration => ({
  type: 'CorrectRegistration',
  data: { registrationId: registrationId(n), changes, correctedAt },
});
const corrected = (n: number, changes: RegistrationChanges): RegistrationCorrected => ({
  type: 'RegistrationCorrected',
  data: { conferenceId, registrationId: registrationId(n), changes, correctedAt },
});
const erased = (n: number) => ({
  type: 'PersonalDataErased' as const,
  data: { conferenceId, registrationId: registrationId(n), reason: 'demande', erasedAt: correctedAt },
});

describe('correcting a registration', () => {
  const anne = person(1, { firstName: 'Anne', lastName: 'Lefevre', email: 'anne@example.org', organisation: 'CNRS' });
  const history = [conferenceScheduled(), personRegistered(1, { person: anne })];

  describe('when registered', () => {
    test('only the fields that changed are recorded, tidied as at registration', () =>
      given(history)
        .when(correct(1, { firstName: 'Anne', lastName: '  Lefèvre ', organisation: 'CNRS', category: 'speaker' }))
        .then([corrected(1, { lastName: 'Lefèvre', category: 'speaker' })], {
          registrationId: registrationId(1),
          changed: ['lastName', 'category'],
          correctedAt,
        }));

    test('the same form again writes nothing', () =>
      given([...history, corrected(1, { lastName: 'Lefèvre' })])
        .when(correct(1, { lastName: 'Lefèvre' }))
        .thenNothingHappens({ registrationId: registrationId(1), changed: [], correctedAt: null }));

    test('a name cannot be emptied', () =>
      given(history)
        .when(correct(1, { firstName: '  ' }))
        .thenRefused('missing_field', { field: 'firstName' }));

    test('an address must be an address', () =>
      given(history)
        .when(correct(1, { email: 'anne.example.org' }))
        .thenRefused('invalid_email'));

    test('an address another active registration holds is refused', () =>
      given([...history, personRegistered(2, { person: person(2, { email: 'bruno@example.org' }) })])
        .when(correct(1, { email: ' Bruno@Example.org ' }))
        .thenRefused('duplicate_email'));

    test('the organisation can be removed', () =>
      given(history)
        .when(correct(1, { organisation: ' ' }))
        .then([corrected(1, { organisation: null })]));
  });

  describe('when the registration is unknown or erased', () => {
    test('an unknown registration is refused', () =>
      given(history)
        .when(correct(9, { firstName: 'X' }))
        .thenRefused('unknown_registration'));

    test('an erased person is not given a name again', () =>
      given([...history, erased(1)])
        .when(correct(1, { firstName: 'Anne' }))
        .thenRefused('registration_erased'));
  });

  describe('the registry as corrected', () => {
    test('reads the corrected fields, and frees the old address for someone else', () => {
      const state = foldConference([...history, corrected(1, { lastName: 'Lefèvre', email: 'a.lefevre@example.org' })]);
      if (state.status !== 'scheduled') throw new Error('not scheduled');
      expect(state.registrations.get(registrationId(1))?.person).toMatchObject({
        firstName: 'Anne',
        lastName: 'Lefèvre',
        email: 'a.lefevre@example.org',
      });
      expect(state.activeByEmail.get('anne@example.org')).toBeUndefined();
      expect(state.activeByEmail.get('a.lefevre@example.org')).toBe(registrationId(1));
    });

    test('a correction read back erased (its key deleted) changes no name, only what is not personal', () => {
      const before = foldConference([...history, erased(1)]);
      const after = evolve(before, corrected(1, { firstName: '', lastName: '', category: 'press', erased: true }));
      if (after.status !== 'scheduled') throw new Error('not scheduled');
      expect(after.registrations.get(registrationId(1))).toMatchObject({
        person: { firstName: '', lastName: '', erased: true },
        category: 'press',
      });
    });
  });
});
