import { describe, expect, test } from '@jest/globals';
import { programmeNow, wallClock } from './programme';

const day = [
  { at: '09:30', title: 'Accueil café' },
  { at: '10:00', title: 'Ouverture' },
  { at: '11:00', title: 'Table ronde' },
];

describe('the programme on the door', () => {
  test('before the first item: nothing on, the first is next', () =>
    expect(programmeNow(day, '08:59')).toEqual({ current: null, next: day[0] }));

  test('during an item: it is current, the following one next (its start minute included)', () => {
    expect(programmeNow(day, '10:00')).toEqual({ current: day[1], next: day[2] });
    expect(programmeNow(day, '10:59')).toEqual({ current: day[1], next: day[2] });
  });

  test('after the last: the last stays current, nothing next', () =>
    expect(programmeNow(day, '18:00')).toEqual({ current: day[2], next: null }));

  test('a programme out of order is read in time order', () =>
    expect(programmeNow([day[2]!, day[0]!, day[1]!], '09:45')).toEqual({ current: day[0], next: day[1] }));

  test('the wall clock is the conference’s, not the phone’s', () => {
    // 08:15 UTC is 10:15 in Paris in summer, 09:15 in winter.
    expect(wallClock(new Date('2014-09-19T08:15:00Z'), 'Europe/Paris')).toBe('10:15');
    expect(wallClock(new Date('2026-12-07T08:15:00Z'), 'Europe/Paris')).toBe('09:15');
    expect(wallClock(new Date(), 'Not/AZone')).toBeNull();
  });
});
