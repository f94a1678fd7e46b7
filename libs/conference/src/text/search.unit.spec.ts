import { describe, expect, test } from '@jest/globals';
import {
  matchesQuery,
  matchesWords,
  queryMatcher,
  searchWords,
  withinOneEdit,
  withinOneEditOfPrefix,
} from './search.js';

describe('one edit apart', () => {
  test.each([
    ['alphandery', 'alphandery'],
    ['alphanbery', 'alphandery'], // one substitution, d → b
    ['alphndery', 'alphandery'], // one deletion
    ['alphanddery', 'alphandery'], // one insertion
    ['alphadnery', 'alphandery'], // two neighbours swapped
    ['lemaitre', 'lemaitr'],
    ['xlemaitre', 'lemaitre'],
    ['', 'a'],
  ])('%p and %p are', (a, b) => {
    expect(withinOneEdit(a, b)).toBe(true);
    expect(withinOneEdit(b, a)).toBe(true);
  });

  test.each([
    ['alphanbary', 'alphandery'], // two substitutions
    ['alphendary', 'alphandery'], // a swap of letters that are not neighbours
    ['lemaitre', 'lemaitreee'],
    ['abc', 'cab'],
    ['', 'ab'],
  ])('%p and %p are not', (a, b) => {
    expect(withinOneEdit(a, b)).toBe(false);
    expect(withinOneEdit(b, a)).toBe(false);
  });
});

describe('one edit from a beginning of a word', () => {
  test.each([
    ['alphandery', 'alphandery'],
    ['alph', 'alphandery'], // a plain beginning
    ['alphanb', 'alphandery'], // replaced
    ['alphnd', 'alphandery'], // left out
    ['alphaxnd', 'alphandery'], // one too many
    ['alpahn', 'alphandery'], // neighbours swapped
    ['alphanderys', 'alphandery'], // one too many at the end
    ['alphandeyr', 'alphandery'], // swapped at the end
    ['xlphandery', 'alphandery'], // the first letter replaced
  ])('%p is, in %p', (query, word) => expect(withinOneEditOfPrefix(query, word)).toBe(true));

  test.each([
    ['alphanbary', 'alphandery'],
    ['alxhanb', 'alphandery'],
    ['alphanderyss', 'alphandery'],
    ['lemaitre', 'alphandery'],
  ])('%p is not, in %p', (query, word) => expect(withinOneEditOfPrefix(query, word)).toBe(false));

  test('agrees with withinOneEdit on whole words', () => {
    const words = [
      'lemaitre',
      'lemaire',
      'lemaitr',
      'elmaitre',
      'lemaitres',
      'lemaiter',
      'lamaitre',
      'lemaitreee',
      'maitre',
    ];
    for (const a of words)
      for (const b of words) if (withinOneEdit(a, b)) expect([a, b, withinOneEditOfPrefix(a, b)]).toEqual([a, b, true]);
  });
});

describe('searching attendees', () => {
  const lemaitre = ['Colin', 'Lemaître', 'PTCE Culture&Coopération', 'colin.lemaitre@example.org'];
  const alphandery = ['Claude', 'Alphandéry', "Le Labo de l'ESS", 'claude.alphandery@example.org'];
  const duBouetiez = ['Thierry', 'Du Bouëtiez', null, 'thierry.du.bouetiez@example.org'];
  const carreyConte = ['Fanélie', 'Carrey-Conte', 'Assemblée nationale', 'fanelie.carrey.conte@example.org'];
  const coeur = ['Geneviève', 'Cœur', 'PTCE Fabrique Pays Basque', 'genevieve.cur@example.org'];

  describe('when the query is typed without accents or capitals', () => {
    test('lemaitre finds Lemaître', () => expect(matchesQuery(lemaitre, 'lemaitre')).toBe(true));
    test('COEUR finds Cœur', () => expect(matchesQuery(coeur, 'COEUR')).toBe(true));
    test('fanelie finds Fanélie', () => expect(matchesQuery(carreyConte, 'fanelie')).toBe(true));
  });

  describe('when the query has one typo', () => {
    test('alphanbery finds Alphandéry', () => expect(matchesQuery(alphandery, 'alphanbery')).toBe(true));
    test('lemaiter finds Lemaître (neighbours swapped)', () => expect(matchesQuery(lemaitre, 'lemaiter')).toBe(true));
    test('lemaire finds Lemaître (a letter missing)', () => expect(matchesQuery(lemaitre, 'lemaire')).toBe(true));
    test('a typo in the organisation is forgiven too', () =>
      expect(matchesQuery(carreyConte, 'assemblee natoinale')).toBe(true));
  });

  describe('when the query has two typos in one word', () => {
    test('it does not match', () => expect(matchesQuery(alphandery, 'alphanbary')).toBe(false));
  });

  describe('when the name is still being typed', () => {
    test('a beginning finds the name', () => expect(matchesQuery(lemaitre, 'lema')).toBe(true));
    test('a beginning with a typo finds it too', () => expect(matchesQuery(alphandery, 'alphanb')).toBe(true));
    test('a short beginning must be exact', () => expect(matchesQuery(lemaitre, 'lr')).toBe(false));
  });

  describe('when the query has several words', () => {
    test('every word must match, in any field, in any order', () => {
      expect(matchesQuery(alphandery, 'alphandery claude')).toBe(true);
      expect(matchesQuery(alphandery, 'claude labo')).toBe(true);
      expect(matchesQuery(alphandery, 'claude lemaitre')).toBe(false);
    });

    test('a particle and a compound name are found split or run together', () => {
      expect(matchesQuery(duBouetiez, 'du bouetiez')).toBe(true);
      expect(matchesQuery(duBouetiez, 'dubouetiez')).toBe(true);
      expect(matchesQuery(carreyConte, 'carrey conte')).toBe(true);
      expect(matchesQuery(carreyConte, 'carreyconte')).toBe(true);
    });
  });

  describe('when the query is an e-mail address', () => {
    test('the address finds its owner, whatever its case', () =>
      expect(matchesQuery(alphandery, 'Claude.Alphandery@example.org')).toBe(true));
  });

  describe('when the query is blank', () => {
    test('everyone matches', () => expect(matchesQuery(lemaitre, '  ')).toBe(true));
  });

  describe('when the words are computed once', () => {
    test('matching them answers as matching the fields', () => {
      const words = searchWords(alphandery);
      expect(matchesWords(words, 'alphanbery')).toBe(true);
      expect(matchesWords(words, 'lemaitre')).toBe(false);
    });

    test('a query read once filters many attendees', () => {
      const matches = queryMatcher('lemaitre');
      expect([alphandery, lemaitre, coeur].map(searchWords).filter(matches)).toEqual([searchWords(lemaitre)]);
    });
  });
});
