import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { decodeCsvBytes } from './encoding.js';

const header = 'first_name;last_name\r\n';
/** « François Çelik » as French Excel saves it: Windows-1252, one byte a letter. */
const cp1252 = Buffer.concat([
  Buffer.from(header, 'latin1'),
  Buffer.from([0x46, 0x72, 0x61, 0x6e, 0xe7, 0x6f, 0x69, 0x73, 0x3b, 0xc7, 0x65, 0x6c, 0x69, 0x6b, 0x0d, 0x0a]),
]);

describe('the encoding of a CSV file', () => {
  test('UTF-8 without a BOM is read as UTF-8', () => {
    expect(decodeCsvBytes(Buffer.from(`${header}François;Çelik\r\n`, 'utf8'))).toEqual({
      ok: true,
      text: `${header}François;Çelik\r\n`,
      encoding: 'utf-8',
      bom: false,
    });
  });

  test('UTF-8 with a BOM is read as UTF-8, the BOM dropped', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${header}Zoé;Núñez\n`, 'utf8')]);
    expect(decodeCsvBytes(bytes)).toEqual({ ok: true, text: `${header}Zoé;Núñez\n`, encoding: 'utf-8', bom: true });
  });

  test('Windows-1252 (French Excel) keeps its accents', () => {
    expect(decodeCsvBytes(cp1252)).toMatchObject({
      ok: true,
      text: `${header}François;Çelik\r\n`,
      encoding: 'windows-1252',
    });
  });

  test('Windows-1252’s own letters (€, œ, Œ, ’) are read as such', () => {
    expect(decodeCsvBytes(Buffer.from([0x80, 0x20, 0x9c, 0x8c, 0x92]))).toMatchObject({
      ok: true,
      text: '€ œŒ’',
      encoding: 'windows-1252',
    });
  });

  test.each([0x81, 0x8d, 0x8f, 0x90, 0x9d])(
    'byte 0x%s, undefined in Windows-1252 and not UTF-8, is refused',
    (byte) => {
      expect(decodeCsvBytes(Buffer.from([0x41, byte, 0x42]))).toEqual({
        ok: false,
        reason: 'unsupported_encoding',
        offset: 1,
      });
    },
  );

  test('a UTF-16 file (NULs between the letters) is refused', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(header, 'utf16le')]);
    expect(decodeCsvBytes(utf16)).toMatchObject({ ok: false, reason: 'unsupported_encoding' });
  });

  test('a BOM followed by bytes that are not UTF-8 is refused, not guessed', () => {
    expect(decodeCsvBytes(Buffer.from([0xef, 0xbb, 0xbf, 0x41, 0xe7, 0x41]))).toEqual({
      ok: false,
      reason: 'unsupported_encoding',
      offset: 4,
    });
  });

  test('any text written as UTF-8 reads back the same', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const clean = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufeff]/g, '');
        const decoded = decodeCsvBytes(Buffer.from(clean, 'utf8'));
        expect(decoded).toMatchObject({ ok: true, text: clean, encoding: 'utf-8' });
      }),
    );
  });

  test('any Latin-1 text written as Windows-1252 reads back the same', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.integer({ min: 0xa0, max: 0xff }).map((c) => String.fromCharCode(c)) }),
        (letters) => {
          // Each upper-half byte followed by an ASCII letter can never be UTF-8: the reading is not ambiguous.
          const text = `a${[...letters].map((c) => `${c}a`).join('')}`;
          const decoded = decodeCsvBytes(Buffer.from(text, 'latin1'));
          expect(decoded).toMatchObject({ ok: true, text });
        },
      ),
    );
  });
});
