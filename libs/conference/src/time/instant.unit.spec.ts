import { describe, expect, test } from '@jest/globals';
import { parseInstant } from './instant.js';

describe('an RFC 3339 time with an offset', () => {
  test.each([
    ['2026-12-07T09:30:00Z', '2026-12-07T09:30:00Z'],
    ['2026-12-07t09:30:00z', '2026-12-07T09:30:00Z'],
    ['2026-12-07T09:30:00+01:00', '2026-12-07T09:30:00+01:00'],
    ['2026-12-07T09:30:00.5Z', '2026-12-07T09:30:00.500Z'],
    ['2026-12-07T09:30:00.123456789-05:30', '2026-12-07T09:30:00.123-05:30'],
    ['2028-02-29T00:00:00Z', '2028-02-29T00:00:00Z'],
  ])('%s is read and stored as %s', (given, text) => {
    const parsed = parseInstant(given);
    expect(parsed?.text).toBe(text);
    expect(parsed?.ms).toBe(Date.parse(text));
  });

  test('the same instant whatever the offset', () => {
    expect(parseInstant('2026-12-07T10:30:00+01:00')?.ms).toBe(parseInstant('2026-12-07T09:30:00Z')?.ms);
  });
});

describe('anything else', () => {
  test.each([
    // The examples: ISO 8601, but not what Date.parse reads.
    '2026-W49-1',
    '20261207T093000Z',
    '2026-12-07T09',
    '2026-12-07T09:30:00,5Z',
    // No offset, an unknown offset, a date alone, a space, out-of-range fields.
    '2026-12-07T09:30:00',
    '2026-12-07T09:30:00-00:00',
    '2026-12-07',
    '2026-12-07 09:30:00Z',
    '2026-12-07T09:30Z',
    '2026-02-30T09:30:00Z',
    '2027-02-29T09:30:00Z',
    '2026-13-01T09:30:00Z',
    '2026-12-07T24:00:00Z',
    '2026-12-07T09:60:00Z',
    '2026-12-31T23:59:60Z',
    '2026-12-07T09:30:00+24:00',
    '+002026-12-07T09:30:00Z',
    '',
    ' 2026-12-07T09:30:00Z',
  ])('%j is refused', (given) => expect(parseInstant(given)).toBeNull());

  test('non-strings are refused', () => {
    for (const v of [undefined, null, 0, 1765099800000, {}, []]) expect(parseInstant(v)).toBeNull();
  });
});
