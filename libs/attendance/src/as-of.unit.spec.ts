import { describe, expect, test } from '@jest/globals';
import {
  admitted,
  at,
  conferenceId,
  otherConferenceId,
  registered,
  scheduled,
  stored,
  undone,
} from '../test/examples.js';
import { foldAsOf, type PositionedEvent } from './as-of.js';
import { snapshotOf } from './snapshot.js';

const asOf = (time: string, events: readonly PositionedEvent[]) => {
  const fold = foldAsOf(conferenceId, Date.parse(time));
  for (const e of events) fold.add(e);
  return snapshotOf(fold.tally());
};

describe('figures as of a past moment', () => {
  const day = stored([
    scheduled(),
    registered(1, { registeredAt: at('08:00:00') }),
    registered(2, { registeredAt: at('08:00:00') }),
    admitted(1, { scannedAt: at('09:50:00') }),
    admitted(2, { scannedAt: at('10:10:00') }),
    undone(1, 1, at('10:20:00')),
  ]);

  test('how many were in the room at 10:00: the admissions scanned by then', () => {
    expect(asOf(at('10:00:00'), day)).toMatchObject({ registered: 2, admitted: 1, present: 1, position: '4' });
    expect(asOf(at('10:15:00'), day)).toMatchObject({ admitted: 2, present: 2 });
    expect(asOf(at('10:30:00'), day)).toMatchObject({ admitted: 2, undone: 1, present: 1, position: '6' });
  });

  test('before the day, nothing but the conference', () => {
    expect(asOf(at('07:00:00'), day)).toMatchObject({
      name: '2ème Journée Nationale des PTCE',
      registered: 0,
      present: 0,
      position: '1',
    });
  });

  test('a late door’s scan, stored after later ones, counts at the time it was made', () => {
    const late = stored([
      scheduled(),
      registered(1, { registeredAt: at('08:00:00') }),
      registered(2, { registeredAt: at('08:00:00') }),
      admitted(2, { scannedAt: at('10:10:00') }),
      admitted(1, { scannedAt: at('09:50:00') }), // sent when the door came back online
    ]);
    expect(asOf(at('10:00:00'), late)).toMatchObject({ present: 1, position: '5' });
    expect(asOf(at('10:00:00'), late).arrivals.slots).toEqual([{ at: '2014-09-19T09:50:00+02:00', count: 1 }]);
  });

  test('other conferences’ events and other event types are left out', () => {
    const mixed: PositionedEvent[] = [
      ...stored([scheduled(), registered(1), admitted(1)]),
      ...stored([admitted(5, { conferenceId: otherConferenceId })], 10n),
      { type: 'PersonRegisteredByProxy', data: { conferenceId }, position: 11n },
    ];
    expect(asOf(at('23:00:00'), mixed)).toMatchObject({ present: 1, position: '3' });
  });

  test('a conference with no event gives empty figures', () => {
    expect(asOf(at('23:00:00'), [])).toMatchObject({ conferenceId, name: null, position: null, present: 0 });
  });
});
