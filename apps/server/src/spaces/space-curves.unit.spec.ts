import { describe, expect, test } from '@jest/globals';
import type { MovementEvent } from '@emargement/spaces';
import { InsideCurves } from './space-curves.js';

const conferenceId = 'c';
const at = (hhmm: string) => `2014-09-19T${hhmm}:00+02:00`;
const slot = (hhmm: string) => new Date(at(hhmm)).toISOString();
const entered = (who: string, spaceId: string, time: string, again = false): MovementEvent => ({
  type: 'PersonEnteredSpace',
  data: { conferenceId, scanId: `${who}-${time}`, registrationId: who, spaceId, at: at(time), deviceId: 'p', again },
});
const left = (who: string, spaceId: string, time: string): MovementEvent => ({
  type: 'PersonLeftSpace',
  data: {
    conferenceId,
    registrationId: who,
    spaceId,
    at: at(time),
    because: 'scan',
    scanId: null,
    deviceId: null,
  },
});
const fold = (events: MovementEvent[]) => {
  const curves = new InsideCurves();
  for (const e of events) curves.apply(e);
  return curves;
};

describe('the curve of a space’s day, per five minutes', () => {
  test('counts people, not scans; the end of each slot and its peak', () => {
    const curves = fold([
      entered('a', 'buffet', '12:31'),
      entered('b', 'buffet', '12:32'),
      entered('b', 'buffet', '12:33', true),
      left('a', 'buffet', '12:34'),
      entered('c', 'buffet', '12:47'),
    ]);
    expect(curves.curve('buffet')).toEqual([
      { at: slot('12:30'), entered: 2, inside: 1, peak: 2 },
      { at: slot('12:45'), entered: 1, inside: 2, peak: 2 },
    ]);
  });

  test('entering another space is leaving the first, without its own event too (as evolve does)', () => {
    const curves = fold([entered('a', 'pairs', '10:00'), entered('a', 'media', '10:07')]);
    expect(curves.curve('pairs')).toEqual([
      { at: slot('10:00'), entered: 1, inside: 1, peak: 1 },
      { at: slot('10:05'), entered: 0, inside: 0, peak: 0 },
    ]);
    expect(curves.curve('media')).toEqual([{ at: slot('10:05'), entered: 1, inside: 1, peak: 1 }]);
  });

  test('leaving the site empties the space the person was in; a space never entered has no curve', () => {
    const curves = fold([
      entered('a', 'pairs', '10:00'),
      {
        type: 'PersonLeftSite',
        data: { conferenceId, scanId: 's', registrationId: 'a', spaceId: 'site', at: at('10:02'), deviceId: 'p' },
      },
    ]);
    expect(curves.curve('pairs')).toEqual([{ at: slot('10:00'), entered: 1, inside: 0, peak: 1 }]);
    expect(curves.curve('nowhere')).toEqual([]);
  });
});
