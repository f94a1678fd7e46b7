import { describe, expect, test } from '@jest/globals';
import { CSV_BOM, csvField, neutraliseFormula, writeCsv } from './csv-write.js';
import { parseCsv } from './csv.js';

describe('writing CSV for spreadsheets', () => {
  describe('formula cells are neutralised', () => {
    test.each([
      ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
      ['=HYPERLINK("http://evil.example","x")', `'=HYPERLINK("http://evil.example","x")`],
      ['+1', "'+1"],
      ['-1', "'-1"],
      ['@SUM(1)', "'@SUM(1)"],
      ['\t=1+1', "'\t=1+1"],
      ['\r=1+1', "'\r=1+1"],
      ['  =1+1', "'  =1+1"],
      ['＝1+1', "'＝1+1"],
      ['＋1', "'＋1"],
    ])('%j → %j', (cell, inert) => expect(neutraliseFormula(cell)).toBe(inert));

    test.each(['Jeanne', 'Jean-Pierre', 'a=b', 'x@example.org', '1+1', "O'Brien", ''])('%j stays as it is', (cell) =>
      expect(neutraliseFormula(cell)).toBe(cell),
    );

    test('numbers and booleans are data, not text: a negative number stays a number', () => {
      expect(csvField(-1)).toBe('-1');
      expect(csvField(20)).toBe('20');
      expect(csvField(true)).toBe('true');
      expect(csvField(Number.NaN)).toBe('');
      expect(csvField(null)).toBe('');
      expect(csvField(undefined)).toBe('');
    });
  });

  describe('fields are quoted per RFC 4180 when they must be', () => {
    test.each([
      ['plain', 'plain'],
      ['a,b', '"a,b"'],
      ['a;b', '"a;b"'],
      ['say "hi"', '"say ""hi"""'],
      ['two\nlines', '"two\nlines"'],
      ['two\r\nlines', '"two\r\nlines"'],
      [' edge ', '" edge "'],
      ['=1,2', `"'=1,2"`],
    ])('%j → %j', (value, field) => expect(csvField(value)).toBe(field));
  });

  test('a file starts with a BOM, ends every record with CRLF, and reads back to the same fields', () => {
    const rows = [
      ['Zoé', 'Ébrard', 'zoe@example.org', 'Coop "Nord", Lille', true, 3],
      ["=cmd|' /C calc'!A0", '-1', '@SUM(1)', 'multi\nline', false, null],
    ];
    const text = writeCsv(['first', 'last', 'email', 'organisation', 'lunch', 'n'], rows);
    expect(text.startsWith(CSV_BOM)).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.slice(1).split('\r\n')[0]).toBe('first,last,email,organisation,lunch,n');
    const { records, errors, delimiter } = parseCsv(text);
    expect(errors).toEqual([]);
    expect(delimiter).toBe(',');
    expect(records.map((r) => r.fields)).toEqual([
      ['first', 'last', 'email', 'organisation', 'lunch', 'n'],
      ['Zoé', 'Ébrard', 'zoe@example.org', 'Coop "Nord", Lille', 'true', '3'],
      ["'=cmd|' /C calc'!A0", "'-1", "'@SUM(1)", 'multi\nline', 'false', ''],
    ]);
  });

  test('semicolons on request, and no BOM on request', () => {
    const text = writeCsv(['a', 'b'], [['1', '2']], { delimiter: ';', bom: false });
    expect(text).toBe('a;b\r\n1;2\r\n');
  });
});
