import { describe, expect, test } from '@jest/globals';
import { DeciderSpecification } from '@emargement/decider/specification.js';
import {
  SITE,
  foldMovements,
  type MovementEvent,
  type SpaceDefinition,
  evolve,
  initialState,
  onSite,
} from './movements.js';
import {
  localTimeOf,
  MARKS_MARGIN,
  MARKS_PER_EXPECTED,
  movementsDecider,
  type MovePerson,
  type PersonFacts,
} from './movements.decide.js';
import type { MovementRefusalReason } from './movements.js';

const given = DeciderSpecification.for(movementsDecider);
const conferenceId = '00000000-0000-4000-8000-000000000001';
const person = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
/** 19 September 2014, Paris (UTC+2): `at('12:30')` is 10:30Z. */
const at = (hhmm: string) => `2014-09-19T${hhmm}:00+02:00`;

const space = (overrides: Partial<SpaceDefinition> & { spaceId: string; name: string }): SpaceDefinition => ({
  opens: '09:30',
  closes: '16:30',
  capacity: null,
  audience: null,
  requiresLunch: false,
  oneEntry: false,
  exitScan: true,
  ...overrides,
});
const defined = (s: SpaceDefinition): MovementEvent => ({
  type: 'SpaceDefined',
  data: { ...s, conferenceId, definedAt: at('08:00') },
});

const buffet = space({
  spaceId: 'buffet',
  name: 'Buffet',
  opens: '12:30',
  closes: '14:00',
  capacity: 2,
  requiresLunch: true,
  oneEntry: true,
  exitScan: false,
});
const media = space({
  spaceId: 'media',
  name: 'Médias',
  closes: '15:00',
  capacity: 20,
  audience: ['press', 'speaker'],
});
const pairs = space({ spaceId: 'pairs', name: 'Échanges entre pairs', closes: '15:00', capacity: 1 });

const paid: PersonFacts = { admitted: true, lunchPaid: true, category: 'participant' };
const move = (
  n: number,
  spaceId: string,
  direction: 'in' | 'out' | 'auto',
  time: string,
  facts: PersonFacts = paid,
  who = person(n),
): MovePerson => ({
  type: 'MovePerson',
  data: {
    conferenceId,
    scanId: `scan-${n}-${spaceId}-${direction}-${time}`,
    registrationId: who,
    spaceId,
    direction,
    at: at(time),
    timezone: 'Europe/Paris',
    deviceId: 'phone-A',
    person: facts,
  },
});
const entered = (
  n: number,
  spaceId: string,
  time: string,
  direction: 'in' | 'auto' = 'in',
  again = false,
): MovementEvent => ({
  type: 'PersonEnteredSpace',
  data: {
    conferenceId,
    scanId: `scan-${n}-${spaceId}-${direction}-${time}`,
    registrationId: person(n),
    spaceId,
    at: at(time),
    deviceId: 'phone-A',
    again,
  },
});

describe('the local time of the conference', () => {
  test('is the wall clock of its time zone, summer time included', () => {
    expect(localTimeOf('2014-09-19T10:30:00Z', 'Europe/Paris')).toBe('12:30');
    expect(localTimeOf('2014-12-19T11:30:00Z', 'Europe/Paris')).toBe('12:30');
  });
});

