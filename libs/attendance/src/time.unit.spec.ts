import { describe, expect, test } from '@jest/globals';
import { localIso, slotOf } from './time.js';

describe('arrival slots', () => {
  test('a time falls in the five minutes that start at or before it', () => {
    expect(slotOf('2014-09-19T09:50:00+02:00')).toBe(Date.parse('2014-09-19T07:50:00Z'));
    expect(slotOf('2014-09-19T09:54:59.999+02:00')).toBe(Date.parse('2014-09-19T07:50:00Z'));
    expect(slotOf('2014-09-19T09:55:00+02:00')).toBe(Date.parse('2014-09-19T07:55:00Z'));
  });

  test('a time that does not parse has no slot', () => {
    expect(slotOf('not a time')).toBeNull();
  });

  test('slots are local five minutes in a zone offset by quarter hours (Kathmandu, +05:45)', () => {
    const slot = slotOf('2014-09-19T09:52:00+05:45')!;
    expect(localIso(slot, 'Asia/Kathmandu')).toBe('2014-09-19T09:50:00+05:45');
  });
});

describe('local labels', () => {
  test('summer and winter time in Paris', () => {
    expect(localIso(Date.parse('2014-09-19T07:50:00Z'), 'Europe/Paris')).toBe('2014-09-19T09:50:00+02:00');
    expect(localIso(Date.parse('2014-12-19T07:50:00Z'), 'Europe/Paris')).toBe('2014-12-19T08:50:00+01:00');
  });

  test('a zone west of Greenwich, and UTC', () => {
    expect(localIso(Date.parse('2014-09-19T13:05:00Z'), 'America/Montreal')).toBe('2014-09-19T09:05:00-04:00');
    expect(localIso(Date.parse('2014-09-19T13:05:00Z'), 'UTC')).toBe('2014-09-19T13:05:00+00:00');
  });

  test('an unknown zone, or none, falls back to UTC', () => {
    expect(localIso(Date.parse('2014-09-19T13:05:00Z'), 'Mars/Olympus')).toBe('2014-09-19T13:05:00Z');
    expect(localIso(Date.parse('2014-09-19T13:05:00Z'), null)).toBe('2014-09-19T13:05:00Z');
  });
});
