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
    /**
     * What the door phone decided without the server (`null`: the server
     * decides). Recorded as it happened; where the server, judging the same
     * movement now, would have refused it, a `MovementConflicted` is
     * recorded beside it with `conflictId` (chosen by the server, as the
     * entrance's are: no random ids inside `decide`).
     */
    offline?: OfflineMovement | null;
  }
>;

export interface OfflineMovement {
  result: 'admitted' | 'refused';
  reason: MovementRefusalReason | null;
  /** The direction the phone decided (its « auto » already resolved). */
  direction: 'in' | 'out';
  receivedAt: string;
  conflictId: string;
}
export type AcknowledgeMovementConflict = DomainCommand<
  'AcknowledgeMovementConflict',
  { conferenceId: string; conflictId: string; note: string | null; deviceId: string; acknowledgedAt: string }
>;
export type CheckOutSpace = DomainCommand<
  'CheckOutSpace',
  { conferenceId: string; spaceId: string; at: string; because: 'closing' | 'end_of_day' }
>;
/**
 * An admission at the entrance was undone (`AdmissionUndone` on the ticket):
 * whoever the undo concerns is checked out of the space they are in, by a
 * recorded `PersonLeftSpace` (`admission_undone`). `admitted` is the ticket's
 * fact when the command is decided: someone admitted again since the undo
 * (then maybe entering a room) stays where they are, so the same undo
 * decided twice, replayed after a restart or by a second instance, writes
 * nothing the second time.
 */
export type CheckOutAdmissionUndone = DomainCommand<
  'CheckOutAdmissionUndone',
  {
    conferenceId: string;
    registrationId: string;
    /** When the admission was undone. */
    at: string;
    /** The device that undid it (kept on the check-out, for the person's history). */
    deviceId: string | null;
    /** Admitted at the entrance now (again, after the undo). */
    admitted: boolean;
  }
>;
/**
 * The person was admitted at the entrance (`AttendeeAdmitted` on the ticket;
 * `scanId`, `at`, `deviceId` are that scan's). Someone who had left the site
 * before that admission is back on site: a `PersonReturnedToSite`
 * (`because: 'admitted'`), the same re-entry as a scan `in` at a site door.
 * An admission from before they left (read again after a restart) and a
 * person not marked as left get nothing written, so it is safe to decide
 * every admission again (see `returnedByAdmission`).
 */
export type ReturnAdmittedToSite = DomainCommand<
  'ReturnAdmittedToSite',
  { conferenceId: string; registrationId: string; scanId: string; at: string; deviceId: string }
>;
export type StartRollCall = DomainCommand<
  'StartRollCall',
  { conferenceId: string; rollCallId: string; startedAt: string; expected: readonly string[]; deviceId: string }
>;
export type MarkPresent = DomainCommand<
  'MarkPresent',
  { conferenceId: string; rollCallId: string; markId: string; registrationId: string; at: string; deviceId: string }
>;

export type MovementCommand =
  | DefineSpace
  | MovePerson
  | CheckOutSpace
  | CheckOutAdmissionUndone
  | ReturnAdmittedToSite
  | StartRollCall
  | MarkPresent
  | AcknowledgeMovementConflict;

/** Refusals of the *command* (nothing recorded); a refused movement is an answer, recorded. */
export type MovementCommandRefusal =
  | 'unknown_space'
  | 'space_name_taken'
  | 'unknown_roll_call'
  | 'roll_call_full'
  | 'unknown_conflict'
  | 'offline_reason_missing';

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
  | { returned: number }
  | { rollCallId: string; expected: number }
  | { rollCallId: string; present: number }
  | { conflictId: string; acknowledged: true };

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

/**
 * The one rule of a re-entry by admission: the person is marked as having left
 * the site, and the entrance admitted them at or after the time they left.
 * Times are compared as instants (the two may carry different offsets).
 */