describe('entering the buffet (12:30–14:00, lunch paid, one entry, 2 places)', () => {
  test('at 12:29 it is closed, with its hours', () =>
    expect(
      given([defined(buffet)])
        .when(move(1, 'buffet', 'in', '12:29'))
        .decision(),
    ).toMatchObject({
      ok: true,
      outcome: { result: 'refused', reason: 'space_closed', detail: { opens: '12:30', closes: '14:00' } },
    }));

  test('at 12:30 it is open', () =>
    given([defined(buffet)])
      .when(move(1, 'buffet', 'in', '12:30'))
      .then([entered(1, 'buffet', '12:30')]));

  test('at 14:00 it is closed again', () =>
    expect(
      given([defined(buffet)])
        .when(move(1, 'buffet', 'in', '14:00'))
        .decision(),
    ).toMatchObject({
      outcome: { reason: 'space_closed' },
    }));

  test('without the lunch paid: lunch_unpaid, and the refusal is recorded', () => {
    const decision = given([defined(buffet)])
      .when(move(1, 'buffet', 'in', '12:45', { ...paid, lunchPaid: false }))
      .decision();
    expect(decision).toMatchObject({ ok: true, outcome: { result: 'refused', reason: 'lunch_unpaid' } });
    expect(decision.ok && decision.events.map((e) => e.type)).toEqual(['MovementRefused']);
  });

  test('not admitted at the entrance: not_admitted', () =>
    expect(
      given([defined(buffet)])
        .when(move(1, 'buffet', 'in', '12:45', { ...paid, admitted: false }))
        .decision(),
    ).toMatchObject({ outcome: { reason: 'not_admitted' } }));

  test('a second entry: already_entered, with when', () =>
    expect(
      given([defined(buffet), entered(1, 'buffet', '12:35')])
        .when(move(1, 'buffet', 'in', '13:10'))
        .decision(),
    ).toMatchObject({ outcome: { reason: 'already_entered', detail: { at: at('12:35') } } }));

  test('full: space_full, with inside and capacity', () =>
    expect(
      given([defined(buffet), entered(1, 'buffet', '12:31'), entered(2, 'buffet', '12:32')])
        .when(move(3, 'buffet', 'in', '12:33'))
        .decision(),
    ).toMatchObject({ outcome: { reason: 'space_full', detail: { inside: 2, capacity: 2 } } }));

  test('the same scan again gets the same answer and writes nothing', () =>
    given([defined(buffet), entered(1, 'buffet', '12:30')])
      .when(move(1, 'buffet', 'in', '12:30'))
      .thenNothingHappens({
        scanId: 'scan-1-buffet-in-12:30',
        result: 'admitted',
        direction: 'in',
        spaceId: 'buffet',
        reason: null,
        detail: null,
      }));
});

describe('a room for some categories', () => {
  test('a participant is not_for_category; the press comes in', () => {
    expect(
      given([defined(media)])
        .when(move(1, 'media', 'in', '10:00'))
        .decision(),
    ).toMatchObject({
      outcome: { reason: 'not_for_category', detail: { category: 'participant' } },
    });
    given([defined(media)])
      .when(move(2, 'media', 'in', '10:00', { ...paid, category: 'press' }))
      .then([entered(2, 'media', '10:00')]);
  });
});

describe('counting people, not scans', () => {
  test('two phones scanning one person in: one inside', () => {
    const state = foldMovements([
      defined(pairs),
      entered(1, 'pairs', '10:00'),
      entered(1, 'pairs', '10:01', 'in', true),
    ]);
    expect(state.inside.get('pairs')?.size).toBe(1);
    // And the room of one place is not full for the person already inside.
    const decision = movementsDecider.decide(move(1, 'pairs', 'in', '10:02'), state);
    expect(decision).toMatchObject({ ok: true, outcome: { result: 'admitted' } });
  });

  test('moving from one room to another leaves the first, recorded', () => {
    const decision = given([defined(pairs), defined(buffet), entered(1, 'pairs', '12:00')])
      .when(move(1, 'buffet', 'in', '12:40'))
      .decision();
    expect(decision.ok && decision.events.map((e) => [e.type, (e.data as { spaceId: string }).spaceId])).toEqual([
      ['PersonLeftSpace', 'pairs'],
      ['PersonEnteredSpace', 'buffet'],
    ]);
    const state = foldMovements([
      defined(pairs),
      defined(buffet),
      entered(1, 'pairs', '12:00'),
      ...(decision.ok ? decision.events : []),
    ]);
    expect(state.inside.get('pairs')?.size).toBe(0);
    expect(state.inside.get('buffet')?.size).toBe(1);
  });

  test('auto: inside → out, outside → in; an exit of someone not inside is refused not_inside', () => {
    const decision = given([defined(pairs), entered(1, 'pairs', '10:00')])
      .when(move(1, 'pairs', 'auto', '10:30'))
      .decision();
    expect(decision).toMatchObject({ ok: true, outcome: { result: 'admitted', direction: 'out' } });
    expect(
      given([defined(pairs)])
        .when(move(1, 'pairs', 'out', '10:30'))
        .decision(),
    ).toMatchObject({
      outcome: { result: 'refused', reason: 'not_inside' },
    });
  });

  test('evolve and the linear fold agree', () => {
    const events = [
      defined(pairs),
      defined(buffet),
      entered(1, 'pairs', '10:00'),
      entered(1, 'buffet', '12:40'),
      entered(2, 'pairs', '12:41'),
    ];
    const a = events.reduce(evolve, initialState());
    const b = foldMovements(events);
    expect([...a.inside].map(([k, v]) => [k, [...v]])).toEqual([...b.inside].map(([k, v]) => [k, [...v]]));
  });
});

