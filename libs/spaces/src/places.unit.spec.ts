import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { foldMovements, SITE, type MovementEvent, type SpaceDefinition } from './movements.js';
import { movementsDecider, type MovePerson } from './movements.decide.js';
import { movementsFromPlaces, placeOf } from './places.js';

/**
 * The phone decides offline on the state it rebuilds from the door's list
 * (`placeOf` on the server, `movementsFromPlaces` on the phone): for any day
 * of movements, its answer to the next scan is the server's.
 */
const conferenceId = '00000000-0000-4000-8000-000000000001';
const at = (minute: number) => new Date(Date.UTC(2014, 8, 19, 7, 0) + minute * 60_000).toISOString();
const spaces: SpaceDefinition[] = [
  {
    spaceId: 'buffet',
    name: 'Buffet',
    opens: '12:30',
    closes: '14:00',
    capacity: 3,
    audience: null,
    requiresLunch: true,
    oneEntry: true,
    exitScan: false,
  },
  {
    spaceId: 'pairs',
    name: 'Pairs',
    opens: '09:30',
    closes: '15:00',
    capacity: 2,
    audience: null,
    requiresLunch: false,
    oneEntry: false,
    exitScan: true,
  },
  {
    spaceId: 'media',
    name: 'Médias',
    opens: '09:30',
    closes: '15:00',
    capacity: null,
    audience: ['press'],
    requiresLunch: false,
    oneEntry: false,
    exitScan: true,
  },
];
const people = ['p1', 'p2', 'p3', 'p4', 'p5'];
const facts = (who: string) => ({
  admitted: who !== 'p5',
  lunchPaid: who !== 'p4',
  category: who === 'p3' ? 'press' : 'participant',
});

const scan = fc.record({
  who: fc.constantFrom(...people),
  spaceId: fc.constantFrom('buffet', 'pairs', 'media', SITE),
  direction: fc.constantFrom<'in' | 'out' | 'auto'>('in', 'out', 'auto'),
  /** Minutes after 09:00 Paris: 09:00 to 15:00. */
  minute: fc.integer({ min: 0, max: 360 }),
});
type Scan = { who: string; spaceId: string; direction: 'in' | 'out' | 'auto'; minute: number };

const command = (s: Scan, n: number): MovePerson => ({
  type: 'MovePerson',
  data: {
    conferenceId,
    scanId: `scan-${n}`,
    registrationId: s.who,
    spaceId: s.spaceId,
    direction: s.direction,
    at: at(s.minute),
    timezone: 'Europe/Paris',
    deviceId: 'phone',
    person: facts(s.who),
  },
});

describe('the phone’s state from the list', () => {
  test('decides every next movement as the server does, after any day of movements', () => {
    fc.assert(
      fc.property(fc.array(scan, { maxLength: 40 }), scan, (day, next) => {
        const events: MovementEvent[] = spaces.map((s) => ({
          type: 'SpaceDefined',
          data: { ...s, conferenceId, definedAt: at(0) },
        }));
        let server = foldMovements(events);
        day.forEach((s, n) => {
          const decision = movementsDecider.decide(command(s, n), server);
          if (decision.ok) server = foldMovements(decision.events, server);
        });
        const places = people.flatMap((who) => placeOf(server, who) ?? []);
        const phone = movementsFromPlaces(conferenceId, spaces, places);
        const last = command(next, day.length);
        const onServer = movementsDecider.decide(last, server);
        const onPhone = movementsDecider.decide(last, phone);
        expect(onPhone).toEqual(onServer);
        for (const s of spaces) expect(phone.inside.get(s.spaceId)).toEqual(server.inside.get(s.spaceId));
      }),
      { numRuns: 300 },
    );
  });

  test('a person no movement named has no place (most of the list carries nothing)', () => {
    expect(placeOf(foldMovements([]), 'p1')).toBeNull();
  });
});
