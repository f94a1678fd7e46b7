import { describe, expect, test } from '@jest/globals';
import { MAX_POSITION, parseBoundedInteger, parsePosition } from './numbers.js';

describe('a position from a query string', () => {
  test('decimal digits up to 2^63 − 1 are read', () => {
    expect(parsePosition('0')).toBe(0n);
    expect(parsePosition('9223372036854775807')).toBe(MAX_POSITION);
  });
  test.each(['18446744073709551616', '9223372036854775808', '-1', '1e3', '0x10', ' 1', '1.0', '', '+1'])(
    '%j is refused',
    (text) => expect(parsePosition(text)).toBeNull(),
  );
});

describe('a bounded integer from a query string', () => {
  test('inside the range', () => expect(parseBoundedInteger('50', 1, 100)).toBe(50));
  test.each(['0', '101', '1e1', '0x10', '-5', '5.5', '', ' 5', '99999999999999999999'])(
    '%j in [1, 100] is refused',
    (text) => expect(parseBoundedInteger(text, 1, 100)).toBeNull(),
  );
});