describe('the site', () => {
  test('leaving the site leaves the room too; coming back is a re-entry, not a refusal', () => {
    const out = given([defined(pairs), entered(1, 'pairs', '10:00')])
      .when(move(1, SITE, 'out', '11:00'))
      .decision();
    expect(out.ok && out.events.map((e) => e.type)).toEqual(['PersonLeftSpace', 'PersonLeftSite']);
    const after = foldMovements([defined(pairs), entered(1, 'pairs', '10:00'), ...(out.ok ? out.events : [])]);
    expect(onSite(after, [person(1), person(2)])).toEqual([person(2)]);
    expect(after.inside.get('pairs')?.size).toBe(0);
    // Gone from the site: no room lets them in until they come back.
    expect(movementsDecider.decide(move(1, 'pairs', 'in', '11:10'), after)).toMatchObject({
      outcome: { reason: 'not_admitted' },
    });
    const back = movementsDecider.decide(move(1, SITE, 'auto', '11:30'), after);
    expect(back).toMatchObject({ ok: true, outcome: { result: 'admitted', direction: 'in' } });
  });
});

describe('a movement decided offline on the phone', () => {
  const offline = (
    command: MovePerson,
    result: 'admitted' | 'refused',
    direction: 'in' | 'out',
    reason: MovementRefusalReason | null = null,
  ): MovePerson => ({
    ...command,
    data: {
      ...command.data,
      offline: { result, reason, direction, receivedAt: at('13:00'), conflictId: 'conflict-1' },
    },
  });

  test('let in where the server agrees: recorded as a movement, no conflict', () => {
    const decision = given([defined(pairs)])
      .when(offline(move(1, 'pairs', 'auto', '10:00'), 'admitted', 'in'))
      .decision();
    expect(decision.ok && decision.events.map((e) => e.type)).toEqual(['PersonEnteredSpace']);
    expect(decision).toMatchObject({ ok: true, outcome: { result: 'admitted', direction: 'in' } });
    expect(decision.ok && 'conflict' in decision.outcome).toBe(false);
  });

  describe('when another phone filled the room meanwhile', () => {
    test('the entry stands (the person walked in) and a space_full conflict is recorded beside it', () => {
      const decision = given([defined(pairs), entered(2, 'pairs', '10:05')])
        .when(offline(move(1, 'pairs', 'in', '10:00'), 'admitted', 'in'))
        .decision();
      expect(decision.ok && decision.events.map((e) => e.type)).toEqual(['PersonEnteredSpace', 'MovementConflicted']);
      expect(decision).toMatchObject({
        ok: true,
        outcome: {
          result: 'admitted',
          direction: 'in',
          conflict: { conflictId: 'conflict-1', reason: 'space_full', detail: { inside: 1, capacity: 1 } },
        },
      });
      const state = foldMovements([
        defined(pairs),
        entered(2, 'pairs', '10:05'),
        ...(decision.ok ? decision.events : []),
      ]);
      // Counted as it happened: two people in a room of one, which is what the conflict tells the organiser.
      expect(state.inside.get('pairs')?.size).toBe(2);
      expect(state.conflicts.get('conflict-1')).toEqual({
        registrationId: person(1),
        scanId: 'scan-1-pairs-in-10:00',
        acknowledged: false,
      });
    });

    test('the same scan id again writes nothing and is answered with its conflict', () => {
      const first = offline(move(1, 'pairs', 'in', '10:00'), 'admitted', 'in');
      const decision = given([defined(pairs), entered(2, 'pairs', '10:05')])
        .when(first)
        .decision();
      const after = foldMovements([
        defined(pairs),
        entered(2, 'pairs', '10:05'),
        ...(decision.ok ? decision.events : []),
      ]);
      const again = movementsDecider.decide(first, after);
      expect(again).toMatchObject({ ok: true, events: [], outcome: { conflict: { reason: 'space_full' } } });
    });
  });

  test('already entered at another door of a one-entry space: already_entered, with the first entry', () => {
    const decision = given([defined(buffet), entered(1, 'buffet', '12:35')])
      .when(offline(move(1, 'buffet', 'in', '12:50'), 'admitted', 'in'))
      .decision();
    expect(decision).toMatchObject({
      ok: true,
      outcome: { result: 'admitted', conflict: { reason: 'already_entered', detail: { at: at('12:35') } } },
    });
  });

  test('not admitted at the entrance (the server knows it, the phone did not): not_admitted', () => {
    const decision = given([defined(pairs)])
      .when(offline(move(1, 'pairs', 'in', '10:00', { ...paid, admitted: false }), 'admitted', 'in'))
      .decision();
    expect(decision).toMatchObject({ ok: true, outcome: { result: 'admitted', conflict: { reason: 'not_admitted' } } });
  });

  test('an exit the phone let through of someone the server had not inside: recorded, conflict not_inside', () => {
    const decision = given([defined(pairs)])
      .when(offline(move(1, 'pairs', 'out', '10:00'), 'admitted', 'out'))
      .decision();
    expect(decision.ok && decision.events.map((e) => e.type)).toEqual(['PersonLeftSpace', 'MovementConflicted']);
  });

  test('a refusal is recorded as the phone decided, never a conflict', () => {
    const decision = given([defined(pairs)])
      .when(offline(move(1, 'pairs', 'in', '10:00'), 'refused', 'in', 'space_full'))
      .decision();
    expect(decision.ok && decision.events.map((e) => e.type)).toEqual(['MovementRefused']);
    expect(decision).toMatchObject({ ok: true, outcome: { result: 'refused', reason: 'space_full' } });
    expect(
      given([defined(pairs)])
        .when(offline(move(1, 'pairs', 'in', '10:00'), 'refused', 'in', null))
        .decision(),
    ).toMatchObject({ ok: false, reason: 'offline_reason_missing' });
  });

  test('a conflict is acknowledged once; an unknown one is refused', () => {
    const conflicted = given([defined(pairs), entered(2, 'pairs', '10:05')])
      .when(offline(move(1, 'pairs', 'in', '10:00'), 'admitted', 'in'))
      .decision();
    const history = [defined(pairs), entered(2, 'pairs', '10:05'), ...(conflicted.ok ? conflicted.events : [])];
    const ack = (conflictId: string) => ({
      type: 'AcknowledgeMovementConflict' as const,
      data: { conferenceId, conflictId, note: ' vu ', deviceId: 'organiser', acknowledgedAt: at('13:05') },
    });
    const first = given(history).when(ack('conflict-1')).decision();
    expect(first.ok && first.events).toEqual([
      {
        type: 'MovementConflictAcknowledged',
        data: { ...ack('conflict-1').data, registrationId: person(1), note: 'vu' },
      },
    ]);
    given([...history, ...(first.ok ? first.events : [])])
      .when(ack('conflict-1'))
      .then([]);
    given(history).when(ack('nope')).thenRefused('unknown_conflict');
  });
});

