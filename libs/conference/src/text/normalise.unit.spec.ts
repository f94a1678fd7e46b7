import { describe, expect, test } from '@jest/globals';
import { isValidEmail, normaliseEmail, normaliseText, tokenise } from './normalise.js';

describe('normalising an e-mail address', () => {
  test('trims and lower-cases the whole address', () =>
    expect(normaliseEmail('  Oceane.Ferreira@EXAMPLE.ORG ')).toBe('oceane.ferreira@example.org'));

  test('an accented letter typed in either Unicode form is the same address', () =>
    expect(normaliseEmail('ren\u0065\u0301@example.org')).toBe(normaliseEmail('ren\u00e9@example.org')));

  test.each([
    'claude.alphandery@example.org',
    'JEROME.GUERIN@EXAMPLE.ORG',
    ' lea.bertrand@example.org ',
    'a+b@sub.example.co.uk',
  ])('%p is an address', (email) => expect(isValidEmail(email)).toBe(true));

  test.each([
    '',
    'claude',
    'claude@',
    '@example.org',
    'claude@example',
    'a b@example.org',
    'a@b@example.org',
    'a@example..org',
  ])('%p is not an address', (email) => expect(isValidEmail(email)).toBe(false));
});

describe('normalising text for search', () => {
  test.each([
    ['Lemaître', 'lemaitre'],
    ['Alphandéry', 'alphandery'],
    ['Tuấn', 'tuan'],
    ['Cœur', 'coeur'],
    ['Du  Bouëtiez', 'du bouetiez'],
    ['Jean-Louis', 'jean louis'],
    ["Mouvement pour l'Économie Solidaire", 'mouvement pour l economie solidaire'],
    ['  Fanélie   CARREY-CONTE ', 'fanelie carrey conte'],
    ['claude.alphandery@example.org', 'claude alphandery example org'],
  ])('%p reads %p', (raw, expected) => expect(normaliseText(raw)).toBe(expected));

  test('a blank text has no words', () => expect(tokenise('  - ')).toEqual([]));
});

describe('plain ASCII takes a shorter way to the same text', () => {
  test('every printable ASCII character, alone and between letters, normalises as through Unicode', () => {
    const reference = (raw: string) =>
      raw
        .normalize('NFD')
        .replace(/\p{M}+/gu, '')
        .toLowerCase()
        .replace(/[^\p{L}\p{N}]+/gu, ' ')
        .trim();
    for (let code = 0; code < 128; code++) {
      const c = String.fromCharCode(code);
      for (const raw of [c, `Ab${c}Cd`, ` ${c}${c}x9 `]) expect(normaliseText(raw)).toBe(reference(raw));
    }
    expect(normaliseText('Jean-Louis.O_Brien@Example.ORG')).toBe('jean louis o brien example org');
  });
});
