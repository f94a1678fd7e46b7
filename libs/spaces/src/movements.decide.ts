import { accept, refuse, type Decider, type Decision, type DomainCommand } from '@emargement/decider';
import {
  SITE,
  evolve,
  foldMovements,
  initialState,
  type MovementAnswer,
  type MovementEvent,
  type MovementRefusalReason,
  type MovementsState,
  type SpaceDefinition,
} from './movements.js';

/** What other aggregates know of the person, passed in by the handler (or the phone offline). */
export interface PersonFacts {
  /** Admitted at the entrance (and not undone). */
  admitted: boolean;
  lunchPaid: boolean;
  category: string;
}

export type DefineSpace = DomainCommand<
  'DefineSpace',
  { conferenceId: string; space: SpaceDefinition; definedAt: string }
>;
export type MovePerson = DomainCommand<
  'MovePerson',
  {
    conferenceId: string;
    scanId: string;
    registrationId: string;
    /** A space's id, or `site` for a door of the site. */
    spaceId: string;
    direction: 'in' | 'out' | 'auto';
    /** When the scan was made (ISO-8601 with offset), from the one clock (or the phone's, offline). */
    at: string;
    /** The conference's time zone: opening hours are its local time. */
    timezone: string;
    deviceId: string;
    person: PersonFacts;
  }
>;
export type CheckOutSpace = DomainCommand<
  'CheckOutSpace',
  { conferenceId: string; spaceId: string; at: string; because: 'closing' | 'end_of_day' }
>;
export type StartRollCall = DomainCommand<
  'StartRollCall',
  { conferenceId: string; rollCallId: string; startedAt: string; expected: readonly string[]; deviceId: string }
>;
export type MarkPresent = DomainCommand<
  'MarkPresent',
  { conferenceId: string; rollCallId: string; markId: string; registrationId: string; at: string; deviceId: string }
>;

export type MovementCommand = DefineSpace | MovePerson | CheckOutSpace | StartRollCall | MarkPresent;

/** Refusals of the *command* (nothing recorded); a refused movement is an answer, recorded. */
export type MovementCommandRefusal = 'unknown_space' | 'space_name_taken' | 'unknown_roll_call' | 'roll_call_full';

/**
 * A roll call's marks are bounded: each phone ticks a person once, so a real roll call holds a few marks per
 * expected person (several phones, a tick redone after a mistake) and some for people not on the list; this
 * many per expected person, plus this margin, is far beyond it. Past it a device is flooding the stream.
 */
export const MARKS_PER_EXPECTED = 10;
export const MARKS_MARGIN = 200;

export type MovementOutcome =
  | MovementAnswer
  | { spaceId: string }
  | { checkedOut: number }
  | { rollCallId: string; expected: number }
  | { rollCallId: string; present: number };