describe('closing time', () => {
  test('those still inside are checked out by recorded events', () => {
    const decision = given([defined(pairs), defined(media), entered(1, 'pairs', '10:00')])
      .when({ type: 'CheckOutSpace', data: { conferenceId, spaceId: 'pairs', at: at('15:00'), because: 'closing' } })
      .decision();
    expect(decision).toMatchObject({ ok: true, outcome: { checkedOut: 1 } });
    expect(decision.ok && decision.events.map((e) => e.type)).toEqual(['PersonLeftSpace']);
  });
});

describe('an admission undone at the entrance', () => {
  const undo = (n: number, admitted = false) => ({
    type: 'CheckOutAdmissionUndone' as const,
    data: { conferenceId, registrationId: person(n), at: at('12:45'), deviceId: 'phone-E', admitted },
  });
  const checkedOut = (n: number, spaceId: string): MovementEvent => ({
    type: 'PersonLeftSpace',
    data: {
      conferenceId,
      registrationId: person(n),
      spaceId,
      at: at('12:45'),
      because: 'admission_undone',
      scanId: null,
      deviceId: 'phone-E',
    },
  });

  describe('when the person is inside a space', () => {
    const history = [defined(buffet), defined(pairs), entered(1, 'buffet', '12:30'), entered(2, 'buffet', '12:31')];

    test('they are checked out of it by a recorded event, the others stay', () => {
      given(history)
        .when(undo(1))
        .then([checkedOut(1, 'buffet')], { checkedOut: 1 });
      const after = foldMovements([...history, checkedOut(1, 'buffet')]);
      expect([...after.inside.get('buffet')!]).toEqual([person(2)]);
      expect(after.where.has(person(1))).toBe(false);
      // Leaving is not un-entering: a « one entry » room still knows they came in once.
      expect(after.entered.get('buffet')?.has(person(1))).toBe(true);
    });

    test('the same undo again (a replay, a second instance) writes nothing', () => {
      given([...history, checkedOut(1, 'buffet')])
        .when(undo(1))
        .then([], { checkedOut: 0 });
    });

    test('someone admitted again since the undo stays where they are', () => {
      given(history).when(undo(1, true)).then([], { checkedOut: 0 });
    });
  });

  describe('when the person is in no space', () => {
    test('nothing is written', () => {
      given([
        defined(pairs),
        entered(1, 'pairs', '10:00'),
        {
          type: 'PersonLeftSpace',
          data: {
            conferenceId,
            registrationId: person(1),
            spaceId: 'pairs',
            at: at('10:30'),
            because: 'scan',
            scanId: 'out-1',
            deviceId: 'phone-A',
          },
        },
      ])
        .when(undo(1))
        .then([], { checkedOut: 0 });
      given([defined(pairs)])
        .when(undo(3))
        .then([], { checkedOut: 0 });
    });
  });
});

