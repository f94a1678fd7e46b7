import { describe, expect, test } from '@jest/globals';
import { filingLetter, withDividers, type BadgeSheet } from './badge-pdf.js';

const badge = (lastName: string): BadgeSheet => ({
  conference: {
    name: 'Journée',
    venue: 'Paris',
    startsAt: '2014-09-19T09:30:00+02:00',
    endsAt: '2014-09-19T16:30:00+02:00',
    timezone: 'Europe/Paris',
    idCheckRequired: false,
    lunch: null,
  },
  registrationId: lastName,
  ticketCode: 'code',
  firstName: 'A',
  lastName,
  organisation: null,
  category: 'participant',
});

describe('filing badges on the welcome tables', () => {
  test('a last name is filed under its first letter, accents and case dropped', () => {
    expect(['Émile', 'éluard', 'Łoziński', 'Œuvray', 'd’Arc', ' Zola'].map(filingLetter)).toEqual([
      'E',
      'E',
      'L',
      'O',
      'D',
      'Z',
    ]);
  });

  test('a name with no letter at all still has a place', () => {
    expect(filingLetter('—')).toBe('#');
  });

  test('a divider before each letter, with the count of its badges', () => {
    const cards = withDividers(['Adam', 'André', 'Bernard', 'Éluard', 'Esnault'].map(badge));
    expect(cards.map((c) => (c.kind === 'divider' ? `[${c.letter} ${c.count}]` : c.badge.lastName))).toEqual([
      '[A 2]',
      'Adam',
      'André',
      '[B 1]',
      'Bernard',
      '[E 2]',
      'Éluard',
      'Esnault',
    ]);
  });

  test('no badge, no divider', () => {
    expect(withDividers([])).toEqual([]);
  });
});