export const returnedByAdmission = (state: MovementsState, registrationId: string, admittedAt: string): boolean => {
  const leftAt = state.leftSite.get(registrationId);
  return leftAt !== undefined && Date.parse(admittedAt) >= Date.parse(leftAt);
};

type MoveDecision = Decision<MovementEvent, MovementAnswer, MovementCommandRefusal>;

/** The events of a movement let through (in or out), as it happened: what the server writes and the phone folds. */
function asDone(
  c: MovePerson['data'],
  spaceId: string,
  direction: 'in' | 'out',
  state: MovementsState,
): MovementEvent[] {
  const base = { conferenceId: c.conferenceId, scanId: c.scanId, registrationId: c.registrationId, at: c.at };
  const device = { scanId: c.scanId, deviceId: c.deviceId };
  const where = state.where.get(c.registrationId);
  if (spaceId === SITE) {
    if (direction === 'in')
      return [{ type: 'PersonReturnedToSite', data: { ...base, spaceId: SITE, deviceId: c.deviceId } }];
    const events: MovementEvent[] = [];
    if (where !== undefined) {
      events.push({
        type: 'PersonLeftSpace',
        data: { ...base, spaceId: where.spaceId, because: 'left_site', ...device },
      });
    }
    events.push({ type: 'PersonLeftSite', data: { ...base, spaceId: SITE, deviceId: c.deviceId } });
    return events;
  }
  if (direction === 'out') {
    return [{ type: 'PersonLeftSpace', data: { ...base, spaceId, because: 'scan', ...device } }];
  }
  // Entering one space is leaving the one the person was in (folded by evolve; recorded here so the log says so).
  const events: MovementEvent[] = [];
  if (where !== undefined && where.spaceId !== spaceId) {
    events.push({ type: 'PersonLeftSpace', data: { ...base, spaceId: where.spaceId, because: 'moved', ...device } });
  }
  const again = state.inside.get(spaceId)?.has(c.registrationId) ?? false;
  events.push({ type: 'PersonEnteredSpace', data: { ...base, spaceId, deviceId: c.deviceId, again } });
  return events;
}