describe('an entrance admission of someone who left the site', () => {
  // Left through a site door at 11:00; the entrance admission (9:40) was then undone and made again.
  const leftAt11 = (): MovementEvent[] => {
    const out = movementsDecider.decide(move(1, SITE, 'out', '11:00'), foldMovements([defined(pairs)]));
    return [defined(pairs), ...(out.ok ? out.events : [])];
  };
  const admittedAgain = (time: string, n = 1) => ({
    type: 'ReturnAdmittedToSite' as const,
    data: {
      conferenceId,
      registrationId: person(n),
      scanId: `entrance-${n}-${time}`,
      at: at(time),
      deviceId: 'phone-E',
    },
  });
  const returned = (time: string, n = 1): MovementEvent => ({
    type: 'PersonReturnedToSite',
    data: {
      conferenceId,
      scanId: `entrance-${n}-${time}`,
      registrationId: person(n),
      spaceId: SITE,
      at: at(time),
      deviceId: 'phone-E',
      because: 'admitted',
    },
  });

  test('admitted after they left: they are back on site (a recorded re-entry), and a space lets them in', () => {
    given(leftAt11())
      .when(admittedAgain('11:20'))
      .then([returned('11:20')], { returned: 1 });
    const after = foldMovements([...leftAt11(), returned('11:20')]);
    expect(onSite(after, [person(1)])).toEqual([person(1)]);
    expect(movementsDecider.decide(move(1, 'pairs', 'in', '11:30'), after)).toMatchObject({
      outcome: { result: 'admitted', direction: 'in' },
    });
    // The entrance's scan id is not a movement's: no movement answer is kept under it.
    expect(after.answers.has('entrance-1-11:20')).toBe(false);
  });

  test('an admission from before they left (replayed after a restart) does not bring them back', () => {
    given(leftAt11()).when(admittedAgain('09:40')).then([], { returned: 0 });
  });

  test('someone who never left, or is back already, gets nothing written (the same admission twice too)', () => {
    given([defined(pairs)])
      .when(admittedAgain('11:20', 2))
      .then([], { returned: 0 });
    given([...leftAt11(), returned('11:20')])
      .when(admittedAgain('11:20'))
      .then([], { returned: 0 });
  });
});

describe('the evacuation roll call', () => {
  const started: MovementEvent = {
    type: 'RollCallStarted',
    data: {
      conferenceId,
      rollCallId: 'r1',
      startedAt: at('14:10'),
      expected: [person(1), person(2)],
      deviceId: 'phone-A',
    },
  };
  const mark = (markId: string, n: number) => ({
    type: 'MarkPresent' as const,
    data: { conferenceId, rollCallId: 'r1', markId, registrationId: person(n), at: at('14:12'), deviceId: 'phone-B' },
  });
  test('ticks from several phones merge; the same tick twice counts once; an unknown roll call is refused', () => {
    given([started])
      .when(mark('m1', 1))
      .then([{ type: 'PersonMarkedPresent', data: mark('m1', 1).data }], {
        rollCallId: 'r1',
        present: 1,
      });
    given([started, { type: 'PersonMarkedPresent', data: mark('m1', 1).data }])
      .when(mark('m1', 1))
      .thenNothingHappens();
    given([]).when(mark('m1', 1)).thenRefused('unknown_roll_call');
  });

  test('a roll call’s marks are bounded: past ten per expected person and a margin, a flooding device is refused', () => {
    const limit = MARKS_PER_EXPECTED * 2 + MARKS_MARGIN;
    const marks = Array.from({ length: limit }, (_, i) => ({
      type: 'PersonMarkedPresent' as const,
      data: mark(`flood-${i}`, 1).data,
    }));
    given([started, ...marks])
      .when(mark('one-more', 2))
      .thenRefused('roll_call_full', { limit });
    // The same mark again is still answered as before, whatever the count.
    given([started, ...marks])
      .when(mark('flood-0', 1))
      .thenNothingHappens();
  });
});
