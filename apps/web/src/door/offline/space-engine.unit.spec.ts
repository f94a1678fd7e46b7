import { describe, expect, test } from '@jest/globals';
import { foldMovements, type MovementEvent } from '@emargement/spaces';
import { checkOutsForUndone } from './space-engine';

const conferenceId = '00000000-0000-4000-8000-000000000001';
const alice = '00000000-0000-4000-8000-00000000000a';
const bob = '00000000-0000-4000-8000-00000000000b';
const buffet: MovementEvent = {
  type: 'SpaceDefined',
  data: {
    conferenceId,
    definedAt: '2014-09-19T06:00:00Z',
    spaceId: 'buffet',
    name: 'Buffet',
    opens: '12:30',
    closes: '14:00',
    capacity: null,
    audience: null,
    requiresLunch: false,
    oneEntry: false,
    exitScan: false,
  },
};
const entered = (registrationId: string): MovementEvent => ({
  type: 'PersonEnteredSpace',
  data: {
    conferenceId,
    scanId: `in-${registrationId}`,
    registrationId,
    spaceId: 'buffet',
    at: '2014-09-19T10:40:00Z',
    deviceId: 'phone',
    again: false,
  },
});

describe('a space phone learning that an admission was undone', () => {
  test('checks out whoever it still counts inside, by the decider’s event, and no one else', () => {
    const state = foldMovements([buffet, entered(alice), entered(bob)]);
    const own = checkOutsForUndone(state, conferenceId, [{ registrationId: alice }], '2014-09-19T10:45:00Z');
    expect(own.flatMap((m) => m.events)).toEqual([
      {
        type: 'PersonLeftSpace',
        data: {
          conferenceId,
          registrationId: alice,
          spaceId: 'buffet',
          at: '2014-09-19T10:45:00Z',
          because: 'admission_undone',
          scanId: null,
          deviceId: null,
        },
      },
    ]);
    const after = foldMovements(
      own.flatMap((m) => m.events),
      state,
    );
    expect([...after.inside.get('buffet')!]).toEqual([bob]);
  });

  test('writes nothing for someone in no space', () => {
    expect(checkOutsForUndone(foldMovements([buffet]), conferenceId, [{ registrationId: alice }], 'x')).toEqual([]);
  });
});
