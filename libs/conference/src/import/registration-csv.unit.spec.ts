import { describe, expect, test } from '@jest/globals';
import { parseRegistrationCsv, type RegistrationCsvResult } from './registration-csv.js';

const header = 'first_name,last_name,email,organisation,category,lunch,photo_consent';

const rowsOf = (result: RegistrationCsvResult) => {
  if (!result.ok) throw new Error(`Expected the file to be read, got ${result.reason}`);
  return result;
};

describe('reading a registration file', () => {
  describe('when the file is as the contract describes it', () => {
    test('each row becomes a registration, with its line', () =>
      expect(
        rowsOf(
          parseRegistrationCsv(
            `${header}\r\nClaude,Alphandéry,claude.alphandery@example.org,Le Labo de l'ESS,speaker,yes,no\r\n`,
          ),
        ),
      ).toEqual({
        ok: true,
        delimiter: ',',
        rows: [
          {
            line: 2,
            firstName: 'Claude',
            lastName: 'Alphandéry',
            email: 'claude.alphandery@example.org',
            organisation: "Le Labo de l'ESS",
            category: 'speaker',
            lunch: true,
            photoConsent: false,
          },
        ],
        rejected: [],
      }));
  });

  describe('when a French Excel exported it', () => {
    test('semicolons, a BOM, CRLF, quotes and spaces are all read', () => {
      const file =
        '\uFEFFfirst_name;last_name;email;organisation;category;lunch;photo_consent\r\n' +
        ' Sylvia ; Pinel ;  sylvia.pinel@example.org ;"Ministère du Logement; de l\'Égalité";official;oui;non\r\n';
      const { delimiter, rows } = rowsOf(parseRegistrationCsv(file));
      expect(delimiter).toBe(';');
      expect(rows).toEqual([
        {
          line: 2,
          firstName: 'Sylvia',
          lastName: 'Pinel',
          email: 'sylvia.pinel@example.org',
          organisation: "Ministère du Logement; de l'Égalité",
          category: 'official',
          lunch: true,
          photoConsent: false,
        },
      ]);
    });
  });

  describe('when the columns come in another order, with other spellings', () => {
    test('they are found by name', () => {
      const file = 'E-mail,Catégorie,Prénom,Nom,Déjeuner\nx@example.org,Intervenant,Anne,Martin,x\n';
      expect(rowsOf(parseRegistrationCsv(file)).rows).toEqual([
        {
          line: 2,
          firstName: 'Anne',
          lastName: 'Martin',
          email: 'x@example.org',
          organisation: null,
          category: 'speaker',
          lunch: true,
          photoConsent: false,
        },
      ]);
    });
  });

  describe('when a language column says how to write to each person', () => {
    test('en and its spellings give English, fr or nothing French (absent), anything else is refused on its line', () => {
      const result = rowsOf(
        parseRegistrationCsv(
          `${header},Langue\nA,Un,a@example.org,,participant,yes,no,EN\nB,Deux,b@example.org,,participant,yes,no,Anglais\n` +
            `C,Trois,c@example.org,,participant,yes,no,fr\nD,Quatre,d@example.org,,participant,yes,no,\n` +
            `E,Cinq,e@example.org,,participant,yes,no,klingon\n`,
        ),
      );
      expect(result.rows.map((r) => r.language)).toEqual(['en', 'en', 'fr', undefined]);
      expect(result.rejected).toEqual([{ line: 6, reason: 'invalid_language', field: 'language', name: 'E Cinq' }]);
    });
  });

  describe('when a required column is missing', () => {
    test('the file is refused, naming the columns', () =>
      expect(parseRegistrationCsv('first_name,last_name,organisation\nA,B,C\n')).toEqual({
        ok: false,
        reason: 'missing_column',
        columns: ['email', 'category'],
      }));
  });

  describe('when the file is empty', () => {
    test('it is refused', () =>
      expect(parseRegistrationCsv('\uFEFF\r\n')).toEqual({ ok: false, reason: 'empty_file' }));
  });

  describe('when yes and no are written in the ways spreadsheets write them', () => {
    test.each([
      ['yes', true],
      ['Oui', true],
      ['TRUE', true],
      ['1', true],
      ['y', true],
      ['o', true],
      ['x', true],
      ['X', true],
      ['no', false],
      ['NON', false],
      ['false', false],
      ['0', false],
      ['n', false],
      ['', false],
    ])('%p reads %p', (written, expected) => {
      const { rows } = rowsOf(
        parseRegistrationCsv(`${header}\nA,B,a@example.org,,participant,${written},${written}\n`),
      );
      expect(rows[0]).toMatchObject({ lunch: expected, photoConsent: expected });
    });
  });

  describe('when a value is longer than the API allows', () => {
    test.each([
      ['first_name', `${'A'.repeat(101)},Martin,a@example.org,`],
      ['last_name', `Anne,${'M'.repeat(101)},a@example.org,`],
      ['email', `Anne,Martin,${'a'.repeat(250)}@example.org,`],
      ['organisation', `Anne,Martin,a@example.org,${'O'.repeat(201)}`],
    ])('%s: the row is rejected, the others are read', (field, start) => {
      const result = rowsOf(
        parseRegistrationCsv(`${header}
${start},participant,yes,yes
Bruno,Lasnier,b@example.org,${'O'.repeat(200)},press,no,no
`),
      );
      expect(result.rejected).toEqual([{ line: 2, reason: 'field_too_long', field, name: expect.any(String) }]);
      // A name too long to be a name is cut, not echoed whole.
      expect(result.rejected[0]?.name?.length).toBeLessThanOrEqual(81);
      expect(result.rows.map((r) => r.lastName)).toEqual(['Lasnier']);
    });
  });

  describe('when rows are bad', () => {
    const file = [
      header,
      'Anne,Martin,anne@example.org,,participant,yes,yes', // 2: good
      ',Martin,nobody@example.org,,participant,yes,yes', // 3: no first name
      'Anne,Martin,not-an-address,,participant,yes,yes', // 4
      'Anne,Martin,anne2@example.org,,keynote,yes,yes', // 5
      'Anne,Martin,anne3@example.org,,participant,maybe,yes', // 6
      'Anne,Martin,anne4@example.org,,participant,yes,constructor', // 7
      "Sylvia,Pinel,sylvia@example.org,Ministère du Logement, de l'Égalité,official,yes,yes", // 8: unquoted comma
      '"Jean-',
      'Louis",Cabrespine,jl@example.org,CNCRES,speaker,yes,yes', // 9-10: one record over two lines
      ',,,,,,', // 11: a row of bare separators
      'Bruno,Lasnier,bruno@example.org,,press,no,no', // 12
    ].join('\r\n');
    const result = rowsOf(parseRegistrationCsv(file));

    test('each is reported with its line, its reason and the column at fault', () =>
      expect(result.rejected).toEqual([
        { line: 3, reason: 'missing_field', field: 'first_name', name: 'Martin' },
        { line: 4, reason: 'invalid_email', field: 'email', name: 'Anne Martin' },
        { line: 5, reason: 'invalid_category', field: 'category', name: 'Anne Martin' },
        { line: 6, reason: 'invalid_boolean', field: 'lunch', name: 'Anne Martin' },
        { line: 7, reason: 'invalid_boolean', field: 'photo_consent', name: 'Anne Martin' },
        { line: 8, reason: 'wrong_field_count', name: 'Sylvia Pinel' },
      ]));

    test('the good rows are read, at the lines where they start', () =>
      expect(result.rows.map((row) => [row.line, row.firstName, row.lastName])).toEqual([
        [2, 'Anne', 'Martin'],
        [9, 'Jean-\nLouis', 'Cabrespine'],
        [12, 'Bruno', 'Lasnier'],
      ]));
  });

  describe('when a row is shorter than the header', () => {
    test('the missing trailing cells are empty', () =>
      expect(rowsOf(parseRegistrationCsv(`${header}\nA,B,a@example.org,,staff\n`)).rows[0]).toMatchObject({
        category: 'staff',
        lunch: false,
        photoConsent: false,
      }));
  });

  describe('when a row ends with empty extra cells', () => {
    test('they are ignored', () =>
      expect(rowsOf(parseRegistrationCsv(`${header}\nA,B,a@example.org,,staff,yes,yes,,\n`)).rejected).toEqual([]));
  });
});
