import { describe, expect, test } from '@jest/globals';
import { detectDelimiter, parseCsv } from './csv.js';

const fieldsOf = (text: string): string[][] => parseCsv(text).records.map((record) => record.fields);
const linesOf = (text: string): number[] => parseCsv(text).records.map((record) => record.line);

describe('reading CSV as spreadsheets export it', () => {
  describe('when the header uses commas or semicolons', () => {
    test('commas are detected', () => expect(detectDelimiter('a,b,c\n1;2,3')).toBe(','));
    test('semicolons are detected, as a French Excel writes them', () =>
      expect(detectDelimiter('a;b;c\r\n1,5;2;3')).toBe(';'));
    test('separators inside a quoted header name do not count', () => expect(detectDelimiter('"a,b,c";d;e')).toBe(';'));
    test('a single column is read as comma-separated', () => expect(detectDelimiter('email\nx@example.org')).toBe(','));
    test('the other separator is plain text inside a field', () =>
      expect(fieldsOf('a;b\n1,5;2')).toEqual([
        ['a', 'b'],
        ['1,5', '2'],
      ]));
  });

  describe('when the file starts with a byte-order mark', () => {
    test('the mark is not part of the first column', () =>
      expect(fieldsOf('\uFEFFfirst_name;last_name\nA;B')).toEqual([
        ['first_name', 'last_name'],
        ['A', 'B'],
      ]));
  });

  describe('when lines end with CRLF, LF or CR', () => {
    test('each ends a record', () =>
      expect(fieldsOf('a,b\r\n1,2\n3,4\r5,6')).toEqual([
        ['a', 'b'],
        ['1', '2'],
        ['3', '4'],
        ['5', '6'],
      ]));
    test('a final line break adds no record', () =>
      expect(fieldsOf('a,b\r\n1,2\r\n')).toEqual([
        ['a', 'b'],
        ['1', '2'],
      ]));
    test('blank lines are skipped and do not shift the line numbers', () => {
      expect(fieldsOf('a,b\r\n\r\n1,2\n\n')).toEqual([
        ['a', 'b'],
        ['1', '2'],
      ]);
      expect(linesOf('a,b\r\n\r\n1,2\n\n')).toEqual([1, 3]);
    });
  });

  describe('when fields are quoted', () => {
    test('the separator inside quotes is text', () =>
      expect(fieldsOf('name,org\r\nSylvia,"Ministère du Logement, de l\'Égalité des territoires"')).toEqual([
        ['name', 'org'],
        ['Sylvia', "Ministère du Logement, de l'Égalité des territoires"],
      ]));

    test('a doubled quote is a quote', () =>
      expect(fieldsOf('"Le ""Labo"" de l\'ESS",x')).toEqual([['Le "Labo" de l\'ESS', 'x']]));

    test('an empty quoted field is empty', () => expect(fieldsOf('a,"",c')).toEqual([['a', '', 'c']]));

    test('a line break inside quotes stays in the field, and the record keeps the line it started on', () => {
      const text = 'a,b\r\n"first\r\nsecond",x\r\ny,z';
      expect(fieldsOf(text)).toEqual([
        ['a', 'b'],
        ['first\nsecond', 'x'],
        ['y', 'z'],
      ]);
      expect(linesOf(text)).toEqual([1, 2, 4]);
    });

    test('a quote inside an unquoted field is kept as written', () =>
      expect(fieldsOf('a 5" screen,b')).toEqual([['a 5" screen', 'b']]));

    test('a quote never closed is reported at the line its record starts', () => {
      const result = parseCsv('a,b\n1,2\n"open,3\n4,5');
      expect(result.records.map((record) => record.fields)).toEqual([
        ['a', 'b'],
        ['1', '2'],
      ]);
      expect(result.errors).toEqual([{ line: 3, reason: 'unterminated_quote' }]);
    });
  });

  describe('when fields have spaces around them', () => {
    test('the spaces are trimmed, quoted or not', () =>
      expect(fieldsOf('  a ,  " b " ,c  \n')).toEqual([['a', 'b', 'c']]));
  });

  describe('when a record has empty fields', () => {
    test('they are kept, the last one included', () => expect(fieldsOf('a,,c,\n')).toEqual([['a', '', 'c', '']]));
  });
});
