import { describe, expect, test } from '@jest/globals';
import { choosePlurals } from './plural';

describe('plural blocks in messages (Intl.PluralRules)', () => {
  const queue = 'Hors ligne — {count, plural, one {# scan} other {# scans}} en attente';
  test('French counts 0 and 1 as one, English 1 only', () => {
    expect([0, 1, 2, 400].map((count) => choosePlurals('fr', queue, { count }))).toEqual([
      'Hors ligne — 0 scan en attente',
      'Hors ligne — 1 scan en attente',
      'Hors ligne — 2 scans en attente',
      'Hors ligne — 400 scans en attente',
    ]);
    const en = '{count, plural, one {# person} other {# people}} on site';
    expect([0, 1, 2].map((count) => choosePlurals('en', en, { count }))).toEqual([
      '0 people on site',
      '1 person on site',
      '2 people on site',
    ]);
  });

  test('two blocks in one message, a placeholder beside and inside them, an exact value first', () => {
    const counts =
      '{count, plural, one {# signature valable} other {# signatures valables}}, {voided, plural, one {# annulée} other {# annulées}} ({hash})';
    expect(choosePlurals('fr', counts, { count: 3, voided: 1, hash: 'ab' })).toBe(
      '3 signatures valables, 1 annulée ({hash})',
    );
    const exact = '{n, plural, =0 {personne à {door}} one {# personne à {door}} other {# personnes à {door}}}';
    expect(choosePlurals('fr', exact, { n: 0 })).toBe('personne à {door}');
    expect(choosePlurals('fr', exact, { n: 5 })).toBe('5 personnes à {door}');
  });

  test('a message without a block is as written', () => {
    expect(choosePlurals('en', 'Intact: {hash}', { hash: 'x' })).toBe('Intact: {hash}');
  });
});
