import { describe, expect, test } from '@jest/globals';
import { SearchIndex } from './search-index.js';
import { matchesWords, searchWords } from './search.js';

// A deterministic generator: the same people and queries on every run.
const generator = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

const FIRST = ['Zoé', 'Étienne', 'Jean-Louis', 'Anaïs', 'Noël', 'Œdipe', 'Paul', 'Inès', 'Bao', 'Li'];
const LAST = ['Alphandéry', 'Du Bouëtiez', 'Carrey-Conte', 'Lemaître', "L'Hôte", 'Nguyễn', 'Ba', 'Martin', 'Smith'];
const ORGS = ['CGT', 'Mairie de Lille', null, 'Coop Nord', 'Le Monde', 'Université Paris 8'];

describe('the search index', () => {
  const random = generator(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const people = Array.from({ length: 400 }, (_, i) => {
    const fields = [pick(FIRST), pick(LAST), pick(ORGS), `p${i}.${pick(LAST).toLowerCase()}@example.org`];
    return { key: `r${i}`, words: searchWords(fields) };
  });
  const index = new SearchIndex();
  for (const p of people) index.set(p.key, p.words);

  const queries = [
    '',
    'a',
    'al',
    'alp',
    'alph',
    'alphnd', // a letter left out
    'xlphandery', // the first letter replaced
    'lpahandery', // the first two swapped
    'lalphandery', // one letter too many at the start
    'dubouetiez',
    'carreyconte',
    'jean louis',
    'zoe cgt',
    'lemaitre lille',
    'ngyuen',
    'example',
    'p12',
    'p123',
    'ba',
    'li',
    'xyz',
    '  ',
    'Œdipe',
  ];

  test.each(queries)('%j finds exactly the people that matchesWords finds, in order', (query) => {
    const expected = people.flatMap((p, i) => (matchesWords(p.words, query) ? [i] : []));
    expect(index.search(query)).toEqual(expected);
  });

  test('replacing an entry’s words takes the old ones out at once (an erasure), and it keeps its place', () => {
    const own = new SearchIndex();
    own.set('a', searchWords(['Zoé', 'Alphandéry', 'CGT', 'zoe@example.org']));
    own.set('b', searchWords(['Paul', 'Martin', null, 'paul@example.org']));
    expect(own.search('alphandery')).toEqual([0]);
    own.set('a', searchWords(['', '', 'CGT', '']));
    expect(own.search('alphandery')).toEqual([]);
    expect(own.search('zoe')).toEqual([]);
    expect(own.search('cgt')).toEqual([0]);
    expect(own.keyAt(0)).toBe('a');
    expect(own.ordinalOf('b')).toBe(1);
    expect(own.size).toBe(2);
  });
});