function movePerson(command: MovePerson, state: MovementsState): MoveDecision {
  const c = command.data;
  const known = state.answers.get(c.scanId);
  if (known !== undefined) return accept([], known);
  if (c.offline != null) return moveDecidedOffline(command, c.offline, state);
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
  const admitted = (spaceId: string, direction: 'in' | 'out'): MoveDecision =>
    accept(asDone(c, spaceId, direction, state), {
      scanId: c.scanId,
      result: 'admitted',
      direction,
      spaceId,
      reason: null,
      detail: null,
    });

  // The site's doors: leaving, and coming back (a re-entry, not a second admission).
  if (c.spaceId === SITE) {
    const left = state.leftSite.has(c.registrationId);
    const direction = c.direction === 'auto' ? (left ? 'in' : 'out') : c.direction;
    if (!c.person.admitted) return refused(SITE, direction, 'not_admitted');
    if (direction === 'out') {
      if (left) return refused(SITE, 'out', 'not_inside');
      return admitted(SITE, 'out');
    }
    // Not left: already on site; the scan is still recorded (every movement is an event).
    return admitted(SITE, 'in');
  }

  const space = state.spaces.get(c.spaceId);
  if (space === undefined)
    return refuse('unknown_space', { spaces: [...state.spaces.values()].map((s) => s.name).join(', ') });
  const inside = state.inside.get(space.spaceId) ?? new Set<string>();
  const isInside = inside.has(c.registrationId);
  const direction = c.direction === 'auto' ? (isInside ? 'out' : 'in') : c.direction;

  if (direction === 'out') {
    if (!isInside) return refused(space.spaceId, 'out', 'not_inside');
    return admitted(space.spaceId, 'out');
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
  return admitted(space.spaceId, 'in');
}

/**
 * A movement the phone decided without the server: a fact, recorded as it
 * happened (a refusal as a refusal, a person let through as a movement).
 * The server then judges the same movement, in the direction the phone
 * chose, on what it knows when the upload arrives (other phones' movements
 * included, which is how `space_full` or `already_entered` from another door
 * shows up); where it would have refused what the phone let through, a
 * `MovementConflicted` says so. A refusal the server would have let through
 * is not a conflict (nobody went anywhere), as at the entrance.
 *
 * Judged against the state at upload rather than re-ordered by scan time:
 * movements are many and short-lived, and a movement made after this one but
 * uploaded before it may make the server's verdict unfair to the phone; the
 * organiser sees both times in the conflicts list.
 */
function moveDecidedOffline(command: MovePerson, offline: OfflineMovement, state: MovementsState): MoveDecision {
  const c = command.data;
  const judged = movePerson({ type: 'MovePerson', data: { ...c, direction: offline.direction, offline: null } }, state);
  if (!judged.ok) return judged;
  const spaceId = judged.outcome.spaceId;
  const direction = offline.direction;
  if (offline.result === 'refused') {
    if (offline.reason === null) return refuse('offline_reason_missing');
    const { reason } = offline;
    return accept(
      [
        {
          type: 'MovementRefused',
          data: {
            conferenceId: c.conferenceId,
            scanId: c.scanId,
            registrationId: c.registrationId,
            at: c.at,
            deviceId: c.deviceId,
            spaceId,
            direction,
            reason,
            detail: null,
          },
        },
      ],
      { scanId: c.scanId, result: 'refused', direction, spaceId, reason, detail: null },
    );
  }
  const events = asDone(c, spaceId, direction, state);
  const answer: MovementAnswer = {
    scanId: c.scanId,
    result: 'admitted',
    direction,
    spaceId,
    reason: null,
    detail: null,
  };
  if (judged.outcome.result === 'admitted' || judged.outcome.reason === null) return accept(events, answer);
  const { reason, detail } = judged.outcome;
  events.push({
    type: 'MovementConflicted',
    data: {
      conferenceId: c.conferenceId,
      conflictId: offline.conflictId,
      scanId: c.scanId,
      registrationId: c.registrationId,
      spaceId,
      space: spaceId === SITE ? SITE : (state.spaces.get(spaceId)?.name ?? spaceId),
      direction,
      reason,
      detail,
      deviceId: c.deviceId,
      scannedAt: c.at,
      receivedAt: offline.receivedAt,
      detectedAt: offline.receivedAt,
    },
  });
  return accept(events, { ...answer, conflict: { conflictId: offline.conflictId, reason, detail } });
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
    case 'CheckOutAdmissionUndone': {
      const { conferenceId, registrationId, at, deviceId, admitted } = command.data;
      const where = state.where.get(registrationId);
      if (admitted || where === undefined) return accept([], { checkedOut: 0 });
      return accept(
        [
          {
            type: 'PersonLeftSpace',
            data: {
              conferenceId,
              registrationId,
              spaceId: where.spaceId,
              at,
              because: 'admission_undone',
              scanId: null,
              deviceId,
            },
          },
        ],
        { checkedOut: 1 },
      );
    }
    case 'ReturnAdmittedToSite': {
      const { conferenceId, registrationId, scanId, at, deviceId } = command.data;
      if (!returnedByAdmission(state, registrationId, at)) return accept([], { returned: 0 });
      return accept(
        [
          {
            type: 'PersonReturnedToSite',
            data: { conferenceId, scanId, registrationId, spaceId: SITE, at, deviceId, because: 'admitted' },
          },
        ],
        { returned: 1 },
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
    case 'AcknowledgeMovementConflict': {
      const { conflictId } = command.data;
      const conflict = state.conflicts.get(conflictId);
      if (conflict === undefined) return refuse('unknown_conflict');
      const outcome = { conflictId, acknowledged: true as const };
      if (conflict.acknowledged) return accept([], outcome);
      return accept(
        [
          {
            type: 'MovementConflictAcknowledged',
            data: { ...command.data, registrationId: conflict.registrationId, note: command.data.note?.trim() || null },
          },
        ],
        outcome,
      );
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