/** `HH:MM` of `instant` in `timeZone`, 24-hour clock. */
export function localTimeOf(instant: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(instant));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('hour')}:${get('minute')}`;
}

/** Open from `opens` (included) to `closes` (excluded): at 12:30 the buffet opens, at 14:00 it is closed. */
export const isOpenAt = (space: Pick<SpaceDefinition, 'opens' | 'closes'>, localTime: string): boolean =>
  localTime >= space.opens && localTime < space.closes;

const normalised = (name: string) => name.trim().toLocaleLowerCase('fr').normalize('NFC');

/** A space by its id or its name (what a door phone is set to), or undefined. */
export const spaceNamed = (state: MovementsState, idOrName: string): SpaceDefinition | undefined =>
  state.spaces.get(idOrName) ?? [...state.spaces.values()].find((s) => normalised(s.name) === normalised(idOrName));

type MoveDecision = Decision<MovementEvent, MovementAnswer, MovementCommandRefusal>;

function movePerson(command: MovePerson, state: MovementsState): MoveDecision {
  const c = command.data;
  const known = state.answers.get(c.scanId);
  if (known !== undefined) return accept([], known);
  const base = {
    conferenceId: c.conferenceId,
    scanId: c.scanId,
    registrationId: c.registrationId,
    at: c.at,
    deviceId: c.deviceId,
  };
  const refused = (
    spaceId: string,
    direction: 'in' | 'out',
    reason: MovementRefusalReason,
    detail: Record<string, string | number> | null = null,
  ): MoveDecision =>
    accept([{ type: 'MovementRefused', data: { ...base, spaceId, direction, reason, detail } }], {
      scanId: c.scanId,
      result: 'refused',
      direction,
      spaceId,
      reason,
      detail,
    });
  const admitted = (spaceId: string, direction: 'in' | 'out', events: MovementEvent[]): MoveDecision =>
    accept(events, { scanId: c.scanId, result: 'admitted', direction, spaceId, reason: null, detail: null });

  // The site's doors: leaving, and coming back (a re-entry, not a second admission).
  if (c.spaceId === SITE) {
    const left = state.leftSite.has(c.registrationId);
    const direction = c.direction === 'auto' ? (left ? 'in' : 'out') : c.direction;
    if (!c.person.admitted) return refused(SITE, direction, 'not_admitted');
    if (direction === 'out') {
      if (left) return refused(SITE, 'out', 'not_inside');
      const events: MovementEvent[] = [];
      const where = state.where.get(c.registrationId);
      if (where !== undefined) {
        events.push({
          type: 'PersonLeftSpace',
          data: { ...base, spaceId: where.spaceId, because: 'left_site', scanId: c.scanId, deviceId: c.deviceId },
        });
      }
      events.push({ type: 'PersonLeftSite', data: { ...base, spaceId: SITE } });
      return admitted(SITE, 'out', events);
    }
    // Not left: already on site; the scan is still recorded (every movement is an event).
    return admitted(SITE, 'in', [{ type: 'PersonReturnedToSite', data: { ...base, spaceId: SITE } }]);
  }

  const space = state.spaces.get(c.spaceId);
  if (space === undefined)
    return refuse('unknown_space', { spaces: [...state.spaces.values()].map((s) => s.name).join(', ') });
  const inside = state.inside.get(space.spaceId) ?? new Set<string>();
  const isInside = inside.has(c.registrationId);
  const direction = c.direction === 'auto' ? (isInside ? 'out' : 'in') : c.direction;

  if (direction === 'out') {
    if (!isInside) return refused(space.spaceId, 'out', 'not_inside');
    return admitted(space.spaceId, 'out', [
      {
        type: 'PersonLeftSpace',
        data: { ...base, spaceId: space.spaceId, because: 'scan', scanId: c.scanId, deviceId: c.deviceId },
      },
    ]);
  }

  // In: pretix's order (who, then when, then what is paid, then the room's rules).
  if (!c.person.admitted || state.leftSite.has(c.registrationId)) return refused(space.spaceId, 'in', 'not_admitted');
  if (space.audience !== null && !space.audience.includes(c.person.category)) {
    return refused(space.spaceId, 'in', 'not_for_category', { category: c.person.category });
  }
  if (!isOpenAt(space, localTimeOf(c.at, c.timezone))) {
    return refused(space.spaceId, 'in', 'space_closed', { opens: space.opens, closes: space.closes });
  }
  if (space.requiresLunch && !c.person.lunchPaid) return refused(space.spaceId, 'in', 'lunch_unpaid');
  const firstEntry = state.entered.get(space.spaceId)?.get(c.registrationId);
  if (space.oneEntry && firstEntry !== undefined) {
    return refused(space.spaceId, 'in', 'already_entered', { at: firstEntry });
  }
  if (!isInside && space.capacity !== null && inside.size >= space.capacity) {
    return refused(space.spaceId, 'in', 'space_full', { inside: inside.size, capacity: space.capacity });
  }
  // Entering one space is leaving the one the person was in (folded by evolve; recorded here so the log says so).
  const events: MovementEvent[] = [];
  const from = state.where.get(c.registrationId);
  if (from !== undefined && from.spaceId !== space.spaceId) {
    events.push({
      type: 'PersonLeftSpace',
      data: { ...base, spaceId: from.spaceId, because: 'moved', scanId: c.scanId, deviceId: c.deviceId },
    });
  }
  events.push({ type: 'PersonEnteredSpace', data: { ...base, spaceId: space.spaceId, again: isInside } });
  return admitted(space.spaceId, 'in', events);
}

export const decide = (
  command: MovementCommand,
  state: MovementsState,
): Decision<MovementEvent, MovementOutcome, MovementCommandRefusal> => {
  switch (command.type) {
    case 'DefineSpace': {
      const { conferenceId, space, definedAt } = command.data;
      const sameName = [...state.spaces.values()].find(
        (s) => s.spaceId !== space.spaceId && normalised(s.name) === normalised(space.name),
      );
      if (sameName !== undefined) return refuse('space_name_taken', { spaceId: sameName.spaceId });
      const current = state.spaces.get(space.spaceId);
      if (current !== undefined && JSON.stringify(current) === JSON.stringify(space)) {
        return accept([], { spaceId: space.spaceId });
      }
      return accept([{ type: 'SpaceDefined', data: { ...space, conferenceId, definedAt } }], {
        spaceId: space.spaceId,
      });
    }
    case 'MovePerson':
      return movePerson(command, state);
    case 'CheckOutSpace': {
      const { conferenceId, spaceId, at, because } = command.data;
      if (!state.spaces.has(spaceId)) return refuse('unknown_space');
      const inside = [...(state.inside.get(spaceId) ?? [])].sort();
      return accept(
        inside.map((registrationId) => ({
          type: 'PersonLeftSpace' as const,
          data: { conferenceId, registrationId, spaceId, at, because, scanId: null, deviceId: null },
        })),
        { checkedOut: inside.length },
      );
    }
    case 'StartRollCall': {
      const { rollCallId, expected } = command.data;
      if (state.rollCalls.has(rollCallId)) {
        return accept([], { rollCallId, expected: state.rollCalls.get(rollCallId)!.expected.length });
      }
      return accept([{ type: 'RollCallStarted', data: { ...command.data, expected: [...expected].sort() } }], {
        rollCallId,
        expected: expected.length,
      });
    }
    case 'MarkPresent': {
      const roll = state.rollCalls.get(command.data.rollCallId);
      if (roll === undefined) return refuse('unknown_roll_call');
      // A tick is a fact from the assembly point, from any phone, offline or not: never refused, never twice.
      if (roll.marks.has(command.data.markId)) {
        return accept([], { rollCallId: roll.rollCallId, present: roll.present.size });
      }
      const limit = MARKS_PER_EXPECTED * roll.expected.length + MARKS_MARGIN;
      if (roll.marks.size >= limit) return refuse('roll_call_full', { limit });
      const present = roll.present.has(command.data.registrationId) ? roll.present.size : roll.present.size + 1;
      return accept([{ type: 'PersonMarkedPresent', data: command.data }], { rollCallId: roll.rollCallId, present });
    }
    default: {
      const unknown: never = command;
      throw new Error(`Unknown movement command ${JSON.stringify(unknown)}`);
    }
  }
};

export const movementsDecider: Decider<
  MovementCommand,
  MovementEvent,
  MovementsState,
  MovementOutcome,
  MovementCommandRefusal
> = { decide, evolve, initialState, fold: foldMovements };
